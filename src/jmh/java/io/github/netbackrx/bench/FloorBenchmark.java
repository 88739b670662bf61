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
 * A calibration, not a model benchmark, and the same-run baseline the planning figures are read
 * against: the bare stores of an 18-op plan in one buffer, in {@code PlanBuffer}'s layout (an op as
 * five {@code int}s at a stride of eight in one array, a slot as four), behind a capacity check,
 * with nothing of the model around it — no page rule, no {@code start_new_rx_buffer} test, no
 * flags. Read {@code PlanBenchmark.smallfrags} (18 ops, one slot) against {@code chunks18}: the
 * difference is what the model adds; and a ratio to {@code chunks18} measured in the same run
 * carries less of the machine's load than an absolute time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FloorBenchmark {
    private static final int OP_INTS = 8;
    private static final int SLOT_INTS = 4;

    private int[] ops = new int[32 * OP_INTS];
    private final int[] slots = new int[4 * SLOT_INTS];
    private final int[] areaOffset = new int[18];
    private final int[] areaLength = new int[18];

    /** The areas of {@code smallfrags}: a 54-byte head, then 17 fragments of 100 bytes. */
    @Setup
    public void setUp() {
        areaLength[0] = 54;
        for (int k = 1; k < 18; k++) {
            areaOffset[k] = 200 * (k - 1);
            areaLength[k] = 100;
        }
    }

    /** @return the bytes written to the slot */
    @Benchmark
    public int chunks18() {
        int[] o = ops;
        if (18 * OP_INTS > o.length) {
            throw new IllegalStateException("full");
        }
        int copyOff = 0;
        for (int k = 0; k < 18; k++) {
            int bytes = areaLength[k];
            int i = k * OP_INTS;
            o[i] = k - 1;
            o[i + 1] = areaOffset[k];
            o[i + 2] = 0;
            o[i + 3] = copyOff;
            o[i + 4] = bytes;
            copyOff += bytes;
        }
        slots[0] = 0;
        slots[1] = copyOff;
        slots[2] = 0;
        slots[3] = 0;
        return copyOff;
    }
}
