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

class CoalesceCompoundPackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.COALESCE_COMPOUND;
    }

    @Override
    List<Invariant> expectedFindings(Skb skb) {
        return List.of();
    }

    @Override
    void assertPolicySpecific(Skb skb, RxPlan plan) {
        assertThat(plan.estimate()).as("the exact dry run: %s", skb).isEqualTo(plan.slotCount());
        for (CopyOp op : plan.ops()) {
            assertThat(op.length()).isPositive();
            assertThat(op.sourceOffset() % Netif.PAGE_SIZE + op.length()).isLessThanOrEqualTo(Netif.PAGE_SIZE);
        }
    }

    private static final int[] MAXES = {4096, 4096, 2048, 1000, 100};

    /** On packets whose areas lie within pages the compound walk is the 2010 walk, byte for byte. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11L, 0xBEEFL, 37L})
    void equalsCoalesceOnPacketsWithinPages(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        PlanBuffer a = new PlanBuffer();
        PlanBuffer b = new PlanBuffer();
        int n = (RandomPackets.count() / 2 + SEEDS - 1) / SEEDS;
        for (int i = 0; i < n; i++) {
            Skb skb = Workload.packet(WorkloadMix.EDGES, r);
            int max = MAXES[r.nextInt(MAXES.length)];
            int prefix = r.nextInt(3) == 0 ? FrontendFeatures.bit(GsoType.TCPV6) : 0;
            FrontendFeatures f = new FrontendFeatures(FrontendFeatures.ALL_GSO & ~prefix, prefix, r.nextBoolean());
            RxPacker coalesce = RxPacker.builder(PackingPolicy.COALESCE)
                    .maxBufferOffset(max)
                    .features(f)
                    .build();
            RxPacker compound = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                    .maxBufferOffset(max)
                    .features(f)
                    .build();
            compound.plan(skb, b);
            assertThat(PlanChecker.check(skb, b)).as("%s max %d", skb, max).isEmpty();
            if (skb.headOffset() + skb.headLength() > max) {
                assertThatThrownBy(() -> coalesce.plan(skb, a))
                        .isInstanceOf(PolicyViolationException.class)
                        .hasMessageContaining("count_skb_slots would BUG()");
                continue;
            }
            coalesce.plan(skb, a);
            assertThat(b.toPlan()).as("%s max %d %s", skb, max, f).isEqualTo(a.toPlan());
        }
    }

    @Test
    void smallerBuffersPutTheGsoGapAfterTheFirstChunk() {
        RxPacker packer = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                .maxBufferOffset(2048)
                .build();
        Skb skb = Skb.builder()
                .head(0, 3000)
                .frag(0, 4096)
                .frag(0, 100)
                .gso(1000, GsoType.TCPV4)
                .build();
        PlanBuffer b = new PlanBuffer();
        packer.plan(skb, b);
        // 3.x reserves the GSO gap right after the head's first chunk: buffer 1 is ring slot 2
        assertThat(PlanPrinter.format(0, skb, b.toPlan())).isEqualTo("""
                        packet 0 len=7196 estimate=5 slots=5
                        copy head 0 0 0 2048
                        copy head 2048 2 0 952
                        copy frag0 0 2 952 1096
                        copy frag0 1096 3 0 2048
                        copy frag0 3144 4 0 952
                        copy frag1 0 4 952 100
                        rsp 0 0 2048 more_data,extra_info
                        extra 1 gso 1000 tcpv4
                        rsp 2 0 2048 more_data
                        rsp 3 0 2048 more_data
                        rsp 4 0 1052 -
                        """);
        assertThat(PlanChecker.check(skb, b)).isEmpty();
        assertThat(PlanChecker.check(skb, b.toPlan(), 2000))
                .extracting(Finding::invariant)
                .containsOnly(Invariant.DEST_WITHIN_SLOT);
        assertThat(RandomPackets.reassemble(b.toPlan(), 2048)).isEqualTo(RandomPackets.packetBytes(skb));
    }

    @ParameterizedTest(name = "maxBufferOffset {0}")
    @ValueSource(ints = {2048, 1000, 100})
    void smallerBuffersKeepEveryInvariantOnPagesCrossingPackets(int max) {
        RxPacker packer = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                .maxBufferOffset(max)
                .build();
        SplittableRandom r = new SplittableRandom(max);
        PlanBuffer b = new PlanBuffer();
        for (int i = 0; i < 1000; i++) {
            Skb skb = Workload.packet(WorkloadMix.CROSSING, r);
            packer.plan(skb, b);
            assertThat(PlanChecker.check(skb, b)).as(skb.toString()).isEmpty();
            assertThat(b.estimate()).isEqualTo(b.slotCount());
            assertThat(RandomPackets.reassemble(b.toPlan(), max)).isEqualTo(RandomPackets.packetBytes(skb));
        }
    }

    @Test
    void compoundFragmentIsCutAtFrameEnds() {
        // head 100, then an 8192-byte fragment from the middle of a compound page (worked by hand)
        RxPlan plan = packer().plan(Skb.builder().head(0, 100).frag(2048, 8192).build());
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 0, 0, 0, 100),
                        new CopyOp(0, 2048, 0, 100, 2048),
                        new CopyOp(0, 4096, 1, 0, 4096),
                        new CopyOp(0, 8192, 2, 0, 2048));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 2148, Netif.RXF_MORE_DATA),
                        new DataResponse(1, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(2, 0, 2048, 0));
        assertThat(plan.estimate()).isEqualTo(3);
    }

    @Test
    void headCrossingAPageMayFillTheFirstBufferAcrossFrames() {
        // head=4000+200: two chunks (96 + 104), both in buffer 0 since the head never moves on
        RxPlan plan = packer().plan(Skb.builder().head(4000, 200).build());
        assertThat(plan.ops()).containsExactly(new CopyOp(-1, 4000, 0, 0, 96), new CopyOp(-1, 4096, 0, 96, 104));
        assertThat(plan.slots()).containsExactly(new DataResponse(0, 0, 200, 0));
    }
}
