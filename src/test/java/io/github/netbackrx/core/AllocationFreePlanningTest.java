package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code RxPacker.plan(Skb, PlanBuffer)} followed by the plan's estimate ({@link
 * PlanBuffer#estimate()}, computed on first read) allocates nothing once the buffer has grown, under
 * every policy and every walk a policy has (the general walk for other buffer sizes and the GSO
 * prefix, FreeBSD's 16-bit wrap), and so does every estimator; measured with {@link
 * AllocationMeter}.
 */
class AllocationFreePlanningTest {
    private static final int PLANS = 100_000;

    /** Per policy: the default packer and the configurations that take the other walks. */
    static Stream<Arguments> packers() {
        List<Arguments> out = new ArrayList<>();
        FrontendFeatures d = FrontendFeatures.DEFAULT;
        for (PackingPolicy p : PackingPolicy.values()) {
            out.add(Arguments.of(RxPacker.of(p)));
            out.add(Arguments.of(RxPacker.builder(p)
                    .faithful(true)
                    .features(d.withGsoMask(0).withHash(false))
                    .build()));
            if (p.coalesceFamily()) {
                out.add(Arguments.of(RxPacker.builder(p)
                        .features(d.withGsoMask(0).withGsoPrefixMask(FrontendFeatures.ALL_GSO))
                        .build()));
                out.add(Arguments.of(RxPacker.builder(p).maxBufferOffset(2048).build()));
            }
        }
        return out.stream();
    }

    /**
     * 1024 packets {@code packer} accepts; half of them cross pages, with hashes, where the packer
     * has no page rule.
     */
    private static Skb[] packets(RxPacker packer) {
        SplittableRandom r = new SplittableRandom(42);
        Skb[] packets = new Skb[1024];
        for (int i = 0; i < packets.length; ) {
            Skb skb = (i & 1) == 1 ? Workload.packet(WorkloadMix.CROSSING, r) : Workload.packet(WorkloadMix.EDGES, r);
            try {
                packer.estimateSlots(skb);
                packets[i++] = skb;
            } catch (PolicyViolationException refused) {
                // the next one
            }
        }
        return packets;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packers")
    void planningAndTheEstimateIntoAWarmBufferDoNotAllocate(RxPacker packer) throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        Skb[] packets = packets(packer);
        PlanBuffer buffer = new PlanBuffer();
        long sink = 0;
        for (int i = 0; i < PLANS; i++) { // warm-up: grows the buffer, lets the JIT compile the path
            packer.plan(packets[i & (packets.length - 1)], buffer);
            sink += buffer.slotCount() + buffer.estimate();
        }
        long before = meter.bytes();
        for (int i = 0; i < PLANS; i++) {
            packer.plan(packets[i & (packets.length - 1)], buffer);
            sink += buffer.slotCount() + buffer.opCount() + buffer.estimate();
        }
        long allocated = meter.bytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated)
                .as("bytes allocated by %d plans and estimates", PLANS)
                .isLessThan(1024);

        // the meter works: the convenience path, which builds an RxPlan, does allocate
        long start = meter.bytes();
        RxPlan snapshot = packer.plan(packets[0]);
        assertThat(meter.bytes() - start).isGreaterThan(64);
        assertThat(snapshot.packetLength()).isEqualTo(packets[0].length());
    }

    @ParameterizedTest
    @EnumSource(SlotEstimator.class)
    void everyEstimatorAllocatesNothing(SlotEstimator estimator) throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        Skb[] packets = packets(RxPacker.of(PackingPolicy.FULL_PAGE));
        long sink = 0;
        for (int round = 0; round < 3; round++) { // the first two rounds are the warm-up
            long before = meter.bytes();
            for (int i = 0; i < PLANS; i++) {
                Skb skb = packets[i & (packets.length - 1)];
                sink += estimator.estimate(skb, FrontendFeatures.DEFAULT, 4096)
                        + estimator.estimate(skb, FrontendFeatures.DEFAULT, 1000);
            }
            if (round == 2) {
                assertThat(meter.bytes() - before)
                        .as("bytes allocated by %d estimates", 2 * PLANS)
                        .isLessThan(1024);
            }
        }
        assertThat(sink).isPositive();
    }
}
