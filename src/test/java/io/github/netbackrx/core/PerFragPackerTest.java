package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PerFragPackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.PER_FRAG;
    }

    @Override
    List<Invariant> expectedFindings(Skb skb) {
        return skb.headLength() == 0 ? List.of(Invariant.FIRST_SLOT_NONEMPTY) : List.of();
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
}
