package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FreeBsdPackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.FREEBSD;
    }

    @Override
    List<Invariant> expectedFindings(Skb skb) {
        return java.util.Collections.nCopies(RandomPackets.piecesCrossingAFrame(skb), Invariant.SOURCE_WITHIN_FRAME);
    }

    @Override
    void assertPolicySpecific(Skb skb, RxPlan plan) {
        int dataSlots = (skb.length() + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE;
        assertThat(plan.slotCount()).isEqualTo(dataSlots + (skb.hasGso() ? 1 : 0));
        assertThat(plan.estimate()).isEqualTo(plan.slotCount());
        for (CopyOp op : plan.ops()) {
            assertThat(op.length()).as("no empty op").isPositive();
        }
    }

    @Test
    void opsCrossSourceFramesWhereSlotsDoNotEnd() {
        Skb skb = Skb.builder().head(0, 100).frag(2048, 8192).build();
        RxPlan plan = packer().plan(skb);
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 0, 0, 0, 100),
                        new CopyOp(0, 2048, 0, 100, 3996),
                        new CopyOp(0, 6044, 1, 0, 4096),
                        new CopyOp(0, 10140, 2, 0, 100));
        assertThat(PlanChecker.check(skb, plan))
                .containsExactly(
                        new Finding(
                                Invariant.SOURCE_WITHIN_FRAME,
                                "op 1 (frag0) reads offset 2048 + length 3996 across 4096-byte frames 0 and 1"),
                        new Finding(
                                Invariant.SOURCE_WITHIN_FRAME,
                                "op 2 (frag0) reads offset 6044 + length 4096 across 4096-byte frames 1 and 2"));
    }

    @Test
    void emptyHeadIssuesNoOp() {
        RxPlan plan = packer().plan(Skb.builder()
                .head(66, 0)
                .frag(0, 10)
                .gso(1448, GsoType.TCPV6)
                .build());
        assertThat(plan.ops()).containsExactly(new CopyOp(0, 0, 0, 0, 10));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 10, Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1448, GsoType.TCPV6));
    }
}
