package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The worked examples of plan-format.md, through the public API, for both policies. */
class GoldenExamplesTest {
    private static final List<Skb> EXAMPLES = PlanText.readTrace("/trace/plan-format-example.trace");

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void matchesGoldenText(PackingPolicy policy) {
        RxPacker packer = RxPacker.of(policy);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < EXAMPLES.size(); i++) {
            sb.append(PlanText.render(i, packer.plan(EXAMPLES.get(i))));
        }
        assertThat(sb.toString())
                .isEqualTo(PlanText.resource("/golden/plan-format-example." + policy.label() + ".plan"));
    }

    private static final List<Skb> COMPOUND = PlanText.readTrace("/golden/compound.trace");

    /** Packets crossing pages, for the policies without a page rule; worked by hand in docs/packing-rules.md. */
    @ParameterizedTest
    @EnumSource(
            value = PackingPolicy.class,
            names = {"COALESCE_COMPOUND", "FULL_PAGE", "FREEBSD"})
    void compoundExamplesMatchGoldenText(PackingPolicy policy) {
        RxPacker packer = RxPacker.of(policy);
        StringBuilder sb = new StringBuilder();
        int findings = 0;
        for (int i = 0; i < COMPOUND.size(); i++) {
            RxPlan plan = packer.plan(COMPOUND.get(i));
            sb.append(PlanText.render(i, plan));
            for (Finding f : PlanChecker.check(COMPOUND.get(i), plan)) {
                // FreeBSD: ops across source frames, and the 64 KiB packet lost in its 16-bit size
                assertThat(f.invariant() == Invariant.SOURCE_WITHIN_FRAME || i == 2)
                        .isTrue();
                findings++;
            }
        }
        assertThat(sb.toString()).isEqualTo(PlanText.resource("/golden/compound." + policy.label() + ".txt"));
        assertThat(findings).isEqualTo(policy == PackingPolicy.FREEBSD ? 8 : 0);
    }

    @Test
    void fullPageChainsTheHashExtraBehindTheGsoExtra() {
        RxPlan plan = RxPacker.of(PackingPolicy.FULL_PAGE).plan(COMPOUND.get(4));
        assertThat(plan.slots().subList(0, 3))
                .containsExactly(
                        new DataResponse(
                                0,
                                0,
                                4096,
                                Netif.RXF_DATA_VALIDATED
                                        | Netif.RXF_CSUM_BLANK
                                        | Netif.RXF_MORE_DATA
                                        | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, Netif.EXTRA_FLAG_MORE, 1448, GsoType.TCPV6),
                        new ExtraResponse(2, Netif.EXTRA_TYPE_HASH, 0, 0, null, -1, HashType.IPV6));
        assertThat(plan.slots().get(3)).isEqualTo(new DataResponse(3, 0, 54, 0));
        // the other generations send no hash extra
        assertThat(RxPacker.of(PackingPolicy.COALESCE_COMPOUND)
                        .plan(COMPOUND.get(4))
                        .slots())
                .noneMatch(r -> r instanceof ExtraResponse e && e.type() == Netif.EXTRA_TYPE_HASH);
    }

    @Test
    void sevenExamples() {
        assertThat(EXAMPLES).hasSize(7);
    }

    @Test
    void coalesceGsoExampleThroughRecords() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(EXAMPLES.get(4));
        assertThat(plan.packetLength()).isEqualTo(9258);
        assertThat(plan.estimate()).isEqualTo(5);
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 2, 0, 0, 66),
                        new CopyOp(0, 0, 2, 0, 4096),
                        new CopyOp(1, 0, 3, 0, 4096),
                        new CopyOp(2, 0, 4, 0, 1000));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(
                                0,
                                0,
                                66,
                                Netif.RXF_DATA_VALIDATED
                                        | Netif.RXF_CSUM_BLANK
                                        | Netif.RXF_MORE_DATA
                                        | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1448, GsoType.TCPV4),
                        new DataResponse(2, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(3, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(4, 0, 1000, 0));
    }

    @Test
    void coalesceFillsBufferExactlyThenStartsNew() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(EXAMPLES.get(5));
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 0, 0, 0, 1000), new CopyOp(0, 0, 0, 1000, 3096), new CopyOp(1, 0, 1, 0, 10));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 4096, Netif.RXF_DATA_VALIDATED | Netif.RXF_MORE_DATA),
                        new DataResponse(1, 0, 10, 0));
    }

    @Test
    void perFragEmptyHeadIssuesZeroLengthHeadOpLast() {
        RxPlan plan = RxPacker.of(PackingPolicy.PER_FRAG).plan(EXAMPLES.get(6));
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(0, 0, 2, 0, 300), new CopyOp(1, 512, 3, 0, 3000), new CopyOp(-1, 128, 0, 0, 0));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 0, Netif.RXF_MORE_DATA | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1220, GsoType.TCPV6),
                        new DataResponse(2, 0, 300, Netif.RXF_MORE_DATA),
                        new DataResponse(3, 0, 3000, 0));
    }

    @Test
    void coalesceExamplesHaveNoFindingsAndExactEstimates() {
        RxPacker packer = RxPacker.of(PackingPolicy.COALESCE);
        for (Skb skb : EXAMPLES) {
            RxPlan plan = packer.plan(skb);
            assertThat(PlanChecker.check(skb, plan)).as(skb.toString()).isEmpty();
            assertThat(plan.estimate()).isEqualTo(plan.slotCount());
            assertThat(packer.estimateSlots(skb)).isEqualTo(plan.estimate());
        }
    }

    @Test
    void perFragReportsOnlyTheEmptyFirstBufferOfPacket6() {
        RxPacker packer = RxPacker.of(PackingPolicy.PER_FRAG);
        for (int i = 0; i < EXAMPLES.size(); i++) {
            Skb skb = EXAMPLES.get(i);
            List<Finding> findings = PlanChecker.check(skb, packer.plan(skb));
            if (i == 6) {
                assertThat(findings)
                        .containsExactly(new Finding(
                                Invariant.FIRST_SLOT_NONEMPTY,
                                "data slot 0 is empty (status 0) in a 3300-byte packet"));
                assertThat(findings.get(0).describe())
                        .isEqualTo("first-slot-nonempty: data slot 0 is empty (status 0) in a 3300-byte packet");
            } else {
                assertThat(findings).as("packet " + i).isEmpty();
            }
        }
    }
}
