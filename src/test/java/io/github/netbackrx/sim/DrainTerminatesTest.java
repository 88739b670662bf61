package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link GuestRxSimulation#drain()} returns when packets wait for good: the guest's netfront stops
 * posting buffers (its fault hook), so the packets beyond its ring can never be answered. An action
 * that runs and takes nothing ({@code rx.c}'s {@code xenvif_rx_action} counts a batch each time) is
 * not progress; the packets stay counted in flight, and move on once the guest posts again.
 */
class DrainTerminatesTest {

    private static final int PACKETS = 600; // more than the ring (256) holds

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = EngineProfile.class,
            names = {"RX_C", "LINUX_3_14"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void drainReturnsWhileTheGuestDoesNotPost(EngineProfile profile) {
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .backend(b -> b.profile(profile))
                .keepReceived(false)
                .build();
        sim.netfront(0, 0).faults().stopPosting();
        Skb skb = Skb.builder().head(0, 1514).build();
        byte[] data = new byte[skb.length()];
        for (int i = 0; i < PACKETS; i++) {
            data[0] = (byte) i;
            sim.send(skb, data);
        }

        int rounds = sim.drain();

        SimulationStatistics stuck = sim.statistics();
        assertThat(rounds).isPositive();
        assertThat(stuck.sent()).isEqualTo(PACKETS);
        assertThat(stuck.inFlight()).as("packets waiting for buffers").isPositive();
        assertThat(stuck.delivered() + stuck.dropped() + stuck.errored() + stuck.inFlight())
                .isEqualTo(PACKETS);
        assertThat(sim.drain()).as("a second drain with nothing able to move").isLessThanOrEqualTo(2);
        assertThat(sim.statistics().delivered()).isEqualTo(stuck.delivered());
        assertThat(sim.statistics().inFlight()).isEqualTo(stuck.inFlight());

        sim.netfront(0, 0).faults().resumePosting();
        sim.drain();

        SimulationStatistics done = sim.statistics();
        assertThat(done.inFlight()).isZero();
        assertThat(done.delivered()).isGreaterThan(stuck.delivered());
        assertThat(done.mismatched()).isZero();
        assertThat(done.delivered() + done.dropped() + done.errored()).isEqualTo(PACKETS);
    }
}
