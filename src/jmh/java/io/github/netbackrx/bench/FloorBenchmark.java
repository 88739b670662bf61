package io.github.netbackrx.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A calibration, not a model benchmark: the bare memory work of a plan of {@code n} chunks into one
 * buffer, with nothing of the model around it — per chunk a capacity check, five {@code int} stores
 * into five arrays (an op of the struct-of-arrays {@code PlanBuffer}) and one read-modify-write of
 * a slot's status. Read {@code PlanBenchmark.smallfrags} (18 chunks) against {@code chunks18}: the
 * difference is what the model adds (page checks, the {@code count_skb_slots} walk, the {@code
 * start_new_rx_buffer} test, the response flags).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FloorBenchmark {
    private final int[] source = new int[32];
    private final int[] sourceOffset = new int[32];
    private final int[] slot = new int[32];
    private final int[] destOffset = new int[32];
    private final int[] length = new int[32];
    private final int[] status = new int[32];
    private final int[] areaOffset = new int[18];
    private final int[] areaLength = new int[18];
    private int count;

    /** The areas of {@code smallfrags}: a 54-byte head, then 17 fragments of 100 bytes. */
    @Setup
    public void setUp() {
        areaLength[0] = 54;
        for (int k = 1; k < 18; k++) {
            areaOffset[k] = 200 * (k - 1);
            areaLength[k] = 100;
        }
    }

    private void add(int src, int srcOffset, int s, int dst, int len) {
        if (count == source.length) {
            throw new IllegalStateException("full");
        }
        int i = count++;
        source[i] = src;
        sourceOffset[i] = srcOffset;
        slot[i] = s;
        destOffset[i] = dst;
        length[i] = len;
    }

    /** @return the ops written */
    @Benchmark
    public int chunks18() {
        count = 0;
        status[0] = 0;
        int copyOff = 0;
        for (int k = 0; k < 18; k++) {
            int bytes = areaLength[k];
            add(k - 1, areaOffset[k], 0, copyOff, bytes);
            status[0] += bytes;
            copyOff += bytes;
        }
        return count + status[0];
    }
}
