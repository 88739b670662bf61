package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The latency histogram's percentiles are the exact nearest-rank percentiles within its stated
 * relative error, its minimum and maximum exact, on seeded values spread over nine orders of
 * magnitude; small values are exact.
 */
class LatencyHistogramTest {
    private static final int COUNT = Math.max(2000, Integer.getInteger("netbackrx.randomCount", 20000));

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void percentilesAreExactWithinTheStatedError(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] values = new long[COUNT];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-uniform from 1 ns to about 4 s, and some exact repeats
            values[i] =
                    rnd.nextInt(10) == 0 ? values[rnd.nextInt(Math.max(1, i))] : (long) Math.exp(rnd.nextDouble() * 22);
            h.record(values[i]);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        assertThat(h.count()).isEqualTo(COUNT);
        assertThat(h.min()).isEqualTo(sorted[0]);
        assertThat(h.max()).isEqualTo(sorted[COUNT - 1]);
        assertThat(h.mean())
                .isCloseTo(
                        Arrays.stream(values).average().orElseThrow(),
                        org.assertj.core.api.Assertions.within(1e-6 * h.mean()));
        for (double p : new double[] {0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100}) {
            long exact = sorted[(int) Math.max(0, Math.ceil(p / 100 * COUNT) - 1)];
            long got = h.percentile(p);
            assertThat((double) Math.abs(got - exact))
                    .as("p%s: %d for %d", p, got, exact)
                    .isLessThanOrEqualTo(exact * LatencyHistogram.RELATIVE_ERROR);
        }
    }

    @Test
    void valuesBelow256AreExactAndOthersShareBucketsNoWiderThanAPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 0; v < 256; v++) {
            h.record(v);
        }
        for (int i = 1; i <= 256; i++) {
            assertThat(h.percentile(100.0 * i / 256)).isEqualTo(i - 1);
        }
        LatencyHistogram big = new LatencyHistogram();
        big.record(1_000_000);
        big.record(1_003_000);
        big.record(1_100_000);
        // 1,000,000 and 1,003,000 share a bucket of width 2^13 = 8192; 1,100,000 does not
        assertThat(big.percentile(66)).isEqualTo(big.percentile(34));
        assertThat(big.percentile(67)).isEqualTo(1_100_000);
        assertThat(Math.abs(big.percentile(34) - 1_001_500)).isLessThan(8192);
    }

    @Test
    void addClearCopyAndBadInput() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        assertThat(a.percentile(50)).isEqualTo(-1);
        assertThat(a.min()).isEqualTo(-1);
        assertThat(a.max()).isEqualTo(-1);
        a.record(10);
        b.record(5000);
        b.record(7000);
        LatencyHistogram c = a.copy();
        c.add(b);
        assertThat(c.count()).isEqualTo(3);
        assertThat(c.min()).isEqualTo(10);
        assertThat(c.max()).isEqualTo(7000);
        assertThat(a.count()).isEqualTo(1);
        c.clear();
        assertThat(c.count()).isZero();
        assertThat(c.percentile(99)).isEqualTo(-1);
        c.record(3);
        assertThat(c.percentile(50)).isEqualTo(3);
        assertThatThrownBy(() -> a.record(-1)).hasMessage("latency -1 ns is negative");
        assertThatThrownBy(() -> a.percentile(0)).hasMessageContaining("must be above 0 and at most 100");
        assertThatThrownBy(() -> a.percentile(100.5)).hasMessageContaining("must be above 0 and at most 100");
    }
}
