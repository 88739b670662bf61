package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;

/**
 * Bytes allocated by the current thread, for the allocation tests: {@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, reached by reflection because the test
 * sources compile inside the library's module, which does not read {@code java.management} (the
 * tests themselves run on the class path).
 */
public final class AllocationMeter {
    private final Object mx;
    private final Method allocatedBytes;
    private final Object[] thisThread = {Thread.currentThread().getId()};

    private AllocationMeter() throws ReflectiveOperationException {
        mx = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> api = Class.forName("com.sun.management.ThreadMXBean");
        assertThat(api.getMethod("isThreadAllocatedMemorySupported").invoke(mx)).isEqualTo(Boolean.TRUE);
        api.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(mx, true);
        allocatedBytes = api.getMethod("getThreadAllocatedBytes", long.class);
        // warm the reflective call itself, past the JDK's reflection inflation (after 15 native calls of
        // a method, Method.invoke generates an accessor class, some 28 KB allocated by whichever call is
        // the 16th in the JVM: without this, by a measurement of some later test)
        for (int i = 0; i < 32; i++) {
            allocatedBytes.invoke(mx, thisThread);
        }
    }

    /**
     * A meter for the calling thread, with allocation accounting switched on.
     *
     * @return the meter
     * @throws ReflectiveOperationException if the JDK's management API cannot be reached
     */
    public static AllocationMeter forCurrentThread() throws ReflectiveOperationException {
        return new AllocationMeter();
    }

    /**
     * @return the bytes the thread has allocated so far
     * @throws ReflectiveOperationException if the call fails
     */
    public long bytes() throws ReflectiveOperationException {
        return (Long) allocatedBytes.invoke(mx, thisThread);
    }
}
