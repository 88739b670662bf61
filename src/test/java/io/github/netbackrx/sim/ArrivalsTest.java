package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The arrival processes: the rates they promise, their seeds, their order and their end. */
class ArrivalsTest {
    @Test
    void aConstantRateDoesNotDrift() {
        Arrivals a = Arrivals.constant(3_000_000); // a gap of 333.33 ns
        long last = -1;
        for (int i = 0; i < 3_000_000; i++) {
            long t = a.next();
            assertThat(t).isGreaterThanOrEqualTo(last);
            last = t;
        }
        assertThat(last).isEqualTo(Math.round(2_999_999 * (1e9 / 3_000_000)));
        assertThat(Arrivals.constant(1).next()).isZero();
    }

    @Test
    void aPoissonProcessHasItsRateAndIsItsSeeds() {
        Arrivals a = Arrivals.poisson(1_000_000, 3);
        Arrivals b = Arrivals.poisson(1_000_000, 3);
        Arrivals c = Arrivals.poisson(1_000_000, 4);
        long t = 0;
        long gapsAboveMean = 0;
        long last = 0;
        boolean differs = false;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            t = a.next();
            assertThat(b.next()).isEqualTo(t);
            differs |= c.next() != t;
            assertThat(t).isGreaterThanOrEqualTo(last);
            gapsAboveMean += t - last > 1000 ? 1 : 0;
            last = t;
        }
        assertThat(differs).isTrue();
        assertThat(n * 1e9 / t).isCloseTo(1_000_000, within(10_000.0));
        // exponential gaps: P(gap > mean) = 1/e
        assertThat((double) gapsAboveMean / n).isCloseTo(Math.exp(-1), within(0.01));
    }

    @Test
    void timestampsStartAtZeroEndAndKeepTheirOrder() {
        Arrivals a =
                Arrivals.timestamps(1_700_000_000_000_000_000L, 1_700_000_000_000_001_000L, 1_700_000_000_000_001_000L);
        assertThat(a.next()).isZero();
        assertThat(a.next()).isEqualTo(1000);
        assertThat(a.next()).isEqualTo(1000);
        assertThat(a.next()).isEqualTo(Arrivals.END);
        assertThatThrownBy(() -> Arrivals.timestamps(5, 7, 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timestamps: time 2 (6 ns) is earlier than time 1 (7 ns); arrivals must be in time order");
        assertThatThrownBy(Arrivals::timestamps).hasMessage("timestamps: no time given");
    }

    @Test
    void aLoopRepeatsThePassOneMeanGapLater() {
        Arrivals a = Arrivals.loop(100, 400, 700); // span 600, mean gap 300: a pass every 900
        long[] want = {0, 300, 600, 900, 1200, 1500, 1800};
        for (long w : want) {
            assertThat(a.next()).isEqualTo(w);
        }
        Arrivals one = Arrivals.loop(42);
        assertThat(one.next()).isZero();
        assertThat(one.next()).isEqualTo(1000);
    }

    @Test
    void aRateOutOfRangeIsRefused() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, 2e9}) {
            assertThatThrownBy(() -> Arrivals.constant(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be above 0 and at most 10^9");
            assertThatThrownBy(() -> Arrivals.poisson(bad, 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
