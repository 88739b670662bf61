package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 15 item 6: a guest revokes the grant of the next request while it is not posting, then
 * posts again. The revoked reference must not be handed to a fresh buffer before the backend has
 * answered the request that still names it: the backend's copy then fails and the packet is
 * errored, instead of landing in another, correctly granted buffer ("delivered bytes differ").
 */
class RevokedGrantTest {

    @ParameterizedTest
    @EnumSource(EngineProfile.class)
    void aRevokedRequestErrorsItsPacketUnderEveryProfile(EngineProfile profile) {
        GuestRxSimulation sim =
                GuestRxSimulation.builder().backend(b -> b.profile(profile)).build();
        Skb skb = Skb.builder().head(0, 100).build();
        byte[] data = new byte[100];
        java.util.Arrays.fill(data, (byte) 0x5a);
        sim.stopGuestPosting();
        sim.send(skb, data);
        sim.step();
        sim.revokeNextGrant();
        sim.resumeGuestPosting();
        sim.step();
        sim.send(skb, data);
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).as(profile.label()).isEqualTo(1);
        assertThat(st.errored()).isEqualTo(1);
        assertThat(st.mismatched()).isZero();
        assertThat(st.vif().failedCopyOps()).isEqualTo(1);
        assertThat(st.balanced()).isTrue();
        // every grant taken is a posted buffer's: the revoked one was ended once answered
        assertThat(sim.hypervisor()
                        .domain(GuestRxSimulation.GUEST_DOMID)
                        .grantTable()
                        .grantsInUse())
                .isEqualTo(sim.netfront().outstandingRequests());
    }
}
