package io.github.netbackrx.sim;

import java.util.Arrays;

/**
 * A histogram of non-negative values (latencies in nanoseconds) in bounded memory, log-linear in the
 * manner of HdrHistogram: values below 256 are counted exactly; above, each power of two is split
 * into 128 buckets of equal width, so a bucket is at most 1/128 of its lower bound wide. A
 * percentile is reported as the middle of the bucket that holds it, which is within {@link
 * #RELATIVE_ERROR} (1/256, 0.39%) of the exact value; the minimum and maximum are exact. At most
 * 256 + 56 × 128 counters, allocated a power of two at a time as values need them (about 2 KB for
 * latencies from a microsecond to a second), whatever the number of values.
 *
 * <p>Not thread-safe; allocates nothing per value once its buckets exist.
 */
public final class LatencyHistogram {
    /** The largest relative error of a reported percentile: half a bucket over its lower bound. */
    public static final double RELATIVE_ERROR = 1.0 / 256;

    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS; // buckets per power of two above the exact range
    private static final int EXACT = 2 * SUB; // values 0 .. 255 are counted exactly
    private static final int GROUPS = 64 - SUB_BITS; // group 0 exact; group s >= 1: shift s

    private final long[][] counts = new long[GROUPS][];
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = -1;
    private double sum;

    /** An empty histogram. */
    public LatencyHistogram() {}

    /**
     * Counts one value.
     *
     * @param value the value, at least 0
     * @throws IllegalArgumentException if negative
     */
    public void record(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("latency " + value + " ns is negative");
        }
        int group;
        int index;
        if (value < EXACT) {
            group = 0;
            index = (int) value;
        } else {
            group = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS;
            index = (int) (value >>> group) - SUB;
        }
        long[] c = counts[group];
        if (c == null) {
            c = new long[group == 0 ? EXACT : SUB];
            counts[group] = c;
        }
        c[index]++;
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** @return the number of values counted */
    public long count() {
        return count;
    }

    /** @return the smallest value counted, exactly; -1 when empty */
    public long min() {
        return count == 0 ? -1 : min;
    }

    /** @return the largest value counted, exactly; -1 when empty */
    public long max() {
        return max;
    }

    /** @return the mean of the values counted (exact up to double rounding); 0 when empty */
    public double mean() {
        return count == 0 ? 0 : sum / count;
    }

    /**
     * The value below or at which {@code p} percent of the values lie: the nearest-rank percentile
     * (the value of rank {@code ceil(p / 100 × count)} in sorted order), reported as the middle of
     * its bucket and within [{@link #min()}, {@link #max()}], so within {@link #RELATIVE_ERROR} of
     * the exact value. {@code percentile(100)} is the maximum, exactly.
     *
     * @param p the percentage, above 0 and at most 100
     * @return the percentile; -1 when empty
     * @throws IllegalArgumentException if {@code p} is not in (0, 100]
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + ": must be above 0 and at most 100");
        }
        if (count == 0) {
            return -1;
        }
        if (p == 100) {
            return max;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100 * count));
        long seen = 0;
        for (int group = 0; group < GROUPS; group++) {
            long[] c = counts[group];
            if (c == null) {
                continue;
            }
            for (int i = 0; i < c.length; i++) {
                seen += c[i];
                if (seen >= rank) {
                    return Math.max(min, Math.min(max, middle(group, i)));
                }
            }
        }
        return max;
    }

    /** The middle of a bucket: the value itself in the exact range. */
    private static long middle(int group, int index) {
        if (group == 0) {
            return index;
        }
        long lower = (long) (index + SUB) << group;
        long width = 1L << group;
        return lower + (width - 1) / 2;
    }

    /**
     * Adds every value counted by another histogram.
     *
     * @param other the other histogram (unchanged)
     */
    public void add(LatencyHistogram other) {
        for (int group = 0; group < GROUPS; group++) {
            long[] o = other.counts[group];
            if (o == null) {
                continue;
            }
            if (counts[group] == null) {
                counts[group] = new long[o.length];
            }
            for (int i = 0; i < o.length; i++) {
                counts[group][i] += o[i];
            }
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** Forgets every value (keeps its buckets). */
    public void clear() {
        for (long[] c : counts) {
            if (c != null) {
                Arrays.fill(c, 0);
            }
        }
        count = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = -1;
    }

    /** @return an independent copy */
    public LatencyHistogram copy() {
        LatencyHistogram h = new LatencyHistogram();
        h.add(this);
        return h;
    }

    /** @return e.g. {@code LatencyHistogram[count=1000, p50=4096, p99=9000, max=12000]} */
    @Override
    public String toString() {
        return "LatencyHistogram[count=" + count + ", p50=" + percentile(50) + ", p99=" + percentile(99) + ", max="
                + max + "]";
    }
}
