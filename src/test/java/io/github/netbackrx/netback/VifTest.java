package io.github.netbackrx.netback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import org.junit.jupiter.api.Test;

class VifTest extends VifRig {
    private static Skb smallFrags(int frags) {
        Skb.Builder b = Skb.builder().head(0, 60);
        for (int k = 0; k < frags; k++) {
            b.frag(k * 100, 50);
        }
        return b.build();
    }

    @Test
    void maxRequiredRxSlots() {
        assertThat(Vif.maxRequiredRxSlots(1500, true, 18)).isEqualTo(20);
        assertThat(Vif.maxRequiredRxSlots(1500, false, 18)).isEqualTo(1);
        assertThat(Vif.maxRequiredRxSlots(9000, true, 17)).isEqualTo(21);
    }

    @Test
    void batchingRuleStopsWhenCountPlusMaxSkbFragsReachesRingSize() {
        netfront.refill();
        Vif v = vif().build();
        for (int i = 0; i < 20; i++) {
            assertThat(v.startXmit(smallFrags(17), new byte[60 + 17 * 50], i)).isTrue();
        }
        assertThat(v.rxAction()).isEqualTo(14); // 14 * 18 = 252, 252 + 18 >= 256
        VifStatistics st = v.statistics();
        assertThat(st.hypercalls()).isEqualTo(1);
        assertThat(st.copyOps()).isEqualTo(14 * 18);
        assertThat(st.slotsUsed()).isEqualTo(14);
        assertThat(st.notifications()).isEqualTo(1); // one send per rxAction
        assertThat(v.rxAction()).isEqualTo(6);
        assertThat(v.rxAction()).isZero();
        assertThat(v.statistics().notifications()).isEqualTo(1); // no new rsp_event crossed
    }

    @Test
    void copyArrayOverflowIsDetectedAndTheBatchEndsBeforeIt() {
        netfront.refill();
        Vif v = vif().copyOpArraySize(20).build();
        v.startXmit(smallFrags(17), new byte[60 + 17 * 50], 1);
        v.startXmit(smallFrags(17), new byte[60 + 17 * 50], 2);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(v.statistics().copyArrayOverflows()).isEqualTo(1);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(events).containsExactly("1 ok 1", "2 ok 1");
        Vif tiny = Vif.builder(hv, backend, 1, ring.attachBack(2), channel.first())
                .listener(listener)
                .copyOpArraySize(5)
                .build();
        tiny.startXmit(smallFrags(17), new byte[60 + 17 * 50], 3);
        assertThat(tiny.rxAction()).isZero();
        assertThat(events).contains("3 dropped COPY_ARRAY_TOO_SMALL");
    }

    @Test
    void queueStopsWhenTheRingCannotTakeAWorstCasePacketAndWakesOnTheFrontendEvent() {
        Vif v = vif().build();
        assertThat(v.startXmit(smallFrags(1), new byte[110], 1)).isFalse(); // nothing posted: full
        assertThat(events).containsExactly("1 dropped RING_FULL");
        netfront.refill();
        int queued = 0;
        while (!v.queueStopped()) {
            assertThat(v.startXmit(smallFrags(0), new byte[60], 10 + queued)).isTrue();
            queued++;
        }
        assertThat(queued).isEqualTo(256 - 20 + 1);
        assertThat(ring.reqEvent()).isEqualTo(v.reqConsPeek() + 20);
        assertThat(v.startXmit(smallFrags(0), new byte[60], 99)).isFalse();
        assertThat(v.statistics().queueStops()).isEqualTo(1);
        while (v.rxAction() > 0) {}
        assertThat(v.queueStopped()).isTrue(); // the guest has not posted again
        netfront.poll(); // consumes, refills, pushes: req_event crossed, so it notifies
        assertThat(channel.first().takePending()).isTrue();
        v.frontendEvent();
        assertThat(v.queueStopped()).isFalse();
        assertThat(v.statistics().queueWakes()).isEqualTo(1);
    }

    @Test
    void gsoExtraInSlotOneWithThePacketsType() {
        netfront.refill();
        Vif v = vif().build();
        Skb skb =
                Skb.builder().head(0, 66).frag(0, 4096).gso(1448, GsoType.TCPV6).build();
        v.startXmit(skb, new byte[skb.length()], 7);
        v.rxAction();
        assertThat(ring.responseFlags(0) & Netif.RXF_EXTRA_INFO).isNotZero();
        assertThat(ring.extraType(1)).isEqualTo(Netif.EXTRA_TYPE_GSO);
        assertThat(ring.extraGsoSize(1)).isEqualTo(1448);
        assertThat(ring.extraGsoType(1)).isEqualTo(Netif.GSO_TYPE_TCPV6);
        assertThat(ring.responseStatus(2)).isEqualTo(4096);
        assertThat(ring.responseId(2)).isEqualTo(2);
        assertThat(events).containsExactly("7 ok 3");
    }

    @Test
    void the2010PathWritesAHashExtraAsAHashExtraBehindTheGsoExtra() {
        netfront.refill();
        Vif v = vif().policy(PackingPolicy.FULL_PAGE).build();
        Skb skb = Skb.builder()
                .head(0, 66)
                .frag(0, 4096)
                .gso(1448, GsoType.TCPV4)
                .hash(0xCAFEF00D, HashType.IPV4_TCP)
                .build();
        v.startXmit(skb, new byte[skb.length()], 8);
        v.rxAction();
        assertThat(ring.extraType(1)).isEqualTo(Netif.EXTRA_TYPE_GSO);
        assertThat(ring.extraFlags(1)).isEqualTo(Netif.EXTRA_FLAG_MORE);
        assertThat(ring.extraType(2)).isEqualTo(Netif.EXTRA_TYPE_HASH);
        assertThat(ring.extraHashType(2)).isEqualTo(HashType.IPV4_TCP.wireValue());
        assertThat(ring.extraHashAlgorithm(2)).isEqualTo(HashType.ALGORITHM_TOEPLITZ);
        assertThat(ring.extraHashValue(2)).isEqualTo(0xCAFEF00D);
        assertThat(ring.responseStatus(0)).isEqualTo(4096);
        assertThat(ring.responseStatus(3)).isEqualTo(66);
        assertThat(events).containsExactly("8 ok 4");
    }

    @Test
    void headCrossingAPageIsReLaidOutLikeNetbkCopySkb() {
        netfront.refill();
        Vif v = vif().build();
        Skb skb = Skb.builder().head(4000, 5000).build();
        assertThat(v.startXmit(skb, new byte[5000], 1)).isTrue();
        v.rxAction();
        assertThat(ring.responseStatus(0)).isEqualTo(Vif.COPY_SKB_HEAD_CAPACITY);
        assertThat(ring.responseStatus(1)).isEqualTo(5000 - Vif.COPY_SKB_HEAD_CAPACITY);
    }

    @Test
    void headEndingExactlyAtThePageEndIsAlsoReLaidOut() {
        // 2010 netif_be_start_xmit copies when skb_headlen + offset_in_page(data) >= PAGE_SIZE.
        netfront.refill();
        Vif v = vif().build();
        Skb skb = Skb.builder().head(96, 4000).frag(0, 200).build();
        assertThat(v.startXmit(skb, new byte[4200], 1)).isTrue();
        v.rxAction();
        // kept as is it would give 4000 + 200; re-laid out, 3758 + the remaining 442
        assertThat(ring.responseStatus(0)).isEqualTo(Vif.COPY_SKB_HEAD_CAPACITY);
        assertThat(ring.responseStatus(1)).isEqualTo(4200 - Vif.COPY_SKB_HEAD_CAPACITY);
    }

    @Test
    void unsupportedAndForeignWithoutPeerAreDropped() {
        netfront.refill();
        Vif v = vif().build();
        assertThat(v.startXmit(Skb.builder().head(0, 10).frag(4000, 200).build(), new byte[210], 1))
                .isFalse();
        assertThat(v.startXmit(Skb.builder().head(0, 10).foreignFrag(0, 20).build(), new byte[30], 2))
                .isFalse();
        assertThat(events).containsExactly("1 dropped UNSUPPORTED", "2 dropped NO_PEER");
        assertThat(v.statistics().packetsDropped()).isEqualTo(2);
        assertThatThrownBy(() -> v.startXmit(smallFrags(0), new byte[3], 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startXmit: 3 data bytes for a packet of length 60");
    }

    @Test
    void requestsConsumedBeyondReqProdAreDetectedNotRead() {
        netfront.refill();
        Vif v = vif().build();
        v.startXmit(smallFrags(0), new byte[60], 1);
        int reqProd = ring.reqProd();
        ring.setReqProd(0); // the front end moves req_prod back: the reservation is now wrong
        assertThat(v.rxAction()).isZero();
        assertThat(v.statistics().estimateOverruns()).isEqualTo(1);
        assertThat(v.statistics().slotsUsed()).isZero();
        ring.setReqProd(reqProd);
        assertThat(v.rxAction()).isEqualTo(1);
        assertThat(events).containsExactly("1 ok 1");
    }

    @Test
    void disabledVifDropsQueuedPackets() {
        netfront.refill();
        Vif v = vif().build();
        v.startXmit(smallFrags(0), new byte[60], 1);
        ring.setReqProd(1000);
        v.frontendEvent();
        assertThat(v.disabledBy()).isPresent();
        assertThat(v.queuedPackets()).isZero();
        assertThat(v.startXmit(smallFrags(0), new byte[60], 2)).isFalse();
        assertThat(v.rxAction()).isZero();
        assertThat(events).containsExactly("1 dropped DISABLED", "2 dropped DISABLED");
        assertThat(backend.liveFrames()).isZero();
    }

    @Test
    void checkGopHelpers() {
        assertThat(CheckGop.seedAttribution(new int[] {1, 1, 2}, new int[] {0, 0, 0, -3, 0, 0}))
                .containsExactly(false, false, true);
        assertThat(CheckGop.seedAttribution(new int[] {2}, new int[] {-1})).containsExactly(true);
        assertThat(CheckGop.modelAttribution(new int[] {0, 0, 0, 1, 2, 2}, new int[] {0, 0, 0, -3, 0, 0}, 3))
                .containsExactly(false, true, false);
        assertThatThrownBy(() -> CheckGop.modelAttribution(new int[] {0}, new int[0], 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CheckGop.modelAttribution(new int[] {4}, new int[] {0}, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
