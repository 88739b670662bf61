package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each estimator on hand-worked packets, and the (policy, estimator) pairs that replay the historical
 * under-counts of Linux 3.0, 3.6 and 3.14 (the bug catalogue's estimate cases) as {@code
 * slots-within-estimate} findings.
 */
class SlotEstimatorTest {
    private static final FrontendFeatures F = FrontendFeatures.DEFAULT;

    private static int est(SlotEstimator e, Skb skb) {
        return e.estimate(skb, F, 4096);
    }

    private static List<Invariant> replay(PackingPolicy p, SlotEstimator e, Skb skb) {
        RxPlan plan = RxPacker.builder(p).estimator(e).build().plan(skb);
        return PlanChecker.check(skb, plan).stream().map(Finding::invariant).toList();
    }

    @Test
    void formulasOnHandWorkedPackets() {
        // |tail of page 0|all of page 1|head of page 2|: 6000 bytes spanning three pages
        Skb multiPageHead = Skb.builder().head(3000, 6000).build();
        assertThat(est(SlotEstimator.LINUX_3_0, multiPageHead)).isEqualTo(3); // ceil(9000/4096)
        assertThat(est(SlotEstimator.LINUX_3_6, multiPageHead)).isEqualTo(2); // ceil(6000/4096)
        assertThat(est(SlotEstimator.EXACT_DRY_RUN, multiPageHead)).isEqualTo(3);
        assertThat(est(SlotEstimator.WORST_CASE_3_14, multiPageHead)).isEqualTo(3);
        assertThat(est(SlotEstimator.RX_SLOTS_NEEDED, multiPageHead)).isEqualTo(2);
        assertThat(est(SlotEstimator.FREEBSD_LIST_LEN, multiPageHead)).isEqualTo(2);
        assertThat(est(SlotEstimator.PER_FRAG, multiPageHead)).isEqualTo(1);
        assertThat(est(SlotEstimator.COUNT_SKB_SLOTS_2010, multiPageHead)).isEqualTo(2);
        Skb gso = Skb.builder()
                .head(0, 100)
                .frag(100, 4096)
                .gso(1448, GsoType.TCPV6)
                .build();
        assertThat(est(SlotEstimator.WORST_CASE_3_14, gso)).isEqualTo(1 + 2 + 1);
        assertThat(est(SlotEstimator.LINUX_3_0, gso)).isEqualTo(1 + 1 + 1);
        assertThat(SlotEstimator.EXACT_DRY_RUN.label()).isEqualTo("exact-dry-run");
    }

    @Test
    void the36EstimatorUnderCountsAMultiPageHead() {
        Skb skb = Skb.builder().head(3000, 6000).build();
        assertThat(replay(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_6, skb))
                .containsExactly(Invariant.SLOTS_WITHIN_ESTIMATE);
        assertThat(replay(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, skb))
                .isEmpty();
    }

    @Test
    void the30EstimatorUnderCountsAHeadOfWholePages() {
        // headlen % 4096 == 0: the estimate restarts at copy_off 0, the walk finds the buffer full
        Skb skb = Skb.builder().head(0, 4096).frag(0, 100).build();
        assertThat(est(SlotEstimator.LINUX_3_0, skb)).isEqualTo(1);
        assertThat(replay(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_0, skb))
                .containsExactly(Invariant.SLOTS_WITHIN_ESTIMATE);
        // and an empty head at offset 0 counts no slot at all
        Skb empty = Skb.builder().head(0, 0).frag(0, 100).build();
        assertThat(est(SlotEstimator.LINUX_3_0, empty)).isZero();
    }

    @Test
    void theCapped314EstimateIsExceededWithoutFullCoalescing() {
        Skb.Builder b = Skb.builder().head(0, 100).gso(1448, GsoType.TCPV4);
        for (int k = 0; k < 17; k++) {
            b.frag(0, 4000);
        }
        Skb skb = b.build();
        assertThat(est(SlotEstimator.WORST_CASE_3_14, skb)).isEqualTo(17 + 1);
        // the start_new_rx_buffer walk gives the head and every fragment a buffer: 18 + the GSO slot
        assertThat(replay(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.WORST_CASE_3_14, skb))
                .containsExactly(Invariant.SLOTS_WITHIN_ESTIMATE);
        // full packing fits: ceil(68100 / 4096) = 17 data slots + 1
        assertThat(replay(PackingPolicy.FULL_PAGE, SlotEstimator.WORST_CASE_3_14, skb))
                .isEmpty();
    }
}
