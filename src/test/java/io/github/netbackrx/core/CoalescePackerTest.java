package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoalescePackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.COALESCE;
    }

    @Override
    List<Invariant> expectedFindings(Skb skb) {
        return List.of();
    }

    @Override
    void assertPolicySpecific(Skb skb, RxPlan plan) {
        assertThat(plan.estimate()).as("count_skb_slots == slots used: %s", skb).isEqualTo(plan.slotCount());
        for (CopyOp op : plan.ops()) {
            assertThat(op.length()).as("the 2010 rule issues no empty op").isPositive();
        }
    }

    @Test
    void emptyHeadPutsFirstFragmentInSlot0() {
        Skb skb = Skb.builder().head(100, 0).frag(10, 50).build();
        RxPlan plan = packer().plan(skb);
        assertThat(plan.ops()).containsExactly(new CopyOp(0, 10, 0, 0, 50));
        assertThat(plan.slots()).containsExactly(new DataResponse(0, 0, 50, 0));
    }

    @Test
    void fullHeadBufferThenFragmentStartsNewBuffer() {
        Skb skb = Skb.builder().head(0, 4096).frag(0, 1).build();
        RxPlan plan = packer().plan(skb);
        assertThat(plan.ops()).containsExactly(new CopyOp(-1, 0, 0, 0, 4096), new CopyOp(0, 0, 1, 0, 1));
        assertThat(plan.estimate()).isEqualTo(2);
    }

    @Test
    void headBufferNeverLeftForASecondBufferButFragmentsAreSplitOnlyWhenTooBig() {
        // a head of 1 byte, then a 4096-byte fragment: (i) holds, so the fragment gets its own buffer
        RxPlan whole = packer().plan(Skb.builder().head(0, 1).frag(0, 4096).build());
        assertThat(whole.ops()).containsExactly(new CopyOp(-1, 0, 0, 0, 1), new CopyOp(0, 0, 1, 0, 4096));
        // an empty head then two fragments: the second overflows, fits a buffer, and the first buffer holds data
        RxPlan split = packer().plan(Skb.builder().frag(0, 3000).frag(0, 2000).build());
        assertThat(split.ops()).containsExactly(new CopyOp(0, 0, 0, 0, 3000), new CopyOp(1, 0, 1, 0, 2000));
    }

    @Test
    void smallerBuffersRefuseAHeadEndingBeyondTheFirstBufferAsCountSkbSlotsAsserts() {
        RxPacker packer =
                RxPacker.builder(PackingPolicy.COALESCE).maxBufferOffset(2048).build();
        assertThat(packer.maxBufferOffset()).isEqualTo(2048);
        Skb skb = Skb.builder()
                .head(100, 2000)
                .frag(0, 100)
                .gso(1000, GsoType.TCPV4)
                .build();
        assertThatThrownBy(() -> packer.plan(skb))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head ends beyond MAX_BUFFER_OFFSET: offset 100 + length 2000 > 2048 (count_skb_slots"
                        + " would BUG(): the 2010 rule keeps the head in the first buffer)");
        assertThatThrownBy(() -> packer.estimateSlots(skb)).isInstanceOf(PolicyViolationException.class);
    }

    @Test
    void smallerBuffersSplitFragmentsAndFollowTheEstimate() {
        RxPacker packer =
                RxPacker.builder(PackingPolicy.COALESCE).maxBufferOffset(2048).build();
        Skb skb = Skb.builder()
                .head(0, 1500)
                .frag(0, 4096)
                .frag(0, 100)
                .gso(1000, GsoType.TCPV4)
                .build();
        PlanBuffer b = new PlanBuffer();
        packer.plan(skb, b);
        assertThat(PlanText.render(0, b.toPlan())).isEqualTo("""
                        packet 0 len=5696 estimate=4 slots=4
                        copy head 0 0 0 1500
                        copy frag0 0 0 1500 548
                        copy frag0 548 2 0 2048
                        copy frag0 2596 3 0 1500
                        copy frag1 0 3 1500 100
                        rsp 0 0 2048 more_data,extra_info
                        extra 1 gso 1000 tcpv4
                        rsp 2 0 2048 more_data
                        rsp 3 0 1600 -
                        """);
        assertThat(PlanChecker.check(skb, b)).isEmpty();
        assertThat(PlanChecker.check(skb, b.toPlan(), 2000))
                .containsExactly(
                        new Finding(
                                Invariant.DEST_WITHIN_SLOT,
                                "op 1 (frag0) writes slot 0 at offset 1500 + length 548 > buffer size 2000"),
                        new Finding(
                                Invariant.DEST_WITHIN_SLOT,
                                "op 2 (frag0) writes slot 2 at offset 0 + length 2048 > buffer size 2000"));
    }

    @ParameterizedTest(name = "maxBufferOffset {0}")
    @ValueSource(ints = {2048, 1000, 100})
    void smallerBuffersKeepEveryInvariant(int max) {
        RxPacker packer =
                RxPacker.builder(PackingPolicy.COALESCE).maxBufferOffset(max).build();
        SplittableRandom r = new SplittableRandom(max);
        PlanBuffer b = new PlanBuffer();
        int planned = 0;
        for (int i = 0; i < 2000; i++) {
            Skb skb = RandomPackets.next(r);
            if (skb.headOffset() + skb.headLength() > max) {
                assertThatThrownBy(() -> packer.plan(skb, b)).isInstanceOf(PolicyViolationException.class);
                continue;
            }
            planned++;
            packer.plan(skb, b);
            assertThat(PlanChecker.check(skb, b)).as(skb.toString()).isEmpty();
            assertThat(b.estimate()).isEqualTo(b.slotCount());
            assertThat(RandomPackets.reassemble(b.toPlan(), max)).isEqualTo(RandomPackets.packetBytes(skb));
        }
        assertThat(planned).isGreaterThan(100);
    }
}
