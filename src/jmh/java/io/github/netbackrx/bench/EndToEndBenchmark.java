package io.github.netbackrx.bench;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.trace.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The whole guest-RX path, {@link GuestRxSimulation}: the packets enter the host backlog, netback
 * plans them, issues their {@code GNTTABOP_copy} ops and writes their responses, netfront polls,
 * checks the bytes against what was sent (in place) and reposts its buffers. Each invocation sends
 * {@value #BURST} packets of a workload (a fixed trace of {@value #TRACE} packets of {@link
 * Workload}, seed 1, with their payloads) round-robin over the guests and drains the simulation; the
 * primary score is packets per second, and the secondary {@code bytes} counter the packet bytes
 * delivered per second. {@link EndToEndBaselineBenchmark#arraycopy64k} is the same-run baseline (its
 * name matches the same {@code EndToEnd} pattern).
 *
 * <p>Stable figures: every fork runs with a fixed, pre-touched heap ({@code -Xms = -Xmx},
 * {@code -XX:+AlwaysPreTouch}), and the set-up runs the trace through the simulation several times
 * so that every frame, pool and buffer the steady state uses exists before the first measurement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class EndToEndBenchmark {
    /** Packets per invocation. */
    static final int BURST = 64;

    /** Distinct packets per workload, sent in turn. */
    static final int TRACE = 1024;

    /** The workload: a {@link io.github.netbackrx.trace.WorkloadMix} label. */
    @Param({"mtu", "tcp-bulk", "imix", "jumbo"})
    public String workload;

    /** The packing policy. */
    @Param({"COALESCE"})
    public PackingPolicy policy;

    /** Guests of the host; packets go to them round-robin. */
    @Param({"1"})
    public int guests;

    /** {@code bytes}: every byte carried and checked; {@code free}: the payload-free mode. */
    @Param({"bytes"})
    public String payload;

    private GuestRxSimulation sim;
    private Skb[] skbs;
    private byte[][] data;
    private int next;
    private long burstBytes;

    /** Bytes per second, reported beside the packets. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Packet bytes delivered (or copied, for the baseline). */
        public long bytes;

        /** Counted per iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /** The trace, a simulation that keeps no delivered packets, and warm-up rounds that must deliver intact. */
    @Setup
    public void setUp() {
        boolean free = switch (payload) {
            case "bytes" -> false;
            case "free" -> true;
            default -> throw new IllegalArgumentException("payload: bytes or free, not " + payload);
        };
        sim = GuestRxSimulation.builder()
                .guests(guests)
                .vif(v -> v.policy(policy))
                .txQueueLen(BURST) // the host's qdisc holds a whole burst: every packet sent is delivered
                .keepReceived(false)
                .replayable(false)
                .payloadFree(free)
                .build();
        Workload w = Workload.named(workload, 1);
        skbs = new Skb[TRACE];
        data = new byte[TRACE][];
        for (int i = 0; i < TRACE; i++) {
            skbs[i] = w.next();
            data[i] = free ? null : w.payload(i, skbs[i].length());
        }
        for (int i = 0; i < 4 * TRACE / BURST; i++) {
            burst(new Bytes());
        }
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

    /**
     * Sends {@value #BURST} packets and drains.
     *
     * @param b the bytes counter
     * @return rounds run
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst(Bytes b) {
        long bytes = 0;
        for (int i = 0; i < BURST; i++) {
            int k = next;
            next = (k + 1) & (TRACE - 1);
            Skb skb = skbs[k];
            bytes += skb.length();
            if (data[k] == null) {
                sim.send(k % guests, skb);
            } else {
                sim.send(k % guests, skb, data[k]);
            }
        }
        b.bytes += bytes;
        return sim.drain();
    }
}
