package io.github.netbackrx.examples.cloudsimplus;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.LatencyHistogram;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The noisy-neighbour effect inside CloudSim Plus, with every number from the model: the quiet VM's
 * latency against its own latency alone, the noisy VM's drops against its offered packets.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NoisyNeighbourTest {
    private static final Map<String, NoisyNeighbour.Result> RUNS = new HashMap<>();

    private static NoisyNeighbour.Result run(EngineProfile profile, int noisyPerTick) {
        return RUNS.computeIfAbsent(
                profile.label() + "/" + noisyPerTick,
                k -> NoisyNeighbour.run(new NoisyNeighbour.Config(
                        profile, 1, NoisyNeighbour.TICKS, NoisyNeighbour.QUIET_PER_TICK, noisyPerTick)));
    }

    private static final long QUIET_PACKETS = (long) NoisyNeighbour.TICKS * NoisyNeighbour.QUIET_PER_TICK;

    @Test
    void aSharedGroupMakesTheQuietVmWaitBehindTheBursts() {
        NoisyNeighbour.Result alone = run(EngineProfile.LINUX_2010, 0);
        NoisyNeighbour.Result beside = run(EngineProfile.LINUX_2010, 40);
        assertThat(alone.quiet().delivered()).isEqualTo(QUIET_PACKETS);
        assertThat(beside.quiet().delivered()).isEqualTo(QUIET_PACKETS);
        LatencyHistogram a = alone.quiet().latency();
        LatencyHistogram b = beside.quiet().latency();
        // beside the noisy VM, in the same group, each frame waits behind that tick's burst
        assertThat(b.min()).isGreaterThan(10 * a.max());
        assertThat(b.percentile(50)).isGreaterThan(10 * a.percentile(50));
    }

    @Test
    void aRisingNoisyRateRaisesTheLatencyThenDropsTheNoisyPackets() {
        NoisyNeighbour.Result low = run(EngineProfile.LINUX_2010, 2);
        NoisyNeighbour.Result mid = run(EngineProfile.LINUX_2010, 10);
        NoisyNeighbour.Result full = run(EngineProfile.LINUX_2010, 40);
        NoisyNeighbour.Result high = run(EngineProfile.LINUX_2010, 160);
        // the quiet frames wait behind the part of each burst that the noisy VM's ring takes ...
        assertThat(mid.quiet().latency().percentile(50))
                .isGreaterThan(3 * low.quiet().latency().percentile(50));
        assertThat(full.quiet().latency().percentile(50))
                .isGreaterThan(mid.quiet().latency().percentile(50));
        // ... and no more once that ring is full: the rest of a burst waits in the noisy VM's qdisc
        assertThat(high.quiet().latency().percentile(50))
                .isEqualTo(full.quiet().latency().percentile(50));
        // below the group's capacity nothing is lost; far above it most of a burst is dropped
        assertThat(low.noisy().dropped()).isZero();
        assertThat(high.noisy().dropped()).isGreaterThan(high.noisy().arrived() / 2);
        assertThat(high.noisy().droppedBy().keySet()).isNotEmpty();
        // the backend group works more as the rate rises
        assertThat(high.report().utilisation().get(0))
                .isGreaterThan(low.report().utilisation().get(0));
    }

    @Test
    void aThreadPerVifLeavesTheQuietVmAsIfAlone() {
        LatencyHistogram alone = run(EngineProfile.LINUX_3_14, 0).quiet().latency();
        LatencyHistogram beside = run(EngineProfile.LINUX_3_14, 40).quiet().latency();
        assertThat(beside.count()).isEqualTo(QUIET_PACKETS);
        assertThat(beside.min()).isEqualTo(alone.min());
        assertThat(beside.percentile(50)).isEqualTo(alone.percentile(50));
        assertThat(beside.max()).isEqualTo(alone.max());
    }

    @Test
    void everyPacketIsDeliveredOrDroppedAndNoCloudletWaitsInVain() {
        for (NoisyNeighbour.Result r : new NoisyNeighbour.Result[] {
            run(EngineProfile.LINUX_2010, 40), run(EngineProfile.LINUX_2010, 160), run(EngineProfile.LINUX_3_14, 160)
        }) {
            for (VmTraffic t : new VmTraffic[] {r.quiet(), r.noisy()}) {
                assertThat(t.delivered() + t.dropped()).isEqualTo(t.arrived());
                assertThat(t.droppedBy().values().stream()
                                .mapToLong(Long::longValue)
                                .sum())
                        .isEqualTo(t.dropped());
            }
            assertThat(r.noisy().arrived())
                    .isEqualTo((long) NoisyNeighbour.TICKS * r.config().noisyPerTick());
            assertThat(r.report().delivered())
                    .isEqualTo(r.quiet().delivered() + r.noisy().delivered());
            assertThat(r.quietLost()).isEqualTo(r.quiet().dropped());
            assertThat(r.finishedCloudlets()).isEqualTo(r.cloudlets()).isEqualTo(4);
        }
    }

    @Test
    void aThreadPerVifAtTheHighestRateKeepsTheClientsSending() {
        // 3.14 delivers the noisy VM's packets one by one, about every 100 us: the adapter must not
        // make the datacenter update its cloudlets at each of them, or CloudSim Plus credits the
        // senders' execution tasks with 0 whole MI per update and they never send their next tick
        NoisyNeighbour.Result r = run(EngineProfile.LINUX_3_14, 160);
        assertThat(r.quiet().arrived()).isEqualTo(QUIET_PACKETS);
        assertThat(r.noisy().arrived()).isEqualTo((long) NoisyNeighbour.TICKS * 160);
        assertThat(r.noisy().delivered() + r.noisy().dropped())
                .isEqualTo(r.noisy().arrived());
        assertThat(r.noisy().dropped()).isPositive();
        assertThat(r.finishedCloudlets()).isEqualTo(r.cloudlets()).isEqualTo(4);
    }

    @Test
    void theSameScenarioGivesTheSameNumbers() {
        NoisyNeighbour.Result a = run(EngineProfile.LINUX_2010, 160);
        NoisyNeighbour.Result b = NoisyNeighbour.run(a.config());
        assertThat(b.quiet().latency().percentile(99))
                .isEqualTo(a.quiet().latency().percentile(99));
        assertThat(b.noisy().droppedBy()).isEqualTo(a.noisy().droppedBy());
        assertThat(b.report().end()).isEqualTo(a.report().end());
        assertThat(b.clock()).isEqualTo(a.clock());
    }
}
