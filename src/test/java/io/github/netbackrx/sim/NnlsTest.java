package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lawson–Hanson NNLS against a brute-force oracle: over every subset of columns allowed to be
 * positive, the unconstrained least-squares solution that is feasible and leaves the smallest
 * residual is the constrained optimum (the problems are small and of full column rank).
 */
class NnlsTest {
    private static final int COUNT = Math.max(50, Integer.getInteger("netbackrx.randomCount", 20000) / 100);

    static LongStream seeds() {
        return LongStream.range(0, COUNT);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithTheBruteForceOptimum(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 1 + random.nextInt(5);
        int m = n + random.nextInt(8);
        double[][] a = new double[m][n];
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = random.nextDouble(-1, 1);
            }
            b[i] = random.nextDouble(-2, 2);
        }
        double[] x = Nnls.solve(a, b);
        double[] best = bruteForce(a, b);
        for (double v : x) {
            assertThat(v).as("seed %d: x >= 0", seed).isGreaterThanOrEqualTo(0);
        }
        assertThat(residual(a, b, x)).as("seed %d: residual", seed).isCloseTo(residual(a, b, best), within(1e-9));
        for (int j = 0; j < n; j++) {
            assertThat(x[j]).as("seed %d: x[%d]", seed, j).isCloseTo(best[j], within(1e-7));
        }
    }

    @Test
    void aNegativeUnconstrainedComponentIsHeldAtZero() {
        double[][] a = {{1, 0}, {0, 1}, {1, 1}};
        double[] b = {1, -1, 0};
        // unconstrained: x = (1, -1); constrained: x2 = 0, x1 = argmin (x1-1)^2 + x1^2 = 0.5
        double[] x = Nnls.solve(a, b);
        assertThat(x[0]).isCloseTo(0.5, within(1e-12));
        assertThat(x[1]).isZero();
    }

    @Test
    void aConsistentSystemIsSolvedExactly() {
        double[][] a = {{2, 1}, {1, 3}, {0, 1}};
        double[] b = {2 * 1.5 + 0.25, 1.5 + 3 * 0.25, 0.25};
        double[] x = Nnls.solve(a, b);
        assertThat(x[0]).isCloseTo(1.5, within(1e-12));
        assertThat(x[1]).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void allNegativeDataGiveZero() {
        double[][] a = {{1}, {2}};
        assertThat(Nnls.solve(a, new double[] {-1, -3})).containsExactly(0.0);
    }

    @Test
    void inverseGramDiagonalMatchesTheExplicitInverse() {
        double[][] a = {{1, 2}, {3, 4}, {5, 7}};
        // A^T A = [[35, 49], [49, 69]]; det = 35*69 - 49^2 = 14; inverse diagonal = 69/14, 35/14
        double[] d = Nnls.inverseGramDiagonal(a);
        assertThat(d[0]).isCloseTo(69.0 / 14, within(1e-9));
        assertThat(d[1]).isCloseTo(35.0 / 14, within(1e-9));
    }

    private static double[] bruteForce(double[][] a, double[] b) {
        int n = a[0].length;
        double[] best = new double[n];
        double bestResidual = residual(a, b, best);
        for (int mask = 1; mask < 1 << n; mask++) {
            boolean[] cols = new boolean[n];
            for (int j = 0; j < n; j++) {
                cols[j] = (mask >> j & 1) != 0;
            }
            double[] x = Nnls.leastSquares(a, b, cols);
            boolean feasible = true;
            for (double v : x) {
                feasible &= v >= 0;
            }
            double r = residual(a, b, x);
            if (feasible && r < bestResidual) {
                best = x;
                bestResidual = r;
            }
        }
        return best;
    }

    private static double residual(double[][] a, double[] b, double[] x) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double r = -b[i];
            for (int j = 0; j < x.length; j++) {
                r += a[i][j] * x[j];
            }
            s += r * r;
        }
        return s;
    }
}
