package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every packing policy guarantees; one subclass per policy adds its own rules. */
abstract class PackerContractTest {
    static final int SEEDS = 4;

    abstract PackingPolicy policy();

    /** The findings the policy is expected to produce for a valid packet. */
    abstract List<Invariant> expectedFindings(Skb skb);

    RxPacker packer() {
        return RxPacker.of(policy());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 0x5EEDL, 20100701L, -7L})
    void randomPacketsKeepTheContract(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RxPacker packer = packer();
        PlanBuffer buffer = new PlanBuffer();
        int n = (RandomPackets.count() + SEEDS - 1) / SEEDS;
        for (int i = 0; i < n; i++) {
            Skb skb = RandomPackets.next(r);
            packer.plan(skb, buffer);
            List<Finding> findings = PlanChecker.check(skb, buffer);
            assertThat(findings.stream().map(Finding::invariant).toList())
                    .as("seed %d packet %d: %s -> %s", seed, i, skb, findings)
                    .isEqualTo(expectedFindings(skb));
            RxPlan plan = buffer.toPlan();
            assertThat(PlanChecker.check(skb, plan)).isEqualTo(findings);
            assertThat(packer.estimateSlots(skb)).isEqualTo(plan.estimate());
            assertResponses(skb, plan);
            assertPolicySpecific(skb, plan);
            assertThat(RandomPackets.reassemble(plan, Netif.MAX_BUFFER_OFFSET))
                    .as("seed %d packet %d: %s", seed, i, skb)
                    .isEqualTo(RandomPackets.packetBytes(skb));
        }
    }

    /** Whether the policy refuses areas that cross a 4 KiB page (the 2010 and pre-2010 rules). */
    boolean refusesCrossings() {
        return policy() == PackingPolicy.COALESCE || policy() == PackingPolicy.PER_FRAG;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3L, 0xC0FFEEL, 20121008L})
    void randomPacketsCrossingPagesKeepTheContractOrAreRefused(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RxPacker packer = packer();
        PlanBuffer buffer = new PlanBuffer();
        int n = (RandomPackets.count() / 2 + SEEDS - 1) / SEEDS;
        for (int i = 0; i < n; i++) {
            Skb skb = RandomPackets.nextCrossing(r);
            boolean inPages = skb.headOffset() + skb.headLength() <= Netif.PAGE_SIZE;
            for (int k = 0; k < skb.fragCount(); k++) {
                inPages &= skb.fragOffset(k) + skb.fragLength(k) <= Netif.PAGE_SIZE;
            }
            if (refusesCrossings() && !inPages) {
                assertThatThrownBy(() -> packer.plan(skb, buffer))
                        .as("%s", skb)
                        .isInstanceOf(PolicyViolationException.class);
                continue;
            }
            packer.plan(skb, buffer);
            List<Finding> findings = PlanChecker.check(skb, buffer);
            assertThat(findings.stream().map(Finding::invariant).toList())
                    .as("seed %d packet %d: %s -> %s", seed, i, skb, findings)
                    .isEqualTo(expectedFindings(skb));
            RxPlan plan = buffer.toPlan();
            assertThat(packer.estimateSlots(skb)).isEqualTo(plan.estimate());
            assertPolicySpecific(skb, plan);
            assertThat(RandomPackets.reassemble(plan, Netif.MAX_BUFFER_OFFSET))
                    .as("seed %d packet %d: %s", seed, i, skb)
                    .isEqualTo(RandomPackets.packetBytes(skb));
        }
    }

    /** Extra per-policy assertions on one plan. */
    abstract void assertPolicySpecific(Skb skb, RxPlan plan);

    static void assertResponses(Skb skb, RxPlan plan) {
        assertThat(plan.packetLength()).isEqualTo(skb.length());
        List<SlotResponse> slots = plan.slots();
        for (int s = 0; s < slots.size(); s++) {
            assertThat(slots.get(s).slot()).isEqualTo(s);
            if (slots.get(s) instanceof DataResponse d) {
                assertThat(d.offset()).isZero();
            }
        }
        DataResponse first = (DataResponse) slots.get(0);
        int csum = Netif.RXF_DATA_VALIDATED | Netif.RXF_CSUM_BLANK;
        assertThat(first.flags() & csum).isEqualTo(skb.checksum().rxFlags());
        assertThat((first.flags() & Netif.RXF_EXTRA_INFO) != 0).isEqualTo(skb.hasGso());
        for (int s = 1; s < slots.size(); s++) {
            SlotResponse r = slots.get(s);
            if (s == 1 && skb.hasGso()) {
                assertThat(r).isEqualTo(new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), skb.gsoType()));
            } else {
                assertThat(r).isInstanceOf(DataResponse.class);
                assertThat(((DataResponse) r).flags() & ~Netif.RXF_MORE_DATA).isZero();
            }
        }
    }

    @Test
    void planBufferReuseMatchesFreshBuffer() {
        Skb.Builder big = Skb.builder().head(10, 4000).gso(1448, GsoType.TCPV6);
        for (int i = 0; i < 18; i++) {
            big.frag(i * 7, 4096 - i * 7);
        }
        Skb small = Skb.builder().head(0, 54).frag(0, 100).build();
        RxPacker packer = packer();
        PlanBuffer reused = new PlanBuffer();
        packer.plan(big.build(), reused);
        assertThat(reused.slotCount()).isGreaterThan(8);
        packer.plan(small, reused);
        PlanBuffer fresh = new PlanBuffer();
        packer.plan(small, fresh);
        assertThat(reused.toPlan()).isEqualTo(fresh.toPlan()).isEqualTo(packer.plan(small));
        assertThat(reused.opCount()).isEqualTo(fresh.opCount());
        assertThat(reused.slotCount()).isEqualTo(fresh.slotCount());
    }

    @Test
    void planBufferAccessorsAgreeWithSnapshot() {
        Skb skb = Skb.builder()
                .head(2, 66)
                .frag(0, 4096)
                .frag(100, 10)
                .gso(1448, GsoType.TCPV4)
                .build();
        PlanBuffer b = new PlanBuffer();
        packer().plan(skb, b);
        RxPlan plan = b.toPlan();
        assertThat(b.packetLength()).isEqualTo(plan.packetLength());
        assertThat(b.estimate()).isEqualTo(plan.estimate());
        assertThat(b.maxBufferOffset()).isEqualTo(4096);
        for (int i = 0; i < b.opCount(); i++) {
            CopyOp op = plan.ops().get(i);
            assertThat(new CopyOp(b.opSource(i), b.opSourceOffset(i), b.opSlot(i), b.opDestOffset(i), b.opLength(i)))
                    .isEqualTo(op);
        }
        assertThat(b.slotIsExtra(1)).isTrue();
        assertThat(b.slotStatus(1)).isEqualTo(Netif.RSP_NULL);
        assertThat(b.slotExtraType(1)).isEqualTo(Netif.EXTRA_TYPE_GSO);
        assertThat(b.slotGsoSize(1)).isEqualTo(1448);
        assertThat(b.slotGsoType(1)).isEqualTo(GsoType.TCPV4);
        assertThat(b.slotIsExtra(0)).isFalse();
        assertThat(b.slotOffset(0)).isZero();
        assertThat(b.slotGsoType(0)).isNull();
        assertThatThrownBy(() -> b.opLength(b.opCount())).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.slotFlags(b.slotCount())).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void refusesAreasCrossingAPage() {
        if (!refusesCrossings()) {
            Skb skb = Skb.builder().head(4000, 200).frag(8192, 10).build();
            assertThat(packer().plan(skb).packetLength()).isEqualTo(210);
            assertThat(packer().estimateSlots(skb)).isPositive();
            return;
        }
        String why = policy() == PackingPolicy.COALESCE
                ? " (the 2010 rule would BUG())"
                : " (the pre-2010 rule copies each area with one grant copy within one page)";
        RxPacker packer = packer();
        assertThatThrownBy(() -> packer.plan(Skb.builder().head(4000, 200).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head crosses a 4096-byte page: offset 4000 + length 200 > 4096" + why);
        assertThatThrownBy(() -> packer.plan(
                        Skb.builder().head(0, 10).frag(0, 1).frag(4000, 200).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("frag1 crosses a 4096-byte page: offset 4000 + length 200 > 4096" + why);
        assertThatThrownBy(
                        () -> packer.plan(Skb.builder().head(4096, 0).frag(0, 1).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head starts beyond its first 4096-byte page: offset 4096 >= 4096" + why);
        assertThatThrownBy(
                        () -> packer.estimateSlots(Skb.builder().frag(8192, 10).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("frag0 starts beyond its first 4096-byte page: offset 8192 >= 4096" + why);
        assertThatThrownBy(() -> packer.plan(Skb.builder().head(0, 4097).build()))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessage("head crosses a 4096-byte page: offset 0 + length 4097 > 4096" + why);
    }

    @Test
    void acceptsAreasEndingExactlyAtThePageEnd() {
        Skb skb = Skb.builder().head(4095, 1).frag(0, 4096).frag(4095, 1).build();
        assertThat(PlanChecker.check(skb, packer().plan(skb))).isEmpty();
    }

    @Test
    void refusedPacketLeavesBufferUnchanged() {
        RxPacker packer = packer();
        Skb good = Skb.builder().head(0, 54).frag(0, 100).build();
        PlanBuffer b = new PlanBuffer();
        packer.plan(good, b);
        RxPlan before = b.toPlan();
        Skb bad = refusesCrossings()
                ? Skb.builder().head(4000, 200).build()
                : Skb.builder().head(0, 10).build();
        if (refusesCrossings()) {
            assertThatThrownBy(() -> packer.plan(bad, b)).isInstanceOf(PolicyViolationException.class);
            assertThat(b.toPlan()).isEqualTo(before);
        } else {
            packer.plan(bad, b);
            assertThat(b.toPlan()).isNotEqualTo(before);
        }
    }

    @Test
    void nullArgumentsRefused() {
        assertThatThrownBy(() -> packer().plan(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> packer().plan(Skb.builder().head(0, 1).build(), null))
                .isInstanceOf(NullPointerException.class);
    }
}
