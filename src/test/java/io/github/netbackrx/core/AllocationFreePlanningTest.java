package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code RxPacker.plan(Skb, PlanBuffer)} allocates nothing once the buffer has grown, measured
 * with {@link AllocationMeter}.
 */
class AllocationFreePlanningTest {
    private static final int PLANS = 100_000;

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void planningIntoAWarmBufferDoesNotAllocate(PackingPolicy policy) throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();

        SplittableRandom r = new SplittableRandom(42);
        Skb[] packets = new Skb[1024];
        for (int i = 0; i < packets.length; i++) {
            // the policies without a page rule also get packets crossing pages, with hashes
            packets[i] = (i & 1) == 1 && policy != PackingPolicy.COALESCE && policy != PackingPolicy.PER_FRAG
                    ? Workload.packet(WorkloadMix.CROSSING, r)
                    : Workload.packet(WorkloadMix.EDGES, r);
        }
        RxPacker packer = RxPacker.of(policy);
        PlanBuffer buffer = new PlanBuffer();
        long sink = 0;
        for (int i = 0; i < PLANS; i++) { // warm-up: grows the buffer, lets the JIT compile the path
            packer.plan(packets[i & (packets.length - 1)], buffer);
            sink += buffer.slotCount();
        }
        long before = meter.bytes();
        for (int i = 0; i < PLANS; i++) {
            packer.plan(packets[i & (packets.length - 1)], buffer);
            sink += buffer.slotCount() + buffer.opCount();
        }
        long allocated = meter.bytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by %d plans", PLANS).isLessThan(1024);

        // the meter works: the convenience path, which builds an RxPlan, does allocate
        long start = meter.bytes();
        RxPlan snapshot = packer.plan(packets[0]);
        assertThat(meter.bytes() - start).isGreaterThan(64);
        assertThat(snapshot.packetLength()).isEqualTo(packets[0].length());
    }
}
