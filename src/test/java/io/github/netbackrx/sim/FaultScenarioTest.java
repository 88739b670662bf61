package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.BatchReport;
import io.github.netbackrx.netfront.GuestKernel;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every fault of issue 4: what is delivered, what is counted, and that later packets are unaffected. */
class FaultScenarioTest {
    private final SplittableRandom rnd = new SplittableRandom(42);
    private final List<byte[]> sent = new ArrayList<>();

    private static final Skb MTU =
            Skb.builder().head(64, 1514).checksum(ChecksumState.UNNECESSARY).build();

    private long send(GuestRxSimulation sim, Skb skb) {
        byte[] data = new byte[skb.length()];
        rnd.nextBytes(data);
        sent.add(data);
        return sim.send(skb, data);
    }

    private void assertLaterPacketsUnaffected(GuestRxSimulation sim) {
        sim.takeReceived();
        SimulationStatistics before = sim.statistics();
        int from = sent.size();
        for (int i = 0; i < 40; i++) {
            send(sim, MTU);
        }
        sim.drain();
        List<ReceivedPacket> got = sim.takeReceived();
        assertThat(got).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(got.get(i).contentEquals(sent.get(from + i))).isTrue();
        }
        SimulationStatistics after = sim.statistics();
        assertThat(after.errored()).isEqualTo(before.errored());
        assertThat(after.dropped()).isEqualTo(before.dropped());
        assertThat(after.mismatched()).isZero();
        assertThat(after.balanced()).isTrue();
    }

    private void grantFault(Consumer<GuestRxSimulation> fault) {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        fault.accept(sim);
        send(sim, MTU);
        send(sim, MTU);
        send(sim, MTU);
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).isEqualTo(2);
        assertThat(st.errored()).isEqualTo(1);
        assertThat(st.dropped()).isZero();
        assertThat(st.vif().packetsErrored()).isEqualTo(1);
        assertThat(st.vif().failedCopyOps()).isEqualTo(1);
        assertThat(st.netfront().rejectedBy()).isEqualTo(Map.of(RejectReason.BAD_STATUS, 1L));
        List<ReceivedPacket> got = sim.takeReceived();
        assertThat(got.get(0).contentEquals(sent.get(1))).isTrue();
        assertThat(got.get(1).contentEquals(sent.get(2))).isTrue();
        assertLaterPacketsUnaffected(sim);
    }

    @Test
    void guestRevokesAPostedGrant() {
        grantFault(GuestRxSimulation::revokeNextGrant);
    }

    @Test
    void readOnlyGrant() {
        grantFault(GuestRxSimulation::readOnlyNextGrant);
    }

    @Test
    void grantToTheWrongDomain() {
        grantFault(GuestRxSimulation::wrongDomainNextGrant);
    }

    @Test
    void grefBeyondTheTable() {
        grantFault(GuestRxSimulation::grefBeyondTableNextGrant);
    }

    @Test
    void guestStopsPostingThenResumes() {
        GuestRxSimulation sim = GuestRxSimulation.builder().ringStartIndex(-100).build();
        sim.stopGuestPosting();
        for (int i = 0; i < 600; i++) {
            send(sim, MTU);
        }
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).isLessThan(256);
        assertThat(sim.vif().queueStopped()).isTrue();
        assertThat(st.vif().queueStops()).isPositive();
        // in front of the stopped queue the qdisc holds tx_queue_len packets and drops the rest (tail drop)
        assertThat(sim.backlog()).isEqualTo(KernelLimits.VIF_TX_QUEUE_LEN);
        assertThat(st.qdiscDropped()).isPositive();
        assertThat(st.dropped()).isEqualTo(st.qdiscDropped());
        assertThat(st.vif().packetsDropped()).isZero();
        assertThat(st.inFlight()).isEqualTo(600 - st.delivered() - st.qdiscDropped());
        long lost = st.qdiscDropped();
        sim.resumeGuestPosting();
        sim.drain();
        st = sim.statistics();
        assertThat(st.delivered()).isEqualTo(600 - lost);
        assertThat(st.qdiscDropped()).isEqualTo(lost);
        assertThat(st.mismatched()).isZero();
        assertThat(st.vif().queueWakes()).isPositive();
        // the packets that got past the qdisc arrive in order: the first 600 - lost sent, the tail was dropped
        List<ReceivedPacket> got = sim.takeReceived();
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).contentEquals(sent.get(i)))
                    .as("packet %d in order", i)
                    .isTrue();
        }
        assertLaterPacketsUnaffected(sim);
    }

    @Test
    void aLongerQdiscHoldsEverythingWhileTheGuestDoesNotPost() {
        GuestRxSimulation sim = GuestRxSimulation.builder().txQueueLen(1000).build();
        sim.stopGuestPosting();
        for (int i = 0; i < 600; i++) {
            send(sim, MTU);
        }
        sim.drain();
        assertThat(sim.statistics().dropped()).isZero();
        assertThat(sim.backlog()).isPositive();
        sim.resumeGuestPosting();
        sim.drain();
        assertThat(sim.statistics().delivered()).isEqualTo(600);
        assertThat(sim.statistics().mismatched()).isZero();
    }

    @Test
    void reqProdBeyondTheRingDisablesTheVif() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        send(sim, MTU);
        sim.drain();
        int rspProd = sim.netfront().ring().ring().rspProd();
        long copyOps = sim.statistics().vif().copyOps();
        sim.writeReqProd(sim.nextRequestIndex() + 300);
        send(sim, MTU);
        send(sim, MTU);
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(sim.vif().disabledBy()).hasValueSatisfying(e -> {
            assertThat(e.macro()).isEqualTo("RING_REQUEST_PROD_OVERFLOW");
            assertThat(e.getMessage()).contains("ill-behaved front end");
        });
        assertThat(st.delivered()).isEqualTo(1);
        assertThat(st.dropped()).isEqualTo(2);
        assertThat(st.vif().copyOps()).isEqualTo(copyOps);
        assertThat(sim.netfront().ring().ring().rspProd()).isEqualTo(rspProd);
        assertThat(st.balanced()).isTrue();
        // later packets are dropped and counted, never written
        send(sim, MTU);
        sim.drain();
        assertThat(sim.statistics().dropped()).isEqualTo(3);
        assertThat(sim.statistics().vif().copyOps()).isEqualTo(copyOps);
    }

    @Test
    void packetNeedingMoreSlotsThanNetfrontAcceptsIsDropped() {
        // a 2010-era guest (MAX_SKB_FRAGS 18): xennet_get_responses' max = 18 + (first <= 256)
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .vif(v -> v.policy(PackingPolicy.PER_FRAG))
                .guest(GuestKernel.LINUX_2010)
                .build();
        Skb.Builder big = Skb.builder().head(0, 300);
        Skb.Builder small = Skb.builder().head(0, 200);
        for (int k = 0; k < 18; k++) {
            big.frag(0, 1000);
            small.frag(0, 1000);
        }
        send(sim, big.build()); // 19 data slots, first > 256 bytes: too many
        send(sim, small.build()); // 19 data slots, first <= 256 bytes: allowed
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).isEqualTo(1);
        assertThat(st.dropped()).isEqualTo(1);
        assertThat(st.netfront().rejectedBy()).isEqualTo(Map.of(RejectReason.TOO_MANY_SLOTS, 1L));
        assertThat(sim.takeReceived().get(0).contentEquals(sent.get(1))).isTrue();
        assertLaterPacketsUnaffected(sim);
    }

    @Test
    void seedErrorAccountingBlamesTheWrongPacketTheModelTheRightOne() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        // A: head and two small fragments coalesced into one buffer: 3 copy ops, 1 meta slot
        Skb a = Skb.builder().head(100, 100).frag(0, 200).frag(500, 300).build();
        // B: one op, one meta slot; its copy will fail
        Skb b = Skb.builder().head(0, 1000).build();
        // C: head and a full-page fragment: 2 ops, 2 meta slots
        Skb c = Skb.builder().head(0, 66).frag(0, 4096).build();
        send(sim, a);
        send(sim, b);
        send(sim, c);
        sim.netfront().faults().setGrefBeyondTable(sim.nextRequestIndex() + 1);
        sim.step();
        BatchReport r = sim.vif().lastBatch();
        assertThat(r.opPacket()).containsExactly(0, 0, 0, 1, 2, 2);
        assertThat(r.opStatus()).containsExactly(0, 0, 0, -3, 0, 0);
        assertThat(r.metaSlots()).containsExactly(1, 1, 2);
        assertThat(r.errored()).containsExactly(false, true, false);
        assertThat(r.seedErrored()).containsExactly(false, false, true);
        sim.drain();
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).isEqualTo(2);
        assertThat(st.errored()).isEqualTo(1);
        List<ReceivedPacket> got = sim.takeReceived();
        assertThat(got.get(0).contentEquals(sent.get(0))).isTrue();
        assertThat(got.get(1).contentEquals(sent.get(2))).isTrue();
        assertLaterPacketsUnaffected(sim);
    }

    @Test
    void aFaultHookThatThrowsIsNotReplayedByCopy() {
        GuestRxSimulation sim = GuestRxSimulation.builder().replayable(true).build();
        sim.drain();
        sim.revokeNextGrant();
        // the same request again: refused (already tampered) and so not an input of the run
        assertThatThrownBy(sim::revokeNextGrant)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no untampered outstanding request");
        send(sim, MTU);
        sim.drain();
        GuestRxSimulation copy = sim.copy(); // replaying the refused hook would throw here
        assertThat(copy.statistics()).isEqualTo(sim.statistics());
        assertThat(copy.statistics().errored()).isEqualTo(1);
        send(copy, MTU);
        copy.drain();
        assertThat(copy.statistics().delivered()).isEqualTo(sim.statistics().delivered() + 1);
    }

    @Test
    void copyReplaysToAnIndependentEqualState() {
        GuestRxSimulation sim = GuestRxSimulation.builder().replayable(true).build();
        send(sim, MTU);
        sim.revokeNextGrant();
        send(sim, MTU);
        sim.drain();
        GuestRxSimulation copy = sim.copy();
        assertThat(copy.statistics()).isEqualTo(sim.statistics());
        send(copy, MTU);
        copy.drain();
        assertThat(copy.statistics().delivered()).isEqualTo(sim.statistics().delivered() + 1);
        assertThat(sim.statistics().sent()).isEqualTo(2);
    }
}
