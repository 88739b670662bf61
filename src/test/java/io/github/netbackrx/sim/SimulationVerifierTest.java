package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The simulation's own checks: input validation, the end-to-end comparison that every other
 * simulation test relies on ({@code mismatched() == 0} must be able to fail), and replay copies.
 */
class SimulationVerifierTest {
    private static final Skb MTU =
            Skb.builder().head(64, 1514).checksum(ChecksumState.UNNECESSARY).build();
    private static final Skb TSO = Skb.builder()
            .head(0, 200)
            .frag(0, 4096)
            .gso(1448, GsoType.TCPV4)
            .checksum(ChecksumState.PARTIAL)
            .build();

    private final SplittableRandom rnd = new SplittableRandom(7);
    /** The grant of the buffer the packet's first data slot goes to (read before the response overwrites the request). */
    private int firstGref;

    private byte[] bytes(Skb skb) {
        byte[] data = new byte[skb.length()];
        rnd.nextBytes(data);
        return data;
    }

    @Test
    void sendRejectsDataOfTheWrongLength() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        assertThatThrownBy(() -> sim.send(MTU, new byte[1513]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1513 data bytes for a packet of length 1514");
        assertThat(sim.statistics().sent()).isZero();
        assertThat(sim.backlog()).isZero();
    }

    @Test
    void copyNeedsReplayable() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        assertThatThrownBy(sim::copy)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replayable(true)");
    }

    /**
     * Sends {@code skb}, lets the backend answer it without the guest seeing the event (its {@code
     * rsp_event} is held at the current {@code rsp_prod}), lets {@code tamper} change the ring or
     * the guest's buffer at the packet's first response index ({@link #firstGref}), then lets the guest poll.
     */
    private GuestRxSimulation deliverTampered(Skb skb, Consumer<Integer> tamper, GuestRxSimulation sim) {
        RxRing ring = sim.netfront().ring().ring();
        ring.setRspEvent(ring.rspProd());
        firstGref = ring.requestGref(ring.rspProd());
        sim.send(skb, bytes(skb));
        sim.step();
        int first = sim.netfront().ring().rspCons();
        assertThat(ring.rspProd()).as("answered, not yet polled").isNotEqualTo(first);
        assertThat(sim.statistics().delivered()).isZero();
        tamper.accept(first);
        sim.netfront().poll();
        return sim;
    }

    private static void assertOneMismatch(GuestRxSimulation sim) {
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).isEqualTo(1);
        assertThat(st.mismatched()).isEqualTo(1);
        assertThat(st.balanced()).isTrue();
    }

    @Test
    void untamperedDeliveryThroughTheSameRigMatches() {
        for (Skb skb : List.of(MTU, TSO)) {
            GuestRxSimulation sim =
                    deliverTampered(skb, i -> {}, GuestRxSimulation.builder().build());
            assertThat(sim.statistics().delivered()).isEqualTo(1);
            assertThat(sim.statistics().mismatched()).isZero();
        }
    }

    @Test
    void aCorruptedByteIsAMismatch() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        deliverTampered(
                MTU,
                i -> {
                    RxRing ring = sim.netfront().ring().ring();
                    Domain guest = sim.hypervisor().domain(GuestRxSimulation.GUEST_DOMID);
                    long frame = guest.grantTable().frame(firstGref);
                    byte[] b = new byte[1];
                    int off = ring.responseOffset(i) + 100;
                    guest.read(frame, off, b, 0, 1);
                    b[0] ^= 1;
                    guest.write(frame, off, b, 0, 1);
                },
                sim);
        assertOneMismatch(sim);
    }

    @Test
    void aChangedChecksumStateIsAMismatch() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        deliverTampered(
                MTU,
                i -> {
                    RxRing ring = sim.netfront().ring().ring();
                    assertThat(ring.responseFlags(i) & Netif.RXF_DATA_VALIDATED).isNotZero();
                    ring.writeResponse(
                            i,
                            ring.responseId(i),
                            ring.responseOffset(i),
                            ring.responseFlags(i) & ~Netif.RXF_DATA_VALIDATED,
                            ring.responseStatus(i));
                },
                sim);
        assertThat(sim.takeReceived().get(0).checksum()).isEqualTo(ChecksumState.NONE);
        assertOneMismatch(sim);
    }

    private void gsoTamper(int size, int type) {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        deliverTampered(
                TSO,
                i -> {
                    RxRing ring = sim.netfront().ring().ring();
                    assertThat(ring.responseFlags(i) & Netif.RXF_EXTRA_INFO).isNotZero();
                    assertThat(ring.extraType(i + 1)).isEqualTo(Netif.EXTRA_TYPE_GSO);
                    ring.writeGsoExtra(i + 1, ring.extraFlags(i + 1), size, type);
                },
                sim);
        ReceivedPacket p = sim.takeReceived().get(0);
        assertThat(p.gsoSize()).isEqualTo(size);
        assertThat(p.gsoType()).isEqualTo(GsoType.fromWire(type));
        assertOneMismatch(sim);
    }

    @Test
    void aChangedGsoSizeIsAMismatch() {
        gsoTamper(1000, Netif.GSO_TYPE_TCPV4);
    }

    @Test
    void aChangedGsoTypeIsAMismatch() {
        gsoTamper(1448, Netif.GSO_TYPE_TCPV6);
    }

    @Test
    void responsesTheBackendNeverSentUnbalanceTheCounters() {
        GuestRxSimulation sim = GuestRxSimulation.builder().build();
        RxRing ring = sim.netfront().ring().ring();
        int i = ring.rspProd();
        ring.writeResponse(i, ring.requestId(i), 0, 0, 60); // a forged packet
        ring.writeResponse(i + 1, ring.requestId(i + 1), 0, 0, Netif.RSP_ERROR); // a forged error
        ring.setRspProd(i + 2);
        sim.netfront().poll();
        SimulationStatistics st = sim.statistics();
        assertThat(st.sent()).isZero();
        assertThat(st.delivered()).isEqualTo(1);
        assertThat(st.mismatched()).isEqualTo(1);
        assertThat(st.dropped()).isEqualTo(1); // not "errored": no packet of ours was answered in error
        assertThat(st.errored()).isZero();
        assertThat(st.balanced()).isFalse();
    }

    @Test
    void keepReceivedFalseKeepsNothingButStillVerifies() {
        GuestRxSimulation sim = GuestRxSimulation.builder().keepReceived(false).build();
        for (int k = 0; k < 5; k++) {
            sim.send(MTU, bytes(MTU));
        }
        sim.drain();
        assertThat(sim.takeReceived()).isEmpty();
        assertThat(sim.statistics().delivered()).isEqualTo(5);
        assertThat(sim.statistics().deliveredBytes()).isEqualTo(5 * 1514L);
        assertThat(sim.statistics().mismatched()).isZero();
    }

    @Test
    void copyReplaysEveryKindOfInput() {
        GuestRxSimulation sim = GuestRxSimulation.builder().replayable(true).build();
        sim.stopGuestPosting();
        for (int k = 0; k < 300; k++) {
            sim.send(MTU, bytes(MTU));
        }
        sim.drain();
        sim.resumeGuestPosting();
        sim.drain();
        sim.readOnlyNextGrant();
        sim.send(MTU, bytes(MTU));
        sim.drain();
        sim.wrongDomainNextGrant();
        sim.send(MTU, bytes(MTU));
        sim.drain();
        sim.grefBeyondTableNextGrant();
        sim.send(MTU, bytes(MTU));
        sim.drain();
        sim.writeReqProd(sim.nextRequestIndex() + 300);
        sim.send(MTU, bytes(MTU));
        sim.drain();
        SimulationStatistics st = sim.statistics();
        // while the guest did not post, the qdisc in front of the stopped queue held 32 and dropped the rest
        assertThat(st.qdiscDropped()).isPositive();
        assertThat(st.delivered() + st.qdiscDropped()).isEqualTo(300);
        assertThat(st.errored()).isEqualTo(3);
        assertThat(st.dropped()).isEqualTo(st.qdiscDropped() + 1);
        assertThat(sim.vif().disabledBy()).isPresent();

        GuestRxSimulation copy = sim.copy();
        assertThat(copy.statistics()).isEqualTo(st);
        assertThat(copy.vif().disabledBy()).isPresent();
        List<ReceivedPacket> mine = sim.takeReceived();
        List<ReceivedPacket> theirs = copy.takeReceived();
        assertThat(theirs).hasSameSizeAs(mine);
        for (int k = 0; k < mine.size(); k++) {
            assertThat(theirs.get(k).contentEquals(mine.get(k).bytes())).isTrue();
        }
        // independent: input to the copy leaves the original alone
        copy.send(MTU, bytes(MTU));
        copy.drain();
        assertThat(copy.statistics().dropped()).isEqualTo(st.dropped() + 1);
        assertThat(sim.statistics()).isEqualTo(st);
    }
}
