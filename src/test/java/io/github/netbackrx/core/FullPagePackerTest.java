package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FullPagePackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.FULL_PAGE;
    }

    @Override
    List<Invariant> expectedFindings(Skb skb) {
        return List.of();
    }

    @Override
    void assertPolicySpecific(Skb skb, RxPlan plan) {
        int dataSlots = (skb.length() + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE;
        List<DataResponse> data = plan.slots().stream()
                .filter(DataResponse.class::isInstance)
                .map(DataResponse.class::cast)
                .toList();
        assertThat(data).as("ceil(len/4096) data slots: %s", skb).hasSize(dataSlots);
        for (int d = 0; d < data.size() - 1; d++) {
            assertThat(data.get(d).status()).isEqualTo(Netif.PAGE_SIZE);
        }
        int extras = plan.slotCount() - dataSlots;
        assertThat(extras).isEqualTo((skb.hasGso() ? 1 : 0) + (skb.hasHash() ? 1 : 0));
        assertThat(plan.estimate()).isEqualTo(plan.slotCount());
        for (CopyOp op : plan.ops()) {
            assertThat(op.sourceOffset() % Netif.PAGE_SIZE + op.length()).isLessThanOrEqualTo(Netif.PAGE_SIZE);
            assertThat(op.length() > 0 || (op.source() == CopyOp.HEAD && skb.headLength() == 0))
                    .isTrue();
        }
    }

    @Test
    void emptyHeadIssuesItsZeroLengthOp() {
        RxPlan plan = packer().plan(Skb.builder()
                .head(66, 0)
                .frag(100, 65536)
                .gso(1448, GsoType.TCPV4)
                .build());
        assertThat(plan.ops().get(0)).isEqualTo(new CopyOp(-1, 66, 0, 0, 0));
        // frag0 at offset 100: every slot takes 3996 + 100 bytes from two frames
        assertThat(plan.ops().get(1)).isEqualTo(new CopyOp(0, 100, 0, 0, 3996));
        assertThat(plan.ops().get(2)).isEqualTo(new CopyOp(0, 4096, 0, 3996, 100));
        assertThat(plan.ops().get(3)).isEqualTo(new CopyOp(0, 4196, 2, 0, 3996));
        assertThat(plan.slotCount()).isEqualTo(17);
        assertThat(plan.estimate()).isEqualTo(17);
    }

    @Test
    void compoundFragmentFillsEverySlot() {
        RxPlan plan = packer().plan(Skb.builder().head(0, 100).frag(2048, 8192).build());
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 0, 0, 0, 100),
                        new CopyOp(0, 2048, 0, 100, 2048),
                        new CopyOp(0, 4096, 0, 2148, 1948),
                        new CopyOp(0, 6044, 1, 0, 2148),
                        new CopyOp(0, 8192, 1, 2148, 1948),
                        new CopyOp(0, 10140, 2, 0, 100));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(1, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(2, 0, 100, 0));
    }
}
