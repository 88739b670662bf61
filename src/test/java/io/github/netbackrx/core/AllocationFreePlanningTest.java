package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code RxPacker.plan(Skb, PlanBuffer)} allocates nothing once the buffer has grown.
 *
 * <p>Measured with {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, reached by
 * reflection: the test sources compile inside the library's module, which does not read {@code
 * java.management} (the tests themselves run on the class path).
 */
class AllocationFreePlanningTest {
    private static final int PLANS = 100_000;

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void planningIntoAWarmBufferDoesNotAllocate(PackingPolicy policy) throws ReflectiveOperationException {
        Object mx = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> api = Class.forName("com.sun.management.ThreadMXBean");
        assertThat(api.getMethod("isThreadAllocatedMemorySupported").invoke(mx)).isEqualTo(Boolean.TRUE);
        api.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(mx, true);
        Method allocatedBytes = api.getMethod("getThreadAllocatedBytes", long.class);
        Object[] thisThread = {Thread.currentThread().getId()};
        allocatedBytes.invoke(mx, thisThread); // warm the reflective call itself

        SplittableRandom r = new SplittableRandom(42);
        Skb[] packets = new Skb[1024];
        for (int i = 0; i < packets.length; i++) {
            // the policies without a page rule also get packets crossing pages, with hashes
            packets[i] = (i & 1) == 1 && policy != PackingPolicy.COALESCE && policy != PackingPolicy.PER_FRAG
                    ? RandomPackets.nextCrossing(r)
                    : RandomPackets.next(r);
        }
        RxPacker packer = RxPacker.of(policy);
        PlanBuffer buffer = new PlanBuffer();
        long sink = 0;
        for (int i = 0; i < PLANS; i++) { // warm-up: grows the buffer, lets the JIT compile the path
            packer.plan(packets[i & (packets.length - 1)], buffer);
            sink += buffer.slotCount();
        }
        long before = (Long) allocatedBytes.invoke(mx, thisThread);
        for (int i = 0; i < PLANS; i++) {
            packer.plan(packets[i & (packets.length - 1)], buffer);
            sink += buffer.slotCount() + buffer.opCount();
        }
        long allocated = (Long) allocatedBytes.invoke(mx, thisThread) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by %d plans", PLANS).isLessThan(1024);

        // the meter works: the convenience path, which builds an RxPlan, does allocate
        long start = (Long) allocatedBytes.invoke(mx, thisThread);
        RxPlan snapshot = packer.plan(packets[0]);
        assertThat((Long) allocatedBytes.invoke(mx, thisThread) - start).isGreaterThan(64);
        assertThat(snapshot.packetLength()).isEqualTo(packets[0].length());
    }
}
