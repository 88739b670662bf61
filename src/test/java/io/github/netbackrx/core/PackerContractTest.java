package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
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
            Skb skb = Workload.packet(WorkloadMix.EDGES, r);
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
                    .isEqualTo(expectedBytes(skb));
        }
    }

    /** The bytes the guest reads back: the packet's, unless the policy truncates it. */
    byte[] expectedBytes(Skb skb) {
        return RandomPackets.packetBytes(skb);
    }

    /** The checksum flags of the first data response ({@code NETRXF_csum_blank|data_validated}). */
    int expectedChecksumFlags(Skb skb) {
        return skb.checksum().rxFlags();
    }

    /**
     * The message the policy refuses a valid packet with, or {@code null} when it plans it: only
     * {@code coalesce} refuses, where the 2010 driver would {@code BUG()}.
     */
    String expectedRefusal(Skb skb) {
        return null;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3L, 0xC0FFEEL, 20121008L})
    void randomPacketsCrossingPagesKeepTheContractOrAreRefused(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        RxPacker packer = packer();
        PlanBuffer buffer = new PlanBuffer();
        int n = (RandomPackets.count() / 2 + SEEDS - 1) / SEEDS;
        int refused = 0;
        for (int i = 0; i < n; i++) {
            Skb skb = Workload.packet(WorkloadMix.CROSSING, r);
            String refusal = expectedRefusal(skb);
            if (refusal != null) {
                assertThatThrownBy(() -> packer.plan(skb, buffer))
                        .as("%s", skb)
                        .isInstanceOf(PolicyViolationException.class)
                        .hasMessage(refusal);
                refused++;
                continue;
            }
            packer.plan(skb, buffer);
            List<Finding> findings = PlanChecker.check(skb, buffer);
            List<Invariant> found = findings.stream().map(Finding::invariant).toList();
            assertThat(found)
                    .as("seed %d packet %d: %s -> %s", seed, i, skb, findings)
                    .isEqualTo(expectedFindings(skb));
            RxPlan plan = buffer.toPlan();
            assertThat(packer.estimateSlots(skb)).isEqualTo(plan.estimate());
            assertPolicySpecific(skb, plan);
            if (!found.contains(Invariant.DEST_WITHIN_SLOT)) {
                assertThat(RandomPackets.reassemble(plan, Netif.MAX_BUFFER_OFFSET))
                        .as("seed %d packet %d: %s", seed, i, skb)
                        .isEqualTo(expectedBytes(skb));
            }
        }
        assertThat(refused > 0).isEqualTo(policy() == PackingPolicy.COALESCE);
    }

    /** Areas that cross their page or start in a later page of a compound page. */
    static List<Skb> crossingExamples() {
        return List.of(
                Skb.builder().head(4000, 200).build(),
                Skb.builder().head(0, 10).frag(0, 1).frag(4000, 200).build(),
                Skb.builder().head(4096, 0).frag(0, 1).build(),
                Skb.builder().frag(8192, 10).build(),
                Skb.builder().head(0, 4097).build(),
                Skb.builder().head(4096, 1).build(),
                Skb.builder().head(8000, 200).frag(0, 100).build(),
                Skb.builder().head(5000, 100).frag(0, 200).build());
    }

    @Test
    void areasCrossingAPageArePlannedOrRefusedAsTheDriverDid() {
        RxPacker packer = packer();
        int refused = 0;
        for (Skb skb : crossingExamples()) {
            String refusal = expectedRefusal(skb);
            if (refusal != null) {
                assertThatThrownBy(() -> packer.plan(skb)).as("%s", skb).hasMessage(refusal);
                assertThatThrownBy(() -> packer.estimateSlots(skb))
                        .as("%s", skb)
                        .hasMessage(refusal);
                refused++;
                continue;
            }
            PlanBuffer b = new PlanBuffer();
            packer.plan(skb, b);
            List<Invariant> found =
                    PlanChecker.check(skb, b).stream().map(Finding::invariant).toList();
            assertThat(found).as("%s", skb).isEqualTo(expectedFindings(skb));
            if (!found.contains(Invariant.DEST_WITHIN_SLOT)) {
                assertThat(RandomPackets.reassemble(b.toPlan(), Netif.MAX_BUFFER_OFFSET))
                        .as("%s", skb)
                        .isEqualTo(expectedBytes(skb));
            }
            assertThat(packer.estimateSlots(skb)).isEqualTo(b.estimate());
        }
        assertThat(refused).isEqualTo(policy() == PackingPolicy.COALESCE ? 5 : 0);
    }

    /** Extra per-policy assertions on one plan. */
    abstract void assertPolicySpecific(Skb skb, RxPlan plan);

    void assertResponses(Skb skb, RxPlan plan) {
        assertThat(plan.packetLength()).isEqualTo(skb.length());
        List<SlotResponse> slots = plan.slots();
        if (slots.isEmpty()) {
            assertThat(expectedBytes(skb)).as("no slot for %s", skb).isEmpty();
            return;
        }
        for (int s = 0; s < slots.size(); s++) {
            assertThat(slots.get(s).slot()).isEqualTo(s);
            if (slots.get(s) instanceof DataResponse d) {
                assertThat(d.offset()).isZero();
            }
        }
        DataResponse first = (DataResponse) slots.get(0);
        int csum = Netif.RXF_DATA_VALIDATED | Netif.RXF_CSUM_BLANK;
        assertThat(first.flags() & csum).isEqualTo(expectedChecksumFlags(skb));
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
        for (int i = 0; i < 15; i++) { // 64705 bytes: within FreeBSD's 16-bit size
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
        Skb bad = Skb.builder().head(4000, 200).build();
        if (expectedRefusal(bad) != null) {
            assertThatThrownBy(() -> packer.plan(bad, b)).isInstanceOf(PolicyViolationException.class);
            assertThat(b.toPlan()).isEqualTo(before);
        } else {
            packer.plan(bad, b);
            assertThat(b.toPlan()).isNotEqualTo(before).isEqualTo(packer.plan(bad));
        }
    }

    @Test
    void nullArgumentsRefused() {
        assertThatThrownBy(() -> packer().plan(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> packer().plan(Skb.builder().head(0, 1).build(), null))
                .isInstanceOf(NullPointerException.class);
    }
}
