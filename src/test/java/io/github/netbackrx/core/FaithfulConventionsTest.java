package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RxPacker.Builder#faithful(boolean)}: the two conventions the model keeps by default, dropped. */
class FaithfulConventionsTest {
    private static final Skb TCPV6 = Skb.builder()
            .head(0, 100)
            .frag(0, 4096)
            .frag(0, 4096)
            .gso(1448, GsoType.TCPV6)
            .checksum(ChecksumState.PARTIAL)
            .build();

    private static RxPacker faithful(PackingPolicy p) {
        return RxPacker.builder(p).faithful(true).build();
    }

    private static ExtraResponse gsoExtra(RxPlan plan) {
        return (ExtraResponse) plan.slots().get(1);
    }

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void theGsoExtraCarriesTcpv4OnlyWhereTheUpstreamCodeAlwaysWroteIt(PackingPolicy policy) {
        boolean alwaysTcpv4 =
                policy == PackingPolicy.COALESCE || policy == PackingPolicy.PER_FRAG || policy == PackingPolicy.FREEBSD;
        assertThat(gsoExtra(faithful(policy).plan(TCPV6)).gsoType())
                .isEqualTo(alwaysTcpv4 ? GsoType.TCPV4 : GsoType.TCPV6);
        assertThat(gsoExtra(RxPacker.of(policy).plan(TCPV6)).gsoType()).isEqualTo(GsoType.TCPV6);
        // nothing else changes but that and FreeBSD's more_data
        RxPlan conv = RxPacker.of(policy).plan(TCPV6);
        RxPlan upstream = faithful(policy).plan(TCPV6);
        assertThat(upstream.ops()).isEqualTo(conv.ops());
        assertThat(upstream.estimate()).isEqualTo(conv.estimate());
        assertThat(upstream.slotCount()).isEqualTo(conv.slotCount());
    }

    @Test
    void freeBsdCountsTheExtraInItsMoreDataTest() {
        // xnb_rxpkt2rsp: more_data when i < list_len - 1, i counting the extra's response (list_len 3)
        RxPlan plan = faithful(PackingPolicy.FREEBSD).plan(TCPV6);
        int csum = Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED;
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 4096, csum | Netif.RXF_MORE_DATA | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1448, GsoType.TCPV4),
                        new DataResponse(2, 0, 4096, 0),
                        new DataResponse(3, 0, 100, 0));
        assertThat(PlanChecker.check(TCPV6, plan))
                .containsExactly(
                        new Finding(Invariant.MORE_DATA_CHAIN, "data slot 2 lacks more_data before last data slot 3"));
        // by convention every data slot but the last carries it
        RxPlan conv = RxPacker.of(PackingPolicy.FREEBSD).plan(TCPV6);
        assertThat(((DataResponse) conv.slots().get(2)).flags()).isEqualTo(Netif.RXF_MORE_DATA);
        assertThat(PlanChecker.check(TCPV6, conv)).isEmpty();
    }

    @Test
    void freeBsdWithTwoDataSlotsOrNoExtraKeepsTheChain() {
        Skb two = Skb.builder()
                .head(0, 100)
                .frag(0, 4096)
                .gso(1448, GsoType.TCPV4)
                .build();
        assertThat(PlanChecker.check(two, faithful(PackingPolicy.FREEBSD).plan(two)))
                .isEmpty();
        Skb noGso = Skb.builder().head(0, 100).frag(0, 4096).frag(0, 4096).build();
        RxPlan plan = faithful(PackingPolicy.FREEBSD).plan(noGso);
        assertThat(plan).isEqualTo(RxPacker.of(PackingPolicy.FREEBSD).plan(noGso));
        assertThat(PlanChecker.check(noGso, plan)).isEmpty();
    }

    @Test
    void describedAndReadBack() {
        RxPacker p = faithful(PackingPolicy.FREEBSD);
        assertThat(p.faithful()).isTrue();
        assertThat(RxPacker.of(PackingPolicy.FREEBSD).faithful()).isFalse();
        assertThat(p.toString()).isEqualTo("RxPacker[freebsd, maxBufferOffset=4096, faithful]");
        assertThat(List.of(RxPacker.of(PackingPolicy.COALESCE).toString()))
                .containsExactly("RxPacker[coalesce, maxBufferOffset=4096]");
    }
}
