package io.github.netbackrx.bench;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How planning cost grows with the number of fragments: a 54-byte head plus {@code nrFrags}
 * fragments of 1448 bytes at offset 128, GSO 1448 (see {@link PlanSizeBenchmark} for linear packets
 * of growing size).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PlanGrowthBenchmark {
    /** The packing policy. */
    @Param
    public PackingPolicy policy;

    /** Fragments of the {@code frags} packet ({@code MAX_SKB_FRAGS} is 18 with 4 KiB pages). */
    @Param({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18"})
    public int nrFrags;

    private RxPacker packer;
    private PlanBuffer buffer;
    private Skb frags;

    /** Builds the packet and warms the buffer. */
    @Setup
    public void setUp() {
        packer = RxPacker.of(policy);
        buffer = new PlanBuffer();
        frags = Packets.withFrags(nrFrags);
        packer.plan(frags, buffer);
    }

    /** @return ops of the plan */
    @Benchmark
    public int frags() {
        packer.plan(frags, buffer);
        return buffer.opCount();
    }
}
