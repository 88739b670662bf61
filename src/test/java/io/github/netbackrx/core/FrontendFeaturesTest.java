package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.trace.PlanPrinter;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrontendFeaturesTest {
    private static final int V4 = FrontendFeatures.bit(GsoType.TCPV4);
    private static final int V6 = FrontendFeatures.bit(GsoType.TCPV6);
    private static final Skb GSO_V4 =
            Skb.builder().head(0, 66).frag(0, 4096).gso(1448, GsoType.TCPV4).build();

    @Test
    void validation() {
        assertThat(FrontendFeatures.DEFAULT).isEqualTo(new FrontendFeatures(V4 | V6, 0, true));
        assertThat(V4).isEqualTo(2);
        assertThat(V6).isEqualTo(4);
        assertThatThrownBy(() -> new FrontendFeatures(V4, V4, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gso_mask 0x2 and gso_prefix_mask 0x2 share 0x2: a GSO type is negotiated either as an"
                        + " extra or as a prefix, not both (xenbus refuses it)");
        assertThatThrownBy(() -> new FrontendFeatures(1, 0, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gso_mask 0x1 has bits other than 1 (tcpv4) and 2 (tcpv6)");
        assertThatThrownBy(() -> new FrontendFeatures(0, 8, true))
                .hasMessage("gso_prefix_mask 0x8 has bits other than 1 (tcpv4) and 2 (tcpv6)");
        FrontendFeatures f =
                FrontendFeatures.DEFAULT.withGsoMask(V6).withGsoPrefixMask(V4).withHash(false);
        assertThat(f).isEqualTo(new FrontendFeatures(V6, V4, false));
        assertThat(f.gsoPrefix(GSO_V4)).isTrue();
        assertThat(f.gsoExtra(GSO_V4)).isFalse();
        assertThat(f.hashExtra(Skb.builder().head(0, 1).hash(1, HashType.IPV4).build()))
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void aGsoTypeNotNegotiatedGetsNoExtraSlot(PackingPolicy policy) {
        RxPacker packer = RxPacker.builder(policy)
                .features(FrontendFeatures.DEFAULT.withGsoMask(V6))
                .build();
        RxPlan plan = packer.plan(GSO_V4);
        RxPlan none =
                RxPacker.of(policy).plan(Skb.builder().head(0, 66).frag(0, 4096).build());
        assertThat(plan.slots()).isEqualTo(none.slots());
        assertThat(plan.ops()).isEqualTo(none.ops());
        assertThat(plan.slots()).allMatch(DataResponse.class::isInstance);
        assertThat(((DataResponse) plan.slots().get(0)).flags() & Netif.RXF_EXTRA_INFO)
                .isZero();
        // the estimators that count gso_size whatever was negotiated over-count by one; that is no finding
        // (count_skb_slots, per-frag's nr_frags + 1 + !!gso_size, 3.13's xenvif_count_skb_slots,
        // rx.c's rx_slots_needed); FreeBSD's xnb_mbufc2pkt counts the extra only when it sends one
        boolean countsGso = policy != PackingPolicy.FREEBSD;
        assertThat(plan.estimate()).isEqualTo(plan.slotCount() + (countsGso ? 1 : 0));
        assertThat(PlanChecker.check(GSO_V4, plan)).isEmpty();
    }

    @Test
    void theCompoundDryRunCountsGsoSizeWhateverWasNegotiated() {
        // Linux 3.13 xenvif_count_skb_slots: count++ for any gso_size; xenvif_gop_skb leaves a gap
        // only for a type in gso_mask (the example: --gso=none, head=0+1 gso=1)
        Skb skb = Skb.builder().head(0, 1).gso(1, GsoType.TCPV4).build();
        RxPacker none = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                .features(FrontendFeatures.DEFAULT.withGsoMask(0))
                .build();
        assertThat(none.plan(skb).slotCount()).isEqualTo(1);
        assertThat(none.estimateSlots(skb)).isEqualTo(2);
        RxPacker negotiated = RxPacker.of(PackingPolicy.COALESCE_COMPOUND);
        assertThat(negotiated.plan(skb).slotCount()).isEqualTo(2);
        assertThat(negotiated.estimateSlots(skb)).isEqualTo(2);
        RxPacker prefix = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                .features(new FrontendFeatures(0, V4, true))
                .build();
        assertThat(prefix.plan(skb).slotCount()).isEqualTo(2);
        assertThat(prefix.estimateSlots(skb)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(
            value = PackingPolicy.class,
            names = {"COALESCE", "COALESCE_COMPOUND"})
    void prefixModePutsAPrefixSlotBeforeTheData(PackingPolicy policy) {
        RxPacker packer = RxPacker.builder(policy)
                .features(new FrontendFeatures(V6, V4, true))
                .build();
        Skb skb = Skb.builder()
                .head(0, 66)
                .frag(0, 4096)
                .frag(0, 10)
                .gso(1448, GsoType.TCPV4)
                .checksum(ChecksumState.PARTIAL)
                .build();
        RxPlan plan = packer.plan(skb);
        assertThat(PlanPrinter.format(0, skb, plan)).isEqualTo("""
                packet 0 len=4172 estimate=4 slots=4
                copy head 0 1 0 66
                copy frag0 0 2 0 4096
                copy frag1 0 3 0 10
                prefix 0 1448 4 more_data,gso_prefix
                rsp 1 0 66 data_validated,csum_blank,more_data
                rsp 2 0 4096 more_data
                rsp 3 0 10 -
                """);
        assertThat(PlanChecker.check(skb, plan)).isEmpty();
        PlanBuffer b = new PlanBuffer();
        packer.plan(skb, b);
        assertThat(b.slotIsPrefix(0)).isTrue();
        assertThat(b.slotIsPrefix(1)).isFalse();
        assertThat(RandomPackets.reassemble(plan, 4096)).isEqualTo(RandomPackets.packetBytes(skb));
        // TCPv6 is negotiated as an extra by the same frontend
        Skb v6 = Skb.builder().head(0, 66).gso(1448, GsoType.TCPV6).build();
        assertThat(packer.plan(v6).slots().get(1)).isInstanceOf(ExtraResponse.class);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5L, 77L})
    void prefixModeKeepsEveryInvariant(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RxPacker packer = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                .features(new FrontendFeatures(0, V4 | V6, false))
                .build();
        PlanBuffer b = new PlanBuffer();
        for (int i = 0; i < 2000; i++) {
            Skb skb = Workload.packet(WorkloadMix.CROSSING, r);
            packer.plan(skb, b);
            assertThat(PlanChecker.check(skb, b)).as("%s", skb).isEmpty();
            assertThat(b.slotIsPrefix(0)).isEqualTo(skb.hasGso());
            if (skb.hasGso()) {
                assertThat(b.slotOffset(0)).isEqualTo(skb.gsoSize());
                assertThat(b.slotStatus(0)).isEqualTo(b.slotCount());
            }
            assertThat(b.estimate()).isEqualTo(b.slotCount());
            assertThat(RandomPackets.reassemble(b.toPlan(), 4096)).isEqualTo(RandomPackets.packetBytes(skb));
        }
    }

    @Test
    void checkerSeesAPrefixSlotAsNoDataSlot() {
        RxPlan plan = new RxPlan(
                10,
                3,
                java.util.List.of(new CopyOp(-1, 0, 0, 0, 10)),
                java.util.List.of(
                        new DataResponse(0, 1448, 2, Netif.RXF_GSO_PREFIX | Netif.RXF_MORE_DATA),
                        new DataResponse(1, 0, 0, 0)));
        Skb skb = Skb.builder().head(0, 10).gso(1448, GsoType.TCPV4).build();
        assertThat(PlanChecker.check(skb, plan))
                .extracting(Finding::describe)
                .containsExactly(
                        "length-sum: data statuses sum to 0, packet length 10",
                        "dest-within-slot: op 0 (head) writes slot 0, a GSO prefix slot",
                        "first-slot-nonempty: data slot 1 is empty (status 0) in a 10-byte packet");
        RxPlan onlyPrefix = new RxPlan(
                10,
                3,
                java.util.List.of(),
                java.util.List.of(new DataResponse(0, 1448, 1, Netif.RXF_GSO_PREFIX | Netif.RXF_MORE_DATA)));
        assertThat(PlanChecker.check(skb, onlyPrefix))
                .extracting(Finding::describe)
                .contains("first-slot-nonempty: slot 1 is not a data slot in a 10-byte packet");
    }

    @Test
    void builderRefusesWhatAGenerationDoesNotHave() {
        for (PackingPolicy p :
                new PackingPolicy[] {PackingPolicy.PER_FRAG, PackingPolicy.FULL_PAGE, PackingPolicy.FREEBSD}) {
            assertThatThrownBy(() -> RxPacker.builder(p).maxBufferOffset(2048).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxBufferOffset 2048 is only for coalesce and coalesce-compound: " + p.label()
                            + " fills 4096-byte buffers");
            assertThatThrownBy(() -> RxPacker.builder(p)
                            .features(new FrontendFeatures(V6, V4, true))
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gso_prefix_mask 0x2 is only for coalesce and coalesce-compound: " + p.label()
                            + " has no GSO prefix mode");
        }
        RxPacker p = RxPacker.builder(PackingPolicy.FULL_PAGE)
                .features(FrontendFeatures.DEFAULT.withHash(false))
                .estimator(SlotEstimator.WORST_CASE_3_14)
                .build();
        assertThat(p.features().hash()).isFalse();
        assertThat(p.estimator()).isEqualTo(SlotEstimator.WORST_CASE_3_14);
        assertThat(p)
                .hasToString("RxPacker[full-page, maxBufferOffset=4096, FrontendFeatures[gsoMask=6,"
                        + " gsoPrefixMask=0, hash=false], estimator=worst-case-3.14]");
        assertThat(RxPacker.of(PackingPolicy.FREEBSD).estimator()).isEqualTo(SlotEstimator.FREEBSD_LIST_LEN);
        assertThatThrownBy(() -> RxPacker.builder(PackingPolicy.FREEBSD).features(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RxPacker.builder(PackingPolicy.FREEBSD).estimator(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void hashExtraOnlyWhenTheFrontendAskedForIt() {
        Skb skb = Skb.builder().head(0, 100).hash(0x12345678, HashType.IPV4_TCP).build();
        RxPlan on = RxPacker.of(PackingPolicy.FULL_PAGE).plan(skb);
        assertThat(on.slots())
                .containsExactly(
                        new DataResponse(0, 0, 100, Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_HASH, 0, 0, null, 0x12345678, HashType.IPV4_TCP));
        assertThat(on.estimate()).isEqualTo(2);
        RxPlan off = RxPacker.builder(PackingPolicy.FULL_PAGE)
                .features(FrontendFeatures.DEFAULT.withHash(false))
                .build()
                .plan(skb);
        assertThat(off.slots()).containsExactly(new DataResponse(0, 0, 100, 0));
        assertThat(off.estimate()).isEqualTo(1);
        PlanBuffer b = new PlanBuffer();
        RxPacker.of(PackingPolicy.FULL_PAGE).plan(skb, b);
        assertThat(b.slotHashValue(1)).isEqualTo(0x12345678);
        assertThat(b.slotHashType(1)).isEqualTo(HashType.IPV4_TCP);
        assertThat(b.slotHashType(0)).isNull();
        PlanBuffer loaded = new PlanBuffer();
        loaded.load(on, 4096);
        assertThat(loaded.toPlan()).isEqualTo(on);
    }

    @Test
    void hashTypes() {
        for (HashType t : HashType.values()) {
            assertThat(HashType.fromLabel(t.label())).isSameAs(t);
        }
        assertThat(HashType.IPV6_TCP.wireValue()).isEqualTo(3);
        assertThatThrownBy(() -> HashType.fromLabel("udp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hash type: unknown name 'udp' (valid: ipv4, ipv4-tcp, ipv6, ipv6-tcp)");
    }
}
