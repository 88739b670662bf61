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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planning one packet, {@link RxPacker#plan(Skb, PlanBuffer)} into a warm buffer: the three named
 * shapes, {@code gso65535} (the largest packet FreeBSD's 16-bit size holds) and a 1024-packet mixed
 * trace (reported per packet); the {@code *Estimate} benchmarks add
 * the packer's slot estimate ({@link PlanBuffer#estimate()}, computed on first read), the whole
 * cost of a plan a simulator checks. The policy parameter defaults to every {@link PackingPolicy};
 * pick some with {@code -p policy=COALESCE}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlanBenchmark {
    /** The packing policy (every constant of the enum unless {@code -p policy=...} names some). */
    @Param
    public PackingPolicy policy;

    private RxPacker packer;
    private PlanBuffer buffer;
    private Skb mtu;
    private Skb gso64k;
    private Skb smallfrags;
    private Skb gso65535;
    private Skb[] mixed;

    /** Builds the packets and warms the buffer to the largest of them. */
    @Setup
    public void setUp() {
        packer = RxPacker.of(policy);
        buffer = new PlanBuffer();
        mtu = Packets.mtu();
        gso64k = Packets.gso64k();
        smallfrags = Packets.smallfrags();
        gso65535 = Packets.gso65535();
        mixed = Packets.mixed(Packets.MIXED_SEED, Packets.MIXED_COUNT);
        for (Skb skb : mixed) {
            packer.plan(skb, buffer);
        }
        packer.plan(gso64k, buffer);
        packer.plan(smallfrags, buffer);
        packer.plan(gso65535, buffer);
    }

    /** @return ops of the plan (consumed by JMH) */
    @Benchmark
    public int mtu() {
        packer.plan(mtu, buffer);
        return buffer.opCount();
    }

    /** @return ops of the plan */
    @Benchmark
    public int gso64k() {
        packer.plan(gso64k, buffer);
        return buffer.opCount();
    }

    /** @return ops of the plan */
    @Benchmark
    public int smallfrags() {
        packer.plan(smallfrags, buffer);
        return buffer.opCount();
    }

    /** @return ops of the plan */
    @Benchmark
    public int gso65535() {
        packer.plan(gso65535, buffer);
        return buffer.opCount();
    }

    /** @return ops plus the estimate */
    @Benchmark
    public int mtuEstimate() {
        packer.plan(mtu, buffer);
        return buffer.opCount() + buffer.estimate();
    }

    /** @return ops plus the estimate */
    @Benchmark
    public int gso64kEstimate() {
        packer.plan(gso64k, buffer);
        return buffer.opCount() + buffer.estimate();
    }

    /** @return ops plus the estimate */
    @Benchmark
    public int smallfragsEstimate() {
        packer.plan(smallfrags, buffer);
        return buffer.opCount() + buffer.estimate();
    }

    /** @return ops plus the estimate */
    @Benchmark
    public int gso65535Estimate() {
        packer.plan(gso65535, buffer);
        return buffer.opCount() + buffer.estimate();
    }

    /** @return the sum of ops over the trace */
    @Benchmark
    @OperationsPerInvocation(Packets.MIXED_COUNT)
    public int mixedTrace() {
        int ops = 0;
        for (Skb skb : mixed) {
            packer.plan(skb, buffer);
            ops += buffer.opCount();
        }
        return ops;
    }
}
