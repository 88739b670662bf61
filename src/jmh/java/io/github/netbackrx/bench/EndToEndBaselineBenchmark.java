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
 * The baseline {@link EndToEndBenchmark} is read against, run by the same pattern ({@code
 * EndToEnd}) with the same forks and heap: {@code System.arraycopy} of 64 KiB between two warm
 * arrays. Its {@code bytes} counter is the copy bandwidth of the machine at that moment; the
 * end-to-end {@code bytes} counters are read as a fraction of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class EndToEndBaselineBenchmark {
    private final byte[] src = new byte[65536];
    private final byte[] dst = new byte[65536];

    /** Non-zero source bytes. */
    @Setup
    public void fill() {
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 131 + 17);
        }
    }

    /**
     * {@code System.arraycopy} of 64 KiB.
     *
     * @param b the bytes counter
     * @return a byte of the destination
     */
    @Benchmark
    public byte arraycopy64k(EndToEndBenchmark.Bytes b) {
        System.arraycopy(src, 0, dst, 0, src.length);
        b.bytes += src.length;
        return dst[src.length - 1];
    }
}
