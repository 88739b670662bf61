package io.github.netbackrx.sim;

/**
 * Non-negative least squares: {@code min ||A x - b||} subject to {@code x >= 0}, by the active-set
 * method of Lawson and Hanson ("Solving Least Squares Problems", 1974, chapter 23, algorithm NNLS).
 * The unconstrained subproblems are solved by Householder QR on the passive columns, never by the
 * normal equations (which square the condition number). Lengths use {@link StrictMath#hypot}, so
 * the results are the same bit for bit on every platform.
 *
 * <p>Small dense problems only (a calibration has a handful of columns). The caller passes columns
 * that are linearly independent ({@link CostCalibration} drops the others first); the loop is bounded
 * (the original suggests {@code 3n} outer iterations; this allows {@code 30(n + 1)}) and fails loudly
 * rather than looping.
 */
final class Nnls {
    private Nnls() {}

    /**
     * Solves the problem.
     *
     * @param a the matrix, {@code m} rows of {@code n} columns, not modified
     * @param b the right-hand side, {@code m} values, not modified
     * @return {@code x}, {@code n} values, each {@code >= 0}
     */
    static double[] solve(double[][] a, double[] b) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        double[] x = new double[n];
        boolean[] passive = new boolean[n];
        double tol = 1e-12 * scale(a, b);
        double[] w = gradient(a, b, x);
        boolean[] skip = new boolean[n];
        int limit = 30 * (n + 1);
        for (int iter = 0; iter < limit; iter++) {
            int t = -1;
            double best = tol;
            for (int j = 0; j < n; j++) {
                if (!passive[j] && !skip[j] && w[j] > best) {
                    best = w[j];
                    t = j;
                }
            }
            if (t < 0) {
                return x; // the Kuhn-Tucker conditions hold
            }
            passive[t] = true;
            double[] z = leastSquares(a, b, passive);
            if (z[t] <= 0) {
                // rounding made the chosen column look useful: leave it out of this choice (step 6)
                passive[t] = false;
                skip[t] = true;
                continue;
            }
            while (true) {
                // step 7-11: move towards z until a passive variable would turn negative
                double alpha = Double.POSITIVE_INFINITY;
                int blocking = -1;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) {
                        double d = x[j] - z[j];
                        double aj = d > 0 ? x[j] / d : 0;
                        if (aj < alpha) {
                            alpha = aj;
                            blocking = j;
                        }
                    }
                }
                if (blocking < 0) {
                    x = z;
                    break;
                }
                for (int j = 0; j < n; j++) {
                    if (passive[j]) {
                        x[j] += alpha * (z[j] - x[j]);
                    }
                }
                x[blocking] = 0;
                passive[blocking] = false;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && x[j] <= 0) {
                        passive[j] = false;
                        x[j] = 0;
                    }
                }
                z = leastSquares(a, b, passive);
            }
            java.util.Arrays.fill(skip, false);
            w = gradient(a, b, x);
        }
        throw new IllegalStateException("NNLS did not converge in " + limit + " iterations");
    }

    /** {@code A^T (b - A x)}: the negative gradient of half the squared residual. */
    private static double[] gradient(double[][] a, double[] b, double[] x) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < a.length; i++) {
            double r = b[i];
            for (int j = 0; j < n; j++) {
                r -= a[i][j] * x[j];
            }
            for (int j = 0; j < n; j++) {
                w[j] += a[i][j] * r;
            }
        }
        return w;
    }

    /** A magnitude for the stopping tolerance: the largest {@code |a_ij| * |b|}. */
    private static double scale(double[][] a, double[] b) {
        double am = 0;
        double bm = 0;
        for (int i = 0; i < a.length; i++) {
            bm = Math.max(bm, Math.abs(b[i]));
            for (double v : a[i]) {
                am = Math.max(am, Math.abs(v));
            }
        }
        return Math.max(am * bm * Math.max(1, a.length), Double.MIN_NORMAL);
    }

    /**
     * The unconstrained least-squares solution over the passive columns (the others are zero), by
     * Householder QR of those columns and back substitution.
     */
    static double[] leastSquares(double[][] a, double[] b, boolean[] passive) {
        Qr qr = Qr.of(a, b, passive);
        int k = qr.cols.length;
        double[] z = new double[k];
        for (int c = k - 1; c >= 0; c--) {
            double s = qr.qtb[c];
            for (int cc = c + 1; cc < k; cc++) {
                s -= qr.r[c][cc] * z[cc];
            }
            z[c] = s / qr.r[c][c];
        }
        double[] out = new double[passive.length];
        for (int c = 0; c < k; c++) {
            out[qr.cols[c]] = z[c];
        }
        return out;
    }

    /**
     * The diagonal of {@code (A^T A)^-1} over all columns of {@code a}, from {@code R^-1} of its QR
     * factors ({@code (A^T A)^-1 = R^-1 R^-T}): the variance factors of a least-squares estimate.
     */
    static double[] inverseGramDiagonal(double[][] a) {
        int n = a.length == 0 ? 0 : a[0].length;
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        double[][] r = Qr.of(a, new double[a.length], all).r;
        // rinv = R^-1, upper triangular, column by column
        double[][] rinv = new double[n][n];
        for (int j = 0; j < n; j++) {
            rinv[j][j] = 1 / r[j][j];
            for (int i = j - 1; i >= 0; i--) {
                double s = 0;
                for (int c = i + 1; c <= j; c++) {
                    s += r[i][c] * rinv[c][j];
                }
                rinv[i][j] = -s / r[i][i];
            }
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                d[i] += rinv[i][j] * rinv[i][j];
            }
        }
        return d;
    }

    /** Householder QR of the selected columns: {@code R} ({@code k x k}) and {@code Q^T b}. */
    private static final class Qr {
        final int[] cols;
        final double[][] r;
        final double[] qtb;

        private Qr(int[] cols, double[][] r, double[] qtb) {
            this.cols = cols;
            this.r = r;
            this.qtb = qtb;
        }

        static Qr of(double[][] a, double[] b, boolean[] selected) {
            int m = a.length;
            int n = selected.length;
            int k = 0;
            int[] cols = new int[n];
            for (int j = 0; j < n; j++) {
                if (selected[j]) {
                    cols[k++] = j;
                }
            }
            cols = java.util.Arrays.copyOf(cols, k);
            if (k > m) {
                throw new IllegalStateException(k + " columns but only " + m + " rows in the least-squares step");
            }
            double[][] w = new double[m][k];
            double[] y = b.clone();
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < k; c++) {
                    w[i][c] = a[i][cols[c]];
                }
            }
            double[] v = new double[m];
            for (int c = 0; c < k; c++) {
                double norm = 0;
                for (int i = c; i < m; i++) {
                    norm = StrictMath.hypot(norm, w[i][c]);
                }
                if (norm == 0) {
                    throw new IllegalStateException("dependent column " + cols[c] + " in the least-squares step");
                }
                double alpha = w[c][c] > 0 ? -norm : norm;
                // H = I - 2 v v^T / (v^T v) with v = (column below the diagonal) - alpha e1
                double vv = 0;
                for (int i = c; i < m; i++) {
                    v[i] = w[i][c] - (i == c ? alpha : 0);
                    vv += v[i] * v[i];
                }
                if (vv == 0) {
                    continue;
                }
                for (int cc = c; cc < k; cc++) {
                    reflect(w, cc, v, c, m, vv);
                }
                double dot = 0;
                for (int i = c; i < m; i++) {
                    dot += v[i] * y[i];
                }
                double f = 2 * dot / vv;
                for (int i = c; i < m; i++) {
                    y[i] -= f * v[i];
                }
            }
            double[][] r = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int c = i; c < k; c++) {
                    r[i][c] = w[i][c];
                }
            }
            return new Qr(cols, r, java.util.Arrays.copyOf(y, k));
        }

        private static void reflect(double[][] w, int col, double[] v, int from, int m, double vv) {
            double dot = 0;
            for (int i = from; i < m; i++) {
                dot += v[i] * w[i][col];
            }
            double f = 2 * dot / vv;
            for (int i = from; i < m; i++) {
                w[i][col] -= f * v[i];
            }
        }
    }
}
