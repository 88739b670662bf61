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
 * How planning cost grows with the size of a linear packet: one head of {@code headLength} bytes at
 * offset 64, no fragment. The plan names bytes, it does not copy them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PlanSizeBenchmark {
    /** The packing policy. */
    @Param
    public PackingPolicy policy;

    /** Head length in bytes (at offset 64, so at most 4032). */
    @Param({"60", "512", "1514", "4032"})
    public int headLength;

    private RxPacker packer;
    private PlanBuffer buffer;
    private Skb skb;

    /** Builds the packet and warms the buffer. */
    @Setup
    public void setUp() {
        packer = RxPacker.of(policy);
        buffer = new PlanBuffer();
        skb = Skb.builder().head(64, headLength).build();
        packer.plan(skb, buffer);
    }

    /** @return ops of the plan */
    @Benchmark
    public int head() {
        packer.plan(skb, buffer);
        return buffer.opCount();
    }
}
