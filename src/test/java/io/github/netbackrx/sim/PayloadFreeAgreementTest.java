package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The payload-free mode counts what the byte mode counts: the same seeded packets, steps and faults
 * (guests stopping, revoked grants) through both give equal statistics per guest, per execution
 * context and summed, and the same lifecycle for every packet, under every profile; and no packet
 * byte travels in it.
 */
class PayloadFreeAgreementTest {
    private static final int COUNT = Math.max(1600, Integer.getInteger("netbackrx.randomCount", 20000) / 10);

    @ParameterizedTest(name = "{0}, seed {1}")
    @CsvSource({
        "LINUX_2010, 41",
        "LINUX_2010, 42",
        "LINUX_3_13, 43",
        "LINUX_3_14, 44",
        "RX_C, 45",
        "FREEBSD, 46",
    })
    void bothModesCountTheSame(EngineProfile profile, long seed) {
        PacketLifecycleTest.Recorder withBytes = new PacketLifecycleTest.Recorder();
        PacketLifecycleTest.Recorder without = new PacketLifecycleTest.Recorder();
        GuestRxSimulation a = build(profile, false, withBytes);
        GuestRxSimulation b = build(profile, true, without);
        PacketLifecycleTest.drive(a, new SplittableRandom(seed), COUNT);
        PacketLifecycleTest.drive(b, new SplittableRandom(seed), COUNT);

        assertThat(counts(b.statistics())).isEqualTo(counts(a.statistics()));
        for (int g = 0; g < 3; g++) {
            assertThat(counts(b.statistics(g))).isEqualTo(counts(a.statistics(g)));
        }
        assertThat(b.contextStatistics()).isEqualTo(a.contextStatistics());
        assertThat(b.netback().hypercalls()).isEqualTo(a.netback().hypercalls());
        assertThat(without.steps).isEqualTo(withBytes.steps);
        SimulationStatistics st = a.statistics();
        // a revoked grant whose reference the guest reuses before the backend copies into it lets the
        // copy land in the new buffer: the byte mode sees that packet's bytes differ, the payload-free
        // mode (which compares lengths) does not
        assertThat(b.statistics().mismatched()).isZero();
        assertThat(st.mismatched()).isLessThanOrEqualTo(1);
        assertThat(st.delivered()).isPositive();
        assertThat(st.errored() + st.dropped()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"LINUX_2010", "LINUX_3_14", "RX_C", "FREEBSD"})
    void aWorkloadWithoutBytesDeliversEveryPacketWithNoneOfItsBytes(EngineProfile profile) {
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .backend(b -> b.profile(profile))
                .payloadFree(true)
                .build();
        Workload w = Workload.of(WorkloadMix.MIXED, 7);
        for (int i = 0; i < 300; i++) {
            Skb skb = w.next();
            long id = sim.send(skb);
            assertThat(id).isEqualTo(i);
            if (i % 5 == 4) {
                sim.step();
            }
        }
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(st.mismatched()).isZero();
        assertThat(st.delivered() + st.dropped()).isEqualTo(300);
        assertThat(st.delivered()).isPositive();
        for (ReceivedPacket r : sim.takeReceived()) {
            assertThat(r.contentEquals(new byte[r.length()]))
                    .as("%s holds no packet byte", r)
                    .isTrue();
        }
    }

    @Test
    void aSimulationWithBytesRefusesAPacketWithout() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        Skb skb = Skb.builder().head(0, 100).build();
        assertThatThrownBy(() -> sim.send(skb))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("payloadFree(true)");
        GuestRxSimulation free = GuestRxSimulation.builder().payloadFree(true).build();
        assertThatThrownBy(() -> free.send(skb, new byte[99]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("99 data bytes for a packet of length 100");
    }

    /** Every counter but {@code mismatched}, which only the byte mode can see. */
    private static SimulationStatistics counts(SimulationStatistics s) {
        return new SimulationStatistics(
                s.sent(),
                s.delivered(),
                s.deliveredBytes(),
                0,
                s.dropped(),
                s.errored(),
                s.inFlight(),
                s.qdiscDropped(),
                s.droppedBy(),
                s.vif(),
                s.netfront());
    }

    private static GuestRxSimulation build(EngineProfile profile, boolean free, PacketListener listener) {
        return GuestRxSimulation.builder()
                .guests(3)
                .backend(b -> b.profile(profile).groups(profile == EngineProfile.LINUX_2010 ? 2 : 1))
                .payloadFree(free)
                .listener(listener)
                .keepReceived(false)
                .build();
    }
}
