package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each invariant is detected, with details naming the offending values. */
class PlanCheckerTest {
    private static final Skb SKB = Skb.builder().head(0, 100).frag(0, 200).build();
    private static final List<CopyOp> GOOD_OPS = List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 0, 100, 200));

    private static List<Finding> check(List<CopyOp> ops, List<SlotResponse> slots, int estimate) {
        return PlanChecker.check(SKB, new RxPlan(300, estimate, ops, slots));
    }

    @Test
    void goodPlanHasNoFinding() {
        assertThat(check(GOOD_OPS, List.of(new DataResponse(0, 0, 300, 0)), 1)).isEmpty();
    }

    @Test
    void lengthSum() {
        assertThat(check(GOOD_OPS, List.of(new DataResponse(0, 0, 299, 0)), 1))
                .contains(new Finding(Invariant.LENGTH_SUM, "data statuses sum to 299, packet length 300"));
    }

    @Test
    void destWithinSlot() {
        List<CopyOp> ops = List.of(new CopyOp(-1, 0, 0, 4000, 100), new CopyOp(0, 0, 1, 0, 200));
        List<SlotResponse> slots =
                List.of(new DataResponse(0, 0, 100, Netif.RXF_MORE_DATA), new DataResponse(1, 0, 200, 0));
        assertThat(check(ops, slots, 2))
                .contains(new Finding(
                        Invariant.DEST_WITHIN_SLOT,
                        "op 0 (head) writes slot 0 at offset 4000 + length 100 > buffer size 4096"));
        List<CopyOp> outside = List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 5, 0, 200));
        assertThat(check(outside, List.of(new DataResponse(0, 0, 300, 0)), 1))
                .contains(new Finding(
                        Invariant.DEST_WITHIN_SLOT, "op 1 (frag0) writes slot 5 outside the packet's 1 slots"));
        List<SlotResponse> withExtra = List.of(
                new DataResponse(0, 0, 300, Netif.RXF_EXTRA_INFO),
                new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1000, GsoType.TCPV4));
        List<CopyOp> intoExtra = List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 1, 0, 200));
        assertThat(check(intoExtra, withExtra, 2))
                .contains(new Finding(Invariant.DEST_WITHIN_SLOT, "op 1 (frag0) writes slot 1, an extra-info slot"));
    }

    @Test
    void sourceWithinFrame() {
        Skb compound = Skb.builder().head(4000, 200).build();
        RxPlan plan =
                new RxPlan(200, 1, List.of(new CopyOp(-1, 4000, 0, 0, 200)), List.of(new DataResponse(0, 0, 200, 0)));
        assertThat(PlanChecker.check(compound, plan))
                .containsExactly(new Finding(
                        Invariant.SOURCE_WITHIN_FRAME,
                        "op 0 (head) reads offset 4000 + length 200 across 4096-byte frames 0 and 1"));
        RxPlan split = new RxPlan(
                200,
                1,
                List.of(new CopyOp(-1, 4000, 0, 0, 96), new CopyOp(-1, 4096, 0, 96, 104)),
                List.of(new DataResponse(0, 0, 200, 0)));
        assertThat(PlanChecker.check(compound, split)).isEmpty();
    }

    @Test
    void firstSlotNonEmpty() {
        List<CopyOp> ops = List.of(new CopyOp(-1, 0, 1, 0, 100), new CopyOp(0, 0, 1, 100, 200));
        List<SlotResponse> slots =
                List.of(new DataResponse(0, 0, 0, Netif.RXF_MORE_DATA), new DataResponse(1, 0, 300, 0));
        assertThat(check(ops, slots, 2))
                .containsExactly(new Finding(
                        Invariant.FIRST_SLOT_NONEMPTY, "data slot 0 is empty (status 0) in a 300-byte packet"));
        assertThat(check(GOOD_OPS, List.of(), 1))
                .contains(new Finding(Invariant.FIRST_SLOT_NONEMPTY, "slot 0 is not a data slot in a 300-byte packet"));
    }

    @Test
    void slotsWithinEstimate() {
        List<CopyOp> ops = List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 1, 0, 200));
        List<SlotResponse> slots =
                List.of(new DataResponse(0, 0, 100, Netif.RXF_MORE_DATA), new DataResponse(1, 0, 200, 0));
        assertThat(check(ops, slots, 1))
                .containsExactly(new Finding(Invariant.SLOTS_WITHIN_ESTIMATE, "2 slots used > estimate 1"));
    }

    @Test
    void moreDataChain() {
        List<CopyOp> ops = List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 2, 0, 200));
        List<SlotResponse> slots = List.of(
                new DataResponse(0, 0, 100, Netif.RXF_EXTRA_INFO),
                new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1000, GsoType.TCPV4),
                new DataResponse(2, 0, 200, Netif.RXF_MORE_DATA));
        assertThat(check(ops, slots, 3))
                .containsExactly(
                        new Finding(Invariant.MORE_DATA_CHAIN, "data slot 0 lacks more_data before last data slot 2"),
                        new Finding(Invariant.MORE_DATA_CHAIN, "last data slot 2 has more_data"));
    }

    @Test
    void sourceCoverage() {
        List<SlotResponse> one = List.of(new DataResponse(0, 0, 300, 0));
        assertThat(check(List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 10, 0, 100, 200)), one, 1))
                .containsExactly(
                        new Finding(Invariant.SOURCE_COVERAGE, "frag0: op 1 reads from offset 10, expected 0"));
        assertThat(check(List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 0, 100, 150)), one, 1))
                .containsExactly(
                        new Finding(Invariant.SOURCE_COVERAGE, "frag0: ops copy 150 of its 200 bytes"),
                        new Finding(Invariant.SOURCE_COVERAGE, "slot 0: ops write 250 bytes, status 300"));
        assertThat(check(List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 0, 90, 200)), one, 1))
                .containsExactly(
                        new Finding(Invariant.SOURCE_COVERAGE, "slot 0: op 1 writes at offset 90, expected 100"));
        assertThat(check(
                        List.of(
                                new CopyOp(-1, 0, 0, 0, 100),
                                new CopyOp(0, 0, 0, 100, 200),
                                new CopyOp(3, 0, 0, 300, 0)),
                        one,
                        1))
                .containsExactly(new Finding(Invariant.SOURCE_COVERAGE, "op 2 reads frag3, not an area of the packet"));
    }

    @Test
    void sourceCoverageIsTheSameInABufferReusedAfterALargerPlan() {
        // the checker keeps its working state in the plan buffer: what a 17-area, 17-slot plan left
        // there must not leak into the next, smaller plan's check
        PlanBuffer buffer = new PlanBuffer();
        Skb.Builder b = Skb.builder().head(2, 66).gso(1448, GsoType.TCPV4);
        for (int k = 0; k < 16; k++) {
            b.frag(0, 4096);
        }
        Skb big = b.build();
        RxPacker.of(PackingPolicy.PER_FRAG).plan(big, buffer);
        assertThat(PlanChecker.check(big, buffer)).isEmpty();
        List<SlotResponse> one = List.of(new DataResponse(0, 0, 300, 0));
        buffer.load(new RxPlan(300, 1, GOOD_OPS, one), Netif.MAX_BUFFER_OFFSET);
        assertThat(PlanChecker.check(SKB, buffer)).isEmpty();
        buffer.load(
                new RxPlan(300, 1, List.of(new CopyOp(-1, 0, 0, 0, 100), new CopyOp(0, 0, 0, 90, 200)), one),
                Netif.MAX_BUFFER_OFFSET);
        assertThat(PlanChecker.check(SKB, buffer))
                .containsExactly(
                        new Finding(Invariant.SOURCE_COVERAGE, "slot 0: op 1 writes at offset 90, expected 100"));
    }

    @Test
    void nullsRefused() {
        assertThatThrownBy(() -> PlanChecker.check(null, new PlanBuffer())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> PlanChecker.check(SKB, (RxPlan) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void labelsAreStable() {
        assertThat(Invariant.values())
                .extracting(Invariant::label)
                .containsExactly(
                        "length-sum",
                        "dest-within-slot",
                        "source-within-frame",
                        "first-slot-nonempty",
                        "slots-within-estimate",
                        "more-data-chain",
                        "source-coverage");
    }
}
