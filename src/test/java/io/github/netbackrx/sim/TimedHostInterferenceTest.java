package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.trace.CaptureLayout;
import io.github.netbackrx.trace.CapturedFrame;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import org.junit.jupiter.api.Test;

/**
 * Interference between co-located guests: a quiet guest receiving MTU frames at a low rate beside a
 * noisy one receiving 64 KiB TSO packets near the backend's capacity. Sharing one 2010 group (one
 * {@code net_rx_action} serving both), the quiet guest's packets wait behind the noisy guest's and
 * its latency rises many times; with a context each (2010 with two groups, 3.14's thread per vif)
 * and a CPU for each context, it is exactly what it is alone; with per-vif threads on one CPU the
 * threads take turns and it rises again.
 */
class TimedHostInterferenceTest {
    private static final Skb MTU = CaptureLayout.defaults().toSkb(new CapturedFrame(0, 1514, new byte[1514]));
    private static final int QUIET = 600;

    /** The quiet guest's (guest 1) latency, with or without the noisy guest 0. */
    private static LatencyHistogram quietLatency(EngineProfile profile, int groups, int cpus, boolean noisy) {
        TimedHost.Builder b = TimedHost.builder()
                .simulation(s -> s.guests(2)
                        .backend(n -> n.profile(profile).groups(groups))
                        .payloadFree(true));
        if (cpus > 0) {
            b.backendCpus(cpus);
        }
        TimedHost h = b.build();
        // 20,000 pps of MTU frames: a few percent of one context's capacity
        h.addSource(1, Arrivals.poisson(20_000, 1), i -> MTU, QUIET);
        if (noisy) {
            // 64 KiB TSO packets at about 90% of the capacity of one context (about 11,000 per second)
            Workload bulk = Workload.of(WorkloadMix.TCP_BULK, 2);
            h.addSource(0, Arrivals.poisson(10_000, 3), i -> bulk.next(), 400);
        }
        h.run();
        TimedReport r = h.report();
        assertThat(r.delivered()).isGreaterThanOrEqualTo(QUIET);
        return r.latency(1);
    }

    @Test
    void aSharedGroupMakesTheQuietGuestWait() {
        LatencyHistogram alone = quietLatency(EngineProfile.LINUX_2010, 1, 0, false);
        LatencyHistogram shared = quietLatency(EngineProfile.LINUX_2010, 1, 0, true);
        assertThat(shared.count()).isEqualTo(QUIET);
        assertThat(shared.percentile(50)).isGreaterThan(3 * alone.percentile(50));
        assertThat(shared.percentile(99)).isGreaterThan(5 * alone.percentile(99));
    }

    @Test
    void aContextAndACpuEachKeepTheQuietGuestAsIfAlone() {
        for (EngineProfile p : new EngineProfile[] {EngineProfile.LINUX_2010, EngineProfile.LINUX_3_14}) {
            LatencyHistogram alone = quietLatency(p, 2, 0, false);
            LatencyHistogram beside = quietLatency(p, 2, 0, true);
            assertThat(beside.count()).as(p.label()).isEqualTo(QUIET);
            assertThat(beside.min()).as(p.label()).isEqualTo(alone.min());
            assertThat(beside.percentile(50)).as(p.label()).isEqualTo(alone.percentile(50));
            assertThat(beside.percentile(99)).as(p.label()).isEqualTo(alone.percentile(99));
            assertThat(beside.max()).as(p.label()).isEqualTo(alone.max());
        }
    }

    @Test
    void perVifThreadsOnTooFewCpusInterfereAgain() {
        LatencyHistogram alone = quietLatency(EngineProfile.LINUX_3_14, 1, 1, false);
        LatencyHistogram oneCpu = quietLatency(EngineProfile.LINUX_3_14, 1, 1, true);
        LatencyHistogram twoCpus = quietLatency(EngineProfile.LINUX_3_14, 1, 2, true);
        assertThat(oneCpu.percentile(99)).isGreaterThan(3 * alone.percentile(99));
        assertThat(twoCpus.percentile(99)).isEqualTo(alone.percentile(99));
    }
}
