package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerFragPackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.PER_FRAG;
    }

    /**
     * One op per area as issued: a {@code dest-within-slot} finding per area longer than a buffer, a
     * {@code source-within-frame} finding per op whose bytes leave the page it names (the head's
     * page at {@code offset_in_page}, a fragment's first page with the whole {@code page_offset}),
     * and the empty first buffer of an empty head.
     */
    @Override
    List<Invariant> expectedFindings(Skb skb) {
        List<Invariant> out = new ArrayList<>();
        int areasTooLong = skb.headLength() > 4096 ? 1 : 0;
        int crossing =
                skb.headLength() > 0 && skb.headOffset() / 4096 != (skb.headOffset() + skb.headLength() - 1) / 4096
                        ? 1
                        : 0;
        for (int k = 0; k < skb.fragCount(); k++) {
            areasTooLong += skb.fragLength(k) > 4096 ? 1 : 0;
            crossing += skb.fragOffset(k) + skb.fragLength(k) > 4096 ? 1 : 0;
        }
        out.addAll(Collections.nCopies(areasTooLong, Invariant.DEST_WITHIN_SLOT));
        out.addAll(Collections.nCopies(crossing, Invariant.SOURCE_WITHIN_FRAME));
        if (skb.headLength() == 0) {
            out.add(Invariant.FIRST_SLOT_NONEMPTY);
        }
        return out;
    }

    @Override
    void assertPolicySpecific(Skb skb, RxPlan plan) {
        int extras = skb.hasGso() ? 1 : 0;
        assertThat(plan.estimate()).isEqualTo(skb.fragCount() + 1 + extras);
        assertThat(plan.slotCount()).isEqualTo(plan.estimate());
        assertThat(plan.ops()).hasSize(skb.fragCount() + 1);
        for (int k = 0; k < skb.fragCount(); k++) {
            assertThat(plan.ops().get(k))
                    .isEqualTo(new CopyOp(k, skb.fragOffset(k), k + 1 + extras, 0, skb.fragLength(k)));
        }
        assertThat(plan.ops().get(skb.fragCount())).isEqualTo(new CopyOp(-1, skb.headOffset(), 0, 0, skb.headLength()));
        assertThat(((DataResponse) plan.slots().get(0)).status()).isEqualTo(skb.headLength());
    }

    @Test
    void emptyHeadWithoutFragmentsIsImpossibleButEmptyHeadWithOneIsTheHazard() {
        Skb skb = Skb.builder().head(0, 0).frag(0, 10).build();
        RxPlan plan = packer().plan(skb);
        assertThat(PlanChecker.check(skb, plan))
                .containsExactly(new Finding(
                        Invariant.FIRST_SLOT_NONEMPTY, "data slot 0 is empty (status 0) in a 10-byte packet"));
    }

    @Test
    void plansTheCrossingOpAsIssuedAndReportsIt() {
        Skb skb = Skb.builder().head(0, 100).frag(4000, 200).frag(8192, 10).build();
        PlanBuffer b = new PlanBuffer();
        packer().plan(skb, b);
        assertThat(b.toPlan().ops())
                .containsExactly(
                        new CopyOp(0, 4000, 1, 0, 200), new CopyOp(1, 8192, 2, 0, 10), new CopyOp(-1, 0, 0, 0, 100));
        assertThat(PlanChecker.check(skb, b))
                .containsExactly(
                        new Finding(
                                Invariant.SOURCE_WITHIN_FRAME,
                                "op 0 (frag0) reads offset 4000 + length 200 across 4096-byte frames 0 and 1"),
                        new Finding(
                                Invariant.SOURCE_WITHIN_FRAME,
                                "op 1 (frag1) reads offset 8192 + length 10 of the fragment's first 4096-byte page,"
                                        + " the page the op names"));
        // an immutable plan carries no per-frag mark: only the frame rule applies to it
        assertThat(PlanChecker.check(skb, b.toPlan())).hasSize(1);
    }

    @Test
    void statusesAreTheS16OfTheAreaLength() {
        Skb skb = Skb.builder().head(0, 54).frag(0, 40000).build();
        RxPlan plan = packer().plan(skb);
        assertThat(plan.slots().get(1)).isEqualTo(new DataResponse(1, 0, 40000 - 65536, 0));
    }
}
