package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.trace.PlanPrinter;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
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

    /**
     * The 2010 driver's assertions, written out independently of the packer: {@code
     * count_skb_slots}' {@code BUG_ON(offset_in_page(skb->data) + skb_headlen(skb) >
     * MAX_BUFFER_OFFSET)} and {@code netbk_gop_frag_copy}'s {@code BUG_ON(size + offset >
     * PAGE_SIZE)} on each fragment's {@code page_offset}.
     */
    @Override
    String expectedRefusal(Skb skb) {
        int offset = skb.headOffset();
        int inPage = offset % 4096;
        if (inPage + skb.headLength() > 4096) {
            String at = offset == inPage ? "offset " + offset : "offset " + offset + " (" + inPage + " in its page)";
            return "head crosses a 4096-byte page: " + at + " + length " + skb.headLength()
                    + " > 4096 (the 2010 rule would BUG())";
        }
        for (int k = 0; k < skb.fragCount(); k++) {
            int o = skb.fragOffset(k);
            if (o >= 4096) {
                return "frag" + k + " starts beyond its first 4096-byte page: offset " + o
                        + " >= 4096 (the 2010 rule would BUG())";
            }
            if (o + skb.fragLength(k) > 4096) {
                return "frag" + k + " crosses a 4096-byte page: offset " + o + " + length " + skb.fragLength(k)
                        + " > 4096 (the 2010 rule would BUG())";
            }
        }
        return null;
    }

    @Test
    void refusesOnlyWhatTheDriverBugsOn() {
        RxPacker packer = packer();
        String bug = " (the 2010 rule would BUG())";
        assertThatThrownBy(() -> packer.plan(Skb.builder().head(4000, 200).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head crosses a 4096-byte page: offset 4000 + length 200 > 4096" + bug);
        assertThatThrownBy(() -> packer.plan(Skb.builder().head(8000, 200).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head crosses a 4096-byte page: offset 8000 (3904 in its page) + length 200 > 4096" + bug);
        assertThatThrownBy(() -> packer.plan(
                        Skb.builder().head(0, 10).frag(0, 1).frag(4000, 200).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("frag1 crosses a 4096-byte page: offset 4000 + length 200 > 4096" + bug);
        assertThatThrownBy(
                        () -> packer.estimateSlots(Skb.builder().frag(8192, 10).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("frag0 starts beyond its first 4096-byte page: offset 8192 >= 4096" + bug);
        assertThatThrownBy(() -> packer.plan(Skb.builder().head(0, 4097).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head crosses a 4096-byte page: offset 0 + length 4097 > 4096" + bug);
        // offset_in_page(skb->data): a head starting in the next page of its compound page is no BUG
        assertThat(packer.plan(Skb.builder().head(4096, 1).build()))
                .isEqualTo(new RxPlan(
                        1, 1, List.of(new CopyOp(-1, 4096, 0, 0, 1)), List.of(new DataResponse(0, 0, 1, 0))));
        assertThat(packer.plan(Skb.builder().head(4096, 0).frag(0, 1).build()).ops())
                .containsExactly(new CopyOp(0, 0, 0, 0, 1));
        assertThat(packer.plan(Skb.builder().head(5000, 100).frag(0, 200).build())
                        .ops())
                .containsExactly(new CopyOp(-1, 5000, 0, 0, 100), new CopyOp(0, 0, 0, 100, 200));
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
        assertThat(PlanPrinter.format(0, skb, b.toPlan())).isEqualTo("""
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
            Skb skb = Workload.packet(WorkloadMix.EDGES, r);
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
