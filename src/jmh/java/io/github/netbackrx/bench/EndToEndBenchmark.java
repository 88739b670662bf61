package io.github.netbackrx.bench;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.SimulationStatistics;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole guest-RX path, {@link GuestRxSimulation}: the packet enters the host backlog, netback
 * plans it, issues its {@code GNTTABOP_copy} ops and writes its responses, netfront polls, checks
 * the bytes against what was sent and reposts its buffers. Each invocation sends {@value #BURST}
 * packets of one workload and drains the simulation; the score is packets per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EndToEndBenchmark {
    /** Packets per invocation. */
    static final int BURST = 64;

    /** The workload: {@code mtu} or {@code gso64k} (the packets of {@link PlanBenchmark}). */
    @Param({"mtu", "gso64k"})
    public String workload;

    /** The packing policy. */
    @Param
    public PackingPolicy policy;

    private GuestRxSimulation sim;
    private Skb skb;
    private byte[] data;

    /** A simulation that keeps no delivered packets, and one warm-up burst that must arrive intact. */
    @Setup
    public void setUp() {
        sim = GuestRxSimulation.builder()
                .vif(v -> v.policy(policy))
                .txQueueLen(BURST) // the host's qdisc holds a whole burst: every packet sent is delivered
                .keepReceived(false)
                .replayable(false)
                .build();
        skb = Packets.named(workload);
        data = new byte[skb.length()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 131 + 17);
        }
        burst();
        check();
    }

    /** Every packet sent must have been delivered intact, or the score means nothing. */
    @TearDown
    public void check() {
        SimulationStatistics s = sim.statistics();
        if (s.delivered() != s.sent() || s.mismatched() != 0) {
            throw new IllegalStateException("end-to-end " + workload + " under " + policy + ": " + s);
        }
    }

    /** @return rounds run */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() {
        for (int i = 0; i < BURST; i++) {
            sim.send(skb, data);
        }
        return sim.drain();
    }
}
