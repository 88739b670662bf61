package io.github.netbackrx.netback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotEstimator;
import io.github.netbackrx.xen.GntStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine profiles' own rules: 3.14 flow control, {@code rx.c} batching and errors, FreeBSD. */
class EngineProfileTest extends VifRig {
    private Vif.Builder vif(EngineProfile p) {
        return vif().profile(p);
    }

    /** A 10-byte head and {@code n} 10-byte fragments. */
    private static Skb smallFrags(int n) {
        Skb.Builder b = Skb.builder().head(0, 10);
        for (int k = 0; k < n; k++) {
            b.frag(0, 10);
        }
        return b.build();
    }

    private static Skb head(int length) {
        return Skb.builder().head(0, length).build();
    }

    /** Head 100 at 0 and a 4096-byte fragment at offset 100: 3.14 worst case 3, coalesce-compound uses 2. */
    private static Skb offsetFrag() {
        return Skb.builder().head(0, 100).frag(100, 4096).build();
    }

    @Test
    void profilesByLabelAndTheirDefaults() {
        assertThat(EngineProfile.fromLabel("rx.c")).isEqualTo(EngineProfile.RX_C);
        assertThat(EngineProfile.fromLabel("3.14").label()).isEqualTo("3.14");
        assertThatThrownBy(() -> EngineProfile.fromLabel("4.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'4.0'")
                .hasMessageContaining("2010, 3.13, 3.14, rx.c, freebsd");
        Vif v = vif(EngineProfile.LINUX_3_14).build();
        assertThat(v.profile()).isEqualTo(EngineProfile.LINUX_3_14);
        assertThat(v.policy()).isEqualTo(PackingPolicy.COALESCE_COMPOUND);
        assertThat(v.estimator()).isEqualTo(SlotEstimator.WORST_CASE_3_14);
        assertThat(EngineProfile.LINUX_2010.defaultEstimator(PackingPolicy.COALESCE))
                .isEqualTo(SlotEstimator.COUNT_SKB_SLOTS_2010);
        assertThat(EngineProfile.RX_C.defaultEstimator(PackingPolicy.FULL_PAGE))
                .isEqualTo(SlotEstimator.RX_SLOTS_NEEDED);
        assertThat(EngineProfile.FREEBSD.defaultEstimator(PackingPolicy.FREEBSD))
                .isEqualTo(SlotEstimator.FREEBSD_LIST_LEN);
        assertThat(EngineProfile.LINUX_2010.defaultMaxSkbFrags()).isEqualTo(18);
        assertThat(EngineProfile.RX_C.defaultMaxSkbFrags()).isEqualTo(17);
        assertThat(EngineProfile.LINUX_3_14.defaultCopyOpArraySize()).isEqualTo(17 * 256);
        assertThat(EngineProfile.RX_C.defaultCopyOpArraySize()).isEqualTo(64);
        assertThat(EngineProfile.FREEBSD.defaultCopyOpArraySize()).isEqualTo(512);
        assertThatThrownBy(() -> vif(EngineProfile.RX_C).rxQueueMax(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rxQueueMax: 0");
    }

    // ---- Linux 3.14 ----------------------------------------------------------------------------

    @Test
    void linux314RequeuesAtTheHeadAndReArmsReqEvent() {
        Vif v = vif(EngineProfile.LINUX_3_14).build();
        netfront.refill();
        netfront.faults().writeReqProd(1); // only one request visible
        assertThat(v.startXmit(offsetFrag(), new byte[4196], 1)).isTrue(); // cheap minimum 2 > 1: stops
        assertThat(v.queueStopped()).isTrue();
        assertThat(ring.reqEvent()).isEqualTo(2);
        assertThat(v.rxAction()).isZero(); // worst case 1 + 2 = 3 > 1: back at the head
        assertThat(v.queuedPackets()).isEqualTo(1);
        assertThat(ring.reqEvent()).isEqualTo(1 + 1);
        assertThat(back.reqCons()).isZero();
        assertThat(events).isEmpty();
        netfront.faults().writeReqProd(2);
        assertThat(v.rxAction()).isZero(); // still short of 3
        assertThat(ring.reqEvent()).isEqualTo(3);
        netfront.faults().writeReqProd(3);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(events).containsExactly("1 ok 2"); // the walk uses 2 of the 3 checked
        assertThat(v.queueStopped()).isFalse(); // the queue drained: started again
        assertThat(ring.rspProd()).isEqualTo(2);
    }

    @Test
    void linux314APacketThatDoesNotFitKeepsTheOnesBehindItWaiting() {
        Vif v = vif(EngineProfile.LINUX_3_14).build();
        netfront.refill();
        netfront.faults().writeReqProd(2);
        v.startXmit(offsetFrag(), new byte[4196], 1);
        v.startXmit(head(60), new byte[60], 2); // needs 1, but must not overtake
        assertThat(v.rxAction()).isZero();
        assertThat(v.queuedPackets()).isEqualTo(2);
        netfront.faults().writeReqProd(256);
        assertThat(v.rxAction()).isEqualTo(2);
        assertThat(events).containsExactly("1 ok 2", "2 ok 1");
    }

    @Test
    void linux314DropsAPacketUsingMoreThanItsEstimateWhereTheDriverBugs() {
        // the 3.14 estimate paired with the 2010 estimator's under-count: coalesce-compound walk,
        // LINUX_3_6 estimate (a multi-page head: ceil(headlen/4096) = 2, used 3)
        Vif v = vif(EngineProfile.LINUX_3_14).estimator(SlotEstimator.LINUX_3_6).build();
        netfront.refill();
        Skb s = Skb.builder().head(4000, 96 + 4096 + 100).build();
        v.startXmit(s, new byte[s.length()], 1);
        assertThat(v.rxAction()).isZero();
        assertThat(events).containsExactly("1 dropped ESTIMATE_EXCEEDED");
        assertThat(v.statistics().estimateOverruns()).isEqualTo(1);
        assertThat(back.reqCons()).isZero();
    }

    @Test
    void linux314CopyArrayBoundEndsTheBatch() {
        Vif v = vif(EngineProfile.LINUX_3_14).copyOpArraySize(5).build();
        netfront.refill();
        v.startXmit(Skb.builder().head(0, 10).frag(0, 10).frag(0, 10).build(), new byte[30], 1);
        v.startXmit(Skb.builder().head(0, 10).frag(0, 10).frag(0, 10).build(), new byte[30], 2);
        v.startXmit(smallFrags(6), new byte[70], 3);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(v.statistics().copyArrayOverflows()).isEqualTo(1);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(v.rxAction()).isZero(); // 7 ops never fit 5
        assertThat(events).containsExactly("1 ok 1", "2 ok 1", "3 dropped COPY_ARRAY_TOO_SMALL");
    }

    @Test
    void linux314FailedOpMarksEveryDataSlotOfItsPacket() {
        Vif v = vif(EngineProfile.LINUX_3_14).build();
        netfront.refill();
        netfront.faults().setGrefBeyondTable(1);
        Skb s = Skb.builder().head(0, 4000).frag(0, 4000).build();
        v.startXmit(s, new byte[8000], 1);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(ring.responseStatus(0)).isEqualTo(Netif.RSP_ERROR);
        assertThat(ring.responseStatus(1)).isEqualTo(Netif.RSP_ERROR);
        assertThat(events).containsExactly("1 error 2");
        netfront.poll();
        assertThat(received).containsExactly("rejected BAD_STATUS");
    }

    // ---- rx.c ----------------------------------------------------------------------------------

    @Test
    void rxcFlushesEvery64OpsAndExposesOnlyCompletedPackets() {
        List<String> seen = new ArrayList<>();
        Vif v = Vif.builder(hv, backend, 1, back, channel.first())
                .profile(EngineProfile.RX_C)
                .listener(new VifListener() {
                    @Override
                    public void responded(long tag, boolean error, int slots) {
                        seen.add(tag + ": rsp_prod " + ring.rspProd() + ", req_cons " + back.reqCons());
                    }
                })
                .build();
        netfront.refill();
        // 1 head op + 17 one-slot fragment ops = 18 ops per packet, one slot each
        Skb s = smallFrags(17);
        for (int i = 0; i < 4; i++) {
            v.startXmit(s, new byte[180], i);
        }
        assertThat(v.rxAction()).isEqualTo(4);
        // 72 ops: the flush before op 65 (in packet 3) runs 64 ops and exposes packets 0..2
        assertThat(seen)
                .containsExactly(
                        "0: rsp_prod 3, req_cons 4",
                        "1: rsp_prod 3, req_cons 4",
                        "2: rsp_prod 3, req_cons 4",
                        "3: rsp_prod 4, req_cons 4");
        assertThat(v.statistics().hypercalls()).isEqualTo(2);
        assertThat(v.statistics().copyOps()).isEqualTo(72);
    }

    @Test
    void rxcTakesAtMost64PacketsPerAction() {
        Vif v = vif(EngineProfile.RX_C).build();
        netfront.refill();
        for (int i = 0; i < 100; i++) {
            v.startXmit(head(60), new byte[60], i);
        }
        assertThat(v.rxAction()).isEqualTo(KernelLimits.RX_BATCH_SIZE);
        assertThat(v.queuedPackets()).isEqualTo(36);
        assertThat(v.statistics().hypercalls()).isEqualTo(1);
        assertThat(v.rxAction()).isEqualTo(36);
    }

    @Test
    void rxcStopsWhenTheHeadPacketsSlotsAreNotPosted() {
        Vif v = vif(EngineProfile.RX_C).build();
        netfront.refill();
        netfront.faults().writeReqProd(2);
        Skb big = Skb.builder().head(0, 100).frag(0, 4096).frag(0, 4096).build(); // rx_slots_needed 3
        v.startXmit(big, new byte[big.length()], 1);
        assertThat(v.rxAction()).isZero();
        assertThat(ring.reqEvent()).isEqualTo(3);
        netfront.faults().writeReqProd(3);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(events).containsExactly("1 ok 3");
    }

    @Test
    void rxcFailedOpWritesItsRawGntstStatusIntoItsOwnSlot() {
        Vif v = vif(EngineProfile.RX_C).build();
        netfront.refill();
        netfront.faults().setGrefBeyondTable(1);
        Skb s = Skb.builder().head(0, 4000).frag(0, 4000).frag(0, 300).build(); // slots 4096, 4096, 108
        v.startXmit(s, new byte[8300], 1);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(ring.responseStatus(0)).isEqualTo(4096);
        assertThat(ring.responseStatus(1)).isEqualTo(GntStatus.BAD_GNTREF);
        assertThat(ring.responseStatus(2)).isEqualTo(108);
        assertThat(events).containsExactly("1 error 3");
        netfront.poll();
        assertThat(received).containsExactly("rejected BAD_STATUS"); // status < 0: dropped
    }

    @Test
    void rxcQueueDropsAtRxQueueMaxAndWakesBelowIt() {
        Vif v = vif(EngineProfile.RX_C).rxQueueMax(1000).build();
        netfront.refill();
        assertThat(v.startXmit(head(600), new byte[600], 1)).isTrue();
        assertThat(v.startXmit(head(600), new byte[600], 2)).isTrue(); // 600 < 1000 on arrival
        assertThat(v.queuedBytes()).isEqualTo(1200);
        assertThat(v.queueStopped()).isFalse();
        assertThat(v.startXmit(head(600), new byte[600], 3)).isFalse();
        assertThat(v.queueStopped()).isTrue();
        assertThat(events).containsExactly("3 dropped QUEUE_FULL");
        assertThat(v.rxAction()).isEqualTo(2);
        assertThat(v.queueStopped()).isFalse();
        assertThat(v.statistics().queueWakes()).isEqualTo(1);
    }

    // ---- FreeBSD -------------------------------------------------------------------------------

    @Test
    void freebsdFailedPacketGetsOneErrorResponseConsumingOneRequest() {
        Vif v = vif(EngineProfile.FREEBSD).build();
        netfront.refill();
        netfront.faults().setGrefBeyondTable(2);
        Skb s = Skb.builder().head(0, 4000).frag(0, 4000).frag(0, 300).build(); // 3 slots
        v.startXmit(s, new byte[8300], 1);
        v.startXmit(head(60), new byte[60], 2);
        assertThat(v.rxAction()).isEqualTo(2);
        assertThat(ring.responseStatus(0)).isEqualTo(Netif.RSP_ERROR);
        assertThat(ring.responseFlags(0)).isZero();
        assertThat(ring.responseStatus(1)).isEqualTo(60); // the next packet takes the next request
        assertThat(back.reqCons()).isEqualTo(2);
        assertThat(ring.rspProd()).isEqualTo(2);
        assertThat(events).containsExactly("1 error 1", "2 ok 1");
        assertThat(v.statistics().hypercalls()).isEqualTo(2); // one GNTTABOP_copy per packet
        netfront.poll();
        assertThat(received).containsExactly("rejected BAD_STATUS", "ok 60");
    }

    @Test
    void freebsdLeavesAPacketQueuedOnEagain() {
        Vif v = vif(EngineProfile.FREEBSD).build();
        netfront.refill();
        netfront.faults().writeReqProd(2);
        Skb s = Skb.builder().head(0, 4000).frag(0, 4000).frag(0, 300).build();
        v.startXmit(s, new byte[8300], 1);
        assertThat(v.rxAction()).isZero();
        assertThat(v.queuedPackets()).isEqualTo(1);
        netfront.faults().writeReqProd(3);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(events).containsExactly("1 ok 3");
    }

    @Test
    void freebsdReArmsReqEventSoTheGuestsRefillRunsItAgain() {
        // xnb_start_locked: req_event = req_prod_local + 1 after each pass; without it netfront's
        // refill never notifies and the packets left on EAGAIN stay queued for good
        Vif v = vif(EngineProfile.FREEBSD).build();
        netfront.refill(); // 256 requests
        channel.first().takePending();
        for (int i = 0; i < 200; i++) {
            assertThat(v.startXmit(head(8000), new byte[8000], i)).isTrue(); // 2 slots each
        }
        assertThat(v.rxAction()).isEqualTo(128); // 256 slots, then EAGAIN
        assertThat(v.queuedPackets()).isEqualTo(72);
        assertThat(ring.reqEvent()).isEqualTo(256 + 1);
        assertThat(channel.second().takePending()).isTrue();
        netfront.poll();
        assertThat(received).hasSize(128);
        netfront.refill(); // req_prod 256 -> 512 passes req_event: the guest notifies
        assertThat(channel.first().takePending()).isTrue();
        v.frontendEvent(); // xnb_intr runs xnb_start
        assertThat(v.rxAction()).isEqualTo(72);
        assertThat(v.queuedPackets()).isZero();
        assertThat(ring.reqEvent()).isEqualTo(512 + 1);
        netfront.poll();
        assertThat(received).hasSize(200).containsOnly("ok 8000");
    }

    @Test
    void freebsdSignalsTheFrontEndOnEagainEvenWithNothingToPush() {
        Vif v = vif(EngineProfile.FREEBSD).build();
        netfront.refill();
        netfront.faults().writeReqProd(2);
        channel.second().takePending();
        v.startXmit(Skb.builder().head(0, 4000).frag(0, 4000).frag(0, 300).build(), new byte[8300], 1);
        assertThat(v.rxAction()).isZero();
        assertThat(ring.rspProd()).isZero(); // the push found nothing new: notify = 0
        assertThat(channel.second().takePending()).isTrue(); // out_of_space signals anyway
        assertThat(v.statistics().notifications()).isEqualTo(1);
        assertThat(ring.reqEvent()).isEqualTo(3);
    }

    @Test
    void freebsdRunsAnotherPassWhenReqProdMovedDuringThePass() {
        // the guest posts while the backend is in its loop (here: from the listener, mid-pass):
        // while (rxb->sring->req_prod != req_prod_local) runs a second pass, which re-arms past it
        Vif v = vif(EngineProfile.FREEBSD)
                .listener(new VifListener() {
                    @Override
                    public void taken(long tag, int context, long action) {
                        if (tag == 1) {
                            netfront.faults().writeReqProd(2);
                        }
                    }
                })
                .build();
        netfront.refill();
        netfront.faults().writeReqProd(1);
        v.startXmit(head(60), new byte[60], 1);
        v.startXmit(head(60), new byte[60], 2); // fits once the guest posted the second request
        assertThat(v.rxAction()).isEqualTo(2);
        assertThat(back.reqCons()).isEqualTo(2);
        assertThat(ring.reqEvent()).isEqualTo(2 + 1); // one pass would have left it at 1 + 1
    }

    @Test
    void freebsdActionWithNothingQueuedStillReArms() {
        Vif v = vif(EngineProfile.FREEBSD).build();
        netfront.refill();
        assertThat(ring.reqEvent()).isEqualTo(1);
        assertThat(v.netback().runAction(0)).isZero();
        assertThat(ring.reqEvent()).isEqualTo(256 + 1);
    }

    @Test
    void freebsdDropsWhatItsAdmissionCountCannotHold() {
        // coalesce under the FreeBSD engine: three 2100-byte areas use 3 slots, list_len says 2
        Vif v = vif(EngineProfile.FREEBSD).policy(PackingPolicy.COALESCE).build();
        netfront.refill();
        Skb s = Skb.builder().head(0, 2100).frag(0, 2100).frag(0, 2100).build();
        v.startXmit(s, new byte[6300], 1);
        assertThat(v.rxAction()).isZero();
        assertThat(events).containsExactly("1 dropped ESTIMATE_EXCEEDED");
        Vif tiny = vif(EngineProfile.FREEBSD).copyOpArraySize(1).build();
        tiny.startXmit(s, new byte[6300], 2);
        tiny.rxAction();
        assertThat(events).endsWith("2 dropped COPY_ARRAY_TOO_SMALL");
    }

    @Test
    void rxcDropsAPlanBeyondRxSlotsNeededAndUnsupportedPackets() {
        Vif v = vif(EngineProfile.RX_C).policy(PackingPolicy.COALESCE).build();
        netfront.refill();
        Skb s = Skb.builder().head(0, 2100).frag(0, 2100).frag(0, 2100).build();
        v.startXmit(s, new byte[6300], 1);
        assertThat(v.rxAction()).isEqualTo(1); // taken off the queue, then dropped
        assertThat(v.queuedPackets()).isZero();
        Skb crossing = Skb.builder().head(0, 100).frag(4000, 200).build();
        assertThat(v.startXmit(crossing, new byte[300], 2)).isFalse();
        assertThat(events).containsExactly("1 dropped ESTIMATE_EXCEEDED", "2 dropped UNSUPPORTED");
    }

    @Test
    void compoundAreasArePlacedInSeveralFramesAndDeliveredWhole() {
        Vif v = vif(EngineProfile.RX_C).build();
        netfront.refill();
        Skb s = Skb.builder().head(4000, 5000).frag(100, 9000).build();
        byte[] data = new byte[s.length()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        v.startXmit(s, data, 1);
        v.rxAction();
        netfront.poll();
        assertThat(received).containsExactly("ok 14000");
        assertThat(backend.liveFrames()).isZero();
    }
}
