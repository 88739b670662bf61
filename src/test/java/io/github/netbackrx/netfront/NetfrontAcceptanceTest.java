package io.github.netbackrx.netfront;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Netfront's acceptance rules, driven by hand-written responses on the ring. */
class NetfrontAcceptanceTest {
    private final Hypervisor hv = new Hypervisor();
    private final Domain backend = hv.createDomain(0);
    private final Domain guest = hv.createDomain(1);
    private final RxRing ring = RxRing.startingAt(-2);
    private final EventChannel channel = hv.bindInterdomain(backend, guest);
    private final List<Object> seen = new ArrayList<>();
    private final Netfront nf = new Netfront(guest, 0, ring.attachFront(-2), channel.second(), new NetfrontListener() {
        @Override
        public void received(ReceivedPacket p) {
            seen.add(p);
            duringPoll.run();
        }

        @Override
        public void rejected(RejectReason r) {
            seen.add(r);
        }
    });
    private int prod = -2;
    /** Run by the listener after each accepted packet: a backend running on another CPU. */
    private Runnable duringPoll = () -> {};

    NetfrontAcceptanceTest() {
        assertThat(nf.refill()).isEqualTo(256);
        assertThat(ring.reqProd()).isEqualTo(254);
        assertThat(ring.requestId(-2)).isEqualTo(254);
        assertThat(channel.first().takePending()).isTrue();
    }

    private void data(int status, int flags) {
        data(0, status, flags);
    }

    private void data(int offset, int status, int flags) {
        ring.writeResponse(prod, ring.requestId(prod), offset, flags, status);
        prod++;
    }

    private void fill(int status, byte value) {
        long frame = guest.grantTable().frame(ring.requestGref(prod));
        byte[] b = new byte[Math.max(status, 0)];
        java.util.Arrays.fill(b, value);
        guest.write(frame, 0, b, 0, b.length);
    }

    private Object pollOne() {
        ring.setRspProd(prod);
        nf.poll();
        assertThat(seen).hasSize(1);
        return seen.remove(0);
    }

    @Test
    void acceptsAChainAndReassemblesBytesAcrossTheWrap() {
        fill(100, (byte) 1);
        data(100, Netif.RXF_MORE_DATA | Netif.RXF_DATA_VALIDATED);
        fill(50, (byte) 2);
        data(50, Netif.RXF_MORE_DATA);
        fill(7, (byte) 3);
        data(7, 0);
        ReceivedPacket p = (ReceivedPacket) pollOne();
        assertThat(p.length()).isEqualTo(157);
        assertThat(p.bytes()[0]).isEqualTo((byte) 1);
        assertThat(p.bytes()[120]).isEqualTo((byte) 2);
        assertThat(p.bytes()[156]).isEqualTo((byte) 3);
        assertThat(p.checksum()).isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(p.slots()).isEqualTo(3);
        assertThat(p.gsoType()).isNull();
        assertThat(p).hasToString("ReceivedPacket[length=157, gso=none, checksum=unnecessary, slots=3]");
        assertThat(nf.statistics().packetsReceived()).isEqualTo(1);
        assertThat(ring.rspEvent()).isEqualTo(prod + 1);
    }

    @Test
    void gsoExtraAndChecksumRules() {
        data(60, Netif.RXF_EXTRA_INFO | Netif.RXF_MORE_DATA);
        ring.writeGsoExtra(prod++, 0, 1448, Netif.GSO_TYPE_TCPV4);
        data(100, 0);
        ReceivedPacket p = (ReceivedPacket) pollOne();
        assertThat(p.gsoSize()).isEqualTo(1448);
        assertThat(p.gsoType()).isEqualTo(GsoType.TCPV4);
        assertThat(p.checksum()).isEqualTo(ChecksumState.PARTIAL); // forced: GSO without csum_blank
        assertThat(nf.statistics().gsoChecksumFixups()).isEqualTo(1);
        assertThat(p).hasToString("ReceivedPacket[length=160, gso=tcpv4/1448, checksum=partial, slots=2]");
        data(60, Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED);
        assertThat(((ReceivedPacket) pollOne()).checksum()).isEqualTo(ChecksumState.PARTIAL);
        data(60, 0);
        assertThat(((ReceivedPacket) pollOne()).checksum()).isEqualTo(ChecksumState.NONE);
    }

    @Test
    void badGso() {
        data(60, Netif.RXF_EXTRA_INFO);
        ring.writeGsoExtra(prod++, 0, 0, Netif.GSO_TYPE_TCPV4);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_GSO);
        data(60, Netif.RXF_EXTRA_INFO);
        ring.writeGsoExtra(prod++, 0, 1000, 3);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_GSO);
    }

    @Test
    void anXdpExtraMakesItsHeadroomTheFirstSlotsOffset() {
        // xennet_get_responses: rx->offset = xdp->u.xdp.headroom (rx.c leaves that room before the data)
        long frame = guest.grantTable().frame(ring.requestGref(prod));
        guest.write(frame, 256, new byte[] {7, 7, 7, 7}, 0, 4);
        data(0, 4, Netif.RXF_EXTRA_INFO); // the response's own offset, 0, is not the one used
        ring.writeXdpExtra(prod++, 0, 256);
        assertThat(ring.extraType(prod - 1)).isEqualTo(Netif.EXTRA_TYPE_XDP);
        assertThat(ring.extraXdpHeadroom(prod - 1)).isEqualTo(256);
        ReceivedPacket p = (ReceivedPacket) pollOne();
        assertThat(p.bytes()).containsExactly(7, 7, 7, 7);
        // the headroom counts in the status check: offset + status > 4096 is an error
        data(0, 3900, Netif.RXF_EXTRA_INFO);
        ring.writeXdpExtra(prod++, 0, 256);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_STATUS);
    }

    @Test
    void aRevokedGrantIsNotReusedBeforeTheBackendAnswers() {
        // issue: the revoked reference went back to the free list while the posted request still named
        // it, so the next refill reused it and the backend's copy landed in another buffer
        int gref = ring.requestGref(prod + 1);
        nf.faults().revokeGrant(prod + 1);
        assertThat(guest.grantTable().flags(gref)).isZero(); // GTF_invalid: the backend's copy fails
        data(60, 0); // the packet before it is answered and the guest refills one request
        ring.setRspProd(prod);
        nf.poll();
        assertThat(seen).hasSize(1);
        seen.clear();
        assertThat(ring.requestGref(prod + 255)).isNotEqualTo(gref);
        for (int i = 0; i < 256; i++) {
            if (i != 1) {
                assertThat(ring.requestGref(prod - 1 + i)).as("request %d", i).isNotEqualTo(gref);
            }
        }
        data(Netif.RSP_ERROR, 0); // the backend answers the revoked request: now the reference is freed
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_STATUS);
        assertThat(guest.grantTable().grantsInUse()).isEqualTo(256);
        assertThat(guest.liveFrames()).isEqualTo(256);
    }

    @Test
    void invalidExtraTypeAndMissingExtra() {
        data(60, Netif.RXF_EXTRA_INFO);
        ring.writeResponse(prod++, 0, 0, 0, 0); // an extra of type 0 (byte 0), flags 0 (byte 1)
        assertThat(pollOne()).isEqualTo(RejectReason.INVALID_EXTRA_TYPE);
        data(60, Netif.RXF_EXTRA_INFO);
        ring.writeResponse(prod++, Netif.EXTRA_TYPE_MAX, 0, 0, 0);
        assertThat(pollOne()).isEqualTo(RejectReason.INVALID_EXTRA_TYPE);
        data(60, Netif.RXF_EXTRA_INFO);
        ring.writeGsoExtra(prod++, Netif.EXTRA_FLAG_MORE, 1000, 1); // MORE but nothing follows
        assertThat(pollOne()).isEqualTo(RejectReason.MISSING_EXTRA);
        data(60, Netif.RXF_EXTRA_INFO); // extra_info but nothing follows
        assertThat(pollOne()).isEqualTo(RejectReason.MISSING_EXTRA);
        data(60, 0);
        assertThat(pollOne()).isInstanceOf(ReceivedPacket.class);
    }

    @Test
    void statusAndOffsetBounds() {
        data(Netif.RSP_ERROR, 0);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_STATUS);
        data(100, 4000, 0);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_STATUS);
        data(96, 4000, 0); // offset + status = 4096: allowed
        assertThat(pollOne()).isInstanceOf(ReceivedPacket.class);
        data(0, 0); // status 0 is not rejected
        assertThat(pollOne()).isInstanceOf(ReceivedPacket.class);
    }

    @Test
    void needMoreSlots() {
        data(60, Netif.RXF_MORE_DATA);
        assertThat(pollOne()).isEqualTo(RejectReason.NEED_MORE_SLOTS);
    }

    @Test
    void currentLinuxTakesSeventeenDataSlotsOrEighteenWhenTheFirstIsSmall() {
        // xennet_get_responses allows 18 / 19; xennet_fill_frags runs out of MAX_SKB_FRAGS (17) first
        chain(18, 257);
        assertThat(pollOne()).isEqualTo(RejectReason.TOO_MANY_FRAGS);
        chain(17, 257);
        assertThat(pollOne()).isInstanceOf(ReceivedPacket.class);
        chain(18, 256); // pulling the 256 bytes into the head frees the first fragment
        assertThat(pollOne()).isInstanceOf(ReceivedPacket.class);
        chain(19, 256);
        assertThat(pollOne()).isEqualTo(RejectReason.TOO_MANY_FRAGS);
        chain(19, 257); // beyond xennet_get_responses' max: "Too many slots" first
        assertThat(pollOne()).isEqualTo(RejectReason.TOO_MANY_SLOTS);
        chain(20, 10);
        assertThat(pollOne()).isEqualTo(RejectReason.TOO_MANY_SLOTS);
        assertThat(nf.statistics().rejectedBy())
                .containsEntry(RejectReason.TOO_MANY_SLOTS, 2L)
                .containsEntry(RejectReason.TOO_MANY_FRAGS, 2L);
        assertThat(nf.kernel()).isEqualTo(GuestKernel.CURRENT);
    }

    /** A chain of {@code n} data slots, the first of {@code first} bytes, the others of 10. */
    private void chain(int n, int first) {
        for (int s = 0; s < n; s++) {
            data(s == 0 ? first : 10, s < n - 1 ? Netif.RXF_MORE_DATA : 0);
        }
    }

    @Test
    void ringGoesOnAndBuffersAreReposted() {
        data(Netif.RSP_ERROR, 0);
        data(60, 0);
        ring.setRspProd(prod);
        nf.faults().stopPosting(); // only xennet_move_rx_slot posts
        nf.poll();
        assertThat(seen).hasSize(2).first().isEqualTo(RejectReason.BAD_STATUS);
        assertThat(nf.outstandingRequests()).isEqualTo(255); // the errored buffer was reposted
        assertThat(guest.liveFrames()).isEqualTo(255);
        assertThat(guest.grantTable().grantsInUse()).isEqualTo(255);
    }

    @Test
    void responseProdOverflowBreaksTheDevice() {
        ring.setRspProd(prod + 257);
        nf.poll();
        assertThat(nf.brokenBy())
                .hasValueSatisfying(e -> assertThat(e.macro()).isEqualTo("RING_RESPONSE_PROD_OVERFLOW"));
        assertThat(nf.refill()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void refillFillsEveryFreeSlotAndPushes() {
        // xennet_alloc_rx_buffers posts while req_prod - rsp_cons < NET_RX_RING_SIZE (no batch
        // minimum on posting); it pushes once at least NET_RX_SLOTS_MIN are outstanding.
        for (int i = 0; i < 18; i++) {
            data(60, 0);
        }
        ring.setRspProd(prod);
        nf.faults().stopPosting();
        nf.poll();
        nf.faults().resumePosting();
        assertThat(nf.refill()).isEqualTo(18);
        assertThat(nf.outstandingRequests()).isEqualTo(256);
        assertThat(ring.reqProd()).isEqualTo(prod + 256);
        assertThat(nf.statistics().requestsPosted()).isEqualTo(256 + 18);
    }

    @Test
    void aBadResponseIdIsCheckedBeforeTheStatus() {
        // xennet_get_responses tests the grant ref (no buffer posted there) before status/offset.
        nf.faults().stopPosting();
        for (int i = 0; i < 256; i++) {
            data(60, 0);
        }
        ring.setRspProd(prod);
        nf.poll();
        seen.clear();
        data(Netif.RSP_ERROR, 0); // a slot netfront never reposted
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_RESPONSE_ID);
    }

    @Test
    void faultHooksRejectUnknownIndices() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nf.faults().revokeGrant(prod + 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no untampered outstanding request");
        nf.faults().revokeGrant(prod);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nf.faults().makeGrantReadOnly(prod))
                .isInstanceOf(IllegalArgumentException.class);
        nf.faults().writeReqProd(5);
        assertThat(ring.reqProd()).isEqualTo(5);
    }

    @Test
    void aValidNonGsoExtraIsSkippedAndItsBufferReposted() {
        fill(60, (byte) 9);
        data(60, Netif.RXF_EXTRA_INFO | Netif.RXF_DATA_VALIDATED);
        ring.writeMcastExtra(prod++, Netif.EXTRA_TYPE_MCAST_ADD, 0, 0x01005e000001L);
        ReceivedPacket p = (ReceivedPacket) pollOne();
        assertThat(p.length()).isEqualTo(60);
        assertThat(p.bytes()).containsOnly((byte) 9);
        assertThat(p.gsoType()).isNull();
        assertThat(p.gsoSize()).isZero();
        assertThat(p.checksum()).isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(p.slots()).isEqualTo(1); // the extra is not a data slot
        assertThat(nf.statistics().responsesConsumed()).isEqualTo(2);
        // the extra's buffer went back on the ring; the data buffer was handed over with the packet
        // and a fresh one posted in its place (netfront refills every free slot)
        assertThat(nf.outstandingRequests()).isEqualTo(256);
        assertThat(guest.liveFrames()).isEqualTo(256);
        assertThat(guest.grantTable().grantsInUse()).isEqualTo(256);
    }

    @Test
    void eighteenSlotsAreReassembledBeyondTheInitialBuffer() {
        fill(256, (byte) 1);
        data(256, Netif.RXF_MORE_DATA); // a small first slot: 17 full pages may follow
        for (int s = 1; s < 18; s++) {
            fill(4096, (byte) (s + 1));
            data(4096, s < 17 ? Netif.RXF_MORE_DATA : 0);
        }
        ReceivedPacket p = (ReceivedPacket) pollOne();
        assertThat(p.length()).isEqualTo(256 + 17 * 4096); // more than 64 KiB + a page
        byte[] b = p.bytes();
        assertThat(b[255]).isEqualTo((byte) 1);
        for (int s = 1; s < 18; s++) {
            assertThat(b[256 + (s - 1) * 4096]).isEqualTo((byte) (s + 1));
            assertThat(b[256 + (s - 1) * 4096 + 4095]).isEqualTo((byte) (s + 1));
        }
        fill(10, (byte) 42);
        data(10, 0);
        assertThat(((ReceivedPacket) pollOne()).bytes()).containsExactly(42, 42, 42, 42, 42, 42, 42, 42, 42, 42);
    }

    @Test
    void responsesOnSlotsWithoutAPostedBufferAreBadResponseIds() {
        nf.faults().stopPosting();
        for (int i = 0; i < 256; i++) {
            data(60, 0);
        }
        ring.setRspProd(prod);
        nf.poll();
        seen.clear();
        assertThat(nf.outstandingRequests()).isZero();
        assertThat(guest.liveFrames()).isZero();
        long posted = nf.statistics().requestsPosted();
        // a backend answering requests netfront never made
        data(60, 0);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_RESPONSE_ID);
        data(Netif.RSP_ERROR, 0); // an error on such a slot: the missing buffer is checked first
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_RESPONSE_ID);
        data(60, Netif.RXF_EXTRA_INFO);
        int extraSlot = prod;
        ring.writeResponse(prod++, 0, 0, 0, 0); // extra of type 0: the first error is the one counted
        int reposted = nf.ring().reqProdPvt();
        assertThat(pollOne()).isEqualTo(RejectReason.INVALID_EXTRA_TYPE);
        // xennet_get_extras moves the extra's slot (xennet_move_rx_slot) even when nothing was posted
        // there: a request naming no buffer, INVALID_GRANT_REF, whose answer is a bad response id
        assertThat(nf.statistics().requestsPosted()).isEqualTo(posted + 1);
        assertThat(nf.ring().reqProdPvt()).isEqualTo(reposted + 1);
        assertThat(ring.requestGref(reposted)).isEqualTo(Netfront.INVALID_GRANT_REF);
        assertThat(ring.requestId(reposted)).isEqualTo(reposted & 255);
        assertThat(extraSlot).isNotEqualTo(reposted);
        assertThat(nf.ring().rspCons()).isEqualTo(prod); // the ring went on past every bad slot
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nf.faults().revokeGrant(prod))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no untampered outstanding request");
        assertThat(guest.liveFrames()).isZero();
        assertThat(guest.grantTable().grantsInUse()).isZero();
        assertThat(nf.statistics().rejectedBy())
                .containsEntry(RejectReason.BAD_RESPONSE_ID, 2L)
                .containsEntry(RejectReason.INVALID_EXTRA_TYPE, 1L)
                .doesNotContainKey(RejectReason.BAD_STATUS);
    }

    @Test
    void anErroredSlotWithMoreDataAndNothingFollowingIsOneDropUnderItsFirstError() {
        data(Netif.RSP_ERROR, Netif.RXF_MORE_DATA);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_STATUS);
        assertThat(nf.statistics().packetsRejected()).isEqualTo(1);
        assertThat(nf.ring().rspCons()).isEqualTo(prod);
        assertThat(nf.outstandingRequests()).isEqualTo(256); // the errored buffer was reposted
        fill(60, (byte) 5);
        data(60, 0);
        assertThat(((ReceivedPacket) pollOne()).bytes()).containsOnly((byte) 5);
    }

    @Test
    void aBrokenDeviceIgnoresLaterResponses() {
        ring.setRspProd(prod + 257);
        nf.poll();
        assertThat(nf.brokenBy()).isPresent();
        data(60, 0);
        ring.setRspProd(prod);
        assertThat(nf.poll()).isZero();
        assertThat(seen).isEmpty();
        assertThat(nf.ring().rspCons()).isEqualTo(-2);
        assertThat(nf.statistics().responsesConsumed()).isZero();
    }

    @Test
    void responsesPublishedDuringAPollAreTakenByTheFinalCheck() {
        fill(60, (byte) 1);
        data(60, 0);
        ring.setRspProd(prod);
        duringPoll = () -> {
            duringPoll = () -> {};
            fill(70, (byte) 2);
            data(70, 0);
            ring.setRspProd(prod);
        };
        assertThat(nf.poll()).isEqualTo(2);
        assertThat(seen).hasSize(2);
        assertThat(((ReceivedPacket) seen.get(0)).bytes()).hasSize(60).containsOnly((byte) 1);
        assertThat(((ReceivedPacket) seen.get(1)).bytes()).hasSize(70).containsOnly((byte) 2);
        assertThat(nf.ring().rspCons()).isEqualTo(prod);
        assertThat(ring.rspEvent()).isEqualTo(prod + 1);
    }

    @Test
    void faultHooksRejectAnsweredAndNotYetPostedIndices() {
        data(60, 0);
        ring.setRspProd(prod); // published, not yet consumed
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nf.faults().revokeGrant(-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 4294967294");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nf.faults().revokeGrant(254))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 254");
        nf.faults().revokeGrant(-1); // the next unanswered one is fine
        // the entry is invalid at once, the reference stays taken until the backend answers
        assertThat(guest.grantTable().flags(ring.requestGref(-1))).isZero();
        assertThat(guest.grantTable().grantsInUse()).isEqualTo(256);
    }

    @Test
    void afterABackendAnswersMoreThanWasPostedRefillNeverOverfillsTheRing() {
        nf.faults().stopPosting();
        for (int i = 0; i < 256; i++) {
            data(60, 0);
        }
        ring.setRspProd(prod);
        nf.poll();
        for (int i = 0; i < 4; i++) { // four responses to requests never made: rsp_cons passes req_prod_pvt
            data(60, 0);
        }
        ring.setRspProd(prod);
        nf.poll();
        assertThat(nf.ring().rspCons()).isEqualTo(nf.ring().reqProdPvt() + 4);
        long posted = nf.statistics().requestsPosted();
        nf.faults().resumePosting();
        // xennet_alloc_rx_buffers posts while req_prod - rsp_cons < RING_SIZE, unsigned: here never
        assertThat(nf.refill()).isZero();
        assertThat(nf.statistics().requestsPosted()).isEqualTo(posted);
        assertThat(ring.reqProd()).isEqualTo(254);
        assertThat(guest.liveFrames()).isZero();
        assertThat(guest.grantTable().grantsInUse()).isZero();
    }
}
