package io.github.netbackrx.bench;

import io.github.netbackrx.ring.RxRing;
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
 * One full round of the shared RX ring through its two private views: the front end posts 256
 * requests and pushes them ({@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}); the back end consumes them
 * ({@code RING_FINAL_CHECK_FOR_REQUESTS}, {@code RING_GET_REQUEST}), writes 256 responses and pushes
 * them ({@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}); the front end consumes the responses ({@code
 * RING_FINAL_CHECK_FOR_RESPONSES}, {@code RING_GET_RESPONSE}). The indices run on freely, so rounds
 * wrap at 2^32 like the real ones.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {
    private RxRing ring;
    private RxRing.FrontRing front;
    private RxRing.BackRing back;

    /** A fresh ring page, both ends attached at 0. */
    @Setup
    public void setUp() {
        ring = RxRing.create();
        front = ring.attachFront(0);
        back = ring.attachBack(0);
    }

    /** @return a checksum of what both ends read, with the notify decisions */
    @Benchmark
    public long round256() {
        return RingRound.run(ring, front, back);
    }
}
