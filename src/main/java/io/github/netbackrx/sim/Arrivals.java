package io.github.netbackrx.sim;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * When the packets of one source arrive at the host, in nanoseconds from the start of the run: an
 * arrival process for {@link TimedHost#addSource}. {@link #next()} gives the times one by one, never
 * decreasing. The factories cover a constant rate, a seeded Poisson process and the timestamps of a
 * capture; implement the interface for any other process. An instance is used by one source.
 */
public interface Arrivals {
    /** What {@link #next()} returns once the process has no more arrivals. */
    long END = Long.MAX_VALUE;

    /**
     * @return the next arrival's time in nanoseconds, at least the previous one; {@link #END} when
     *     there are no more
     */
    long next();

    /**
     * Evenly spaced arrivals: packet {@code i} at {@code round(i × 10⁹ / rate)} ns (so the rate holds
     * over a long run, without drift), the first at 0.
     *
     * @param packetsPerSecond the rate, above 0 and at most 10⁹
     * @return the process
     * @throws IllegalArgumentException if the rate is out of range or not a number
     */
    static Arrivals constant(double packetsPerSecond) {
        double gap = 1e9 / checkRate(packetsPerSecond);
        return new Arrivals() {
            private long i;

            @Override
            public long next() {
                return Math.round(i++ * gap);
            }
        };
    }

    /**
     * A Poisson process: independent exponential gaps of mean {@code 10⁹ / rate} ns, drawn from a
     * {@link SplittableRandom} with this seed (the same seed gives the same times), the first
     * arrival one gap after 0. Times are the running sum of the gaps, rounded to the nanosecond.
     *
     * @param packetsPerSecond the mean rate, above 0 and at most 10⁹
     * @param seed the random seed
     * @return the process
     * @throws IllegalArgumentException if the rate is out of range or not a number
     */
    static Arrivals poisson(double packetsPerSecond, long seed) {
        double mean = 1e9 / checkRate(packetsPerSecond);
        SplittableRandom rnd = new SplittableRandom(seed);
        return new Arrivals() {
            private double t;

            @Override
            public long next() {
                t += -Math.log(1 - rnd.nextDouble()) * mean;
                return Math.round(t);
            }
        };
    }

    /**
     * The given times once each, moved so that the first is at 0 (a capture's timestamps: {@link
     * io.github.netbackrx.trace.CapturedFrame#timestampNanos()}).
     *
     * @param nanos the times in nanoseconds, in order
     * @return the process
     * @throws IllegalArgumentException if there is no time or a time is earlier than the one before
     *     (a capture whose frames are out of time order)
     */
    static Arrivals timestamps(long... nanos) {
        long[] t = checkOrder(nanos);
        return new Arrivals() {
            private int i;

            @Override
            public long next() {
                return i < t.length ? t[i++] - t[0] : END;
            }
        };
    }

    /**
     * The given times played again and again (a capture looped): each pass is the times moved so
     * that its first comes one mean gap after the last of the pass before (one microsecond for a
     * single time); the first pass starts at 0.
     *
     * @param nanos the times in nanoseconds, in order
     * @return the process, without end
     * @throws IllegalArgumentException as {@link #timestamps(long...)}
     */
    static Arrivals loop(long... nanos) {
        long[] t = checkOrder(nanos);
        long span = t[t.length - 1] - t[0];
        long period = t.length == 1 ? 1_000 : span + Math.max(1, span / (t.length - 1));
        return new Arrivals() {
            private long i;

            @Override
            public long next() {
                int k = (int) (i % t.length);
                long pass = i++ / t.length;
                return pass * period + t[k] - t[0];
            }
        };
    }

    private static double checkRate(double packetsPerSecond) {
        if (!(packetsPerSecond > 0 && packetsPerSecond <= 1e9)) {
            throw new IllegalArgumentException("rate: " + packetsPerSecond
                    + " packets per second; it must be above 0 and at most 10^9 (one per nanosecond)");
        }
        return packetsPerSecond;
    }

    private static long[] checkOrder(long[] nanos) {
        Objects.requireNonNull(nanos, "nanos");
        if (nanos.length == 0) {
            throw new IllegalArgumentException("timestamps: no time given");
        }
        for (int i = 1; i < nanos.length; i++) {
            if (nanos[i] < nanos[i - 1]) {
                throw new IllegalArgumentException("timestamps: time " + i + " (" + nanos[i]
                        + " ns) is earlier than time " + (i - 1) + " (" + nanos[i - 1]
                        + " ns); arrivals must be in time order");
            }
        }
        return nanos.clone();
    }
}
