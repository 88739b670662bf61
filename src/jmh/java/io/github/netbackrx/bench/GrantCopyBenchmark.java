package io.github.netbackrx.bench;

import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.GrantCopyBatch;
import io.github.netbackrx.xen.GrantCopyEngine;
import io.github.netbackrx.xen.Hypervisor;
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
 * The {@code GNTTABOP_copy} engine against {@link System#arraycopy} of the same bytes: a batch of
 * {@value #OPS} ops, each from a frame of the back end ({@code gmfn}, {@code DOMID_SELF}) to a
 * granted frame of the guest ({@code gref}), as netback's RX path issues them. {@code grantCopy}
 * refills the batch ({@code clear} + {@code add}) and runs the hypercall; {@code grantCopyOnly}
 * reruns a filled batch; {@code arraycopy} copies the same {@code opSize} bytes between the same
 * frames. Reported per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrantCopyBenchmark {
    /** Ops per batch: 16, the data ops of a 64 KiB TSO packet. */
    static final int OPS = 16;

    private static final int GUEST = 1;

    /** Bytes per op. */
    @Param({"4096", "100"})
    public int opSize;

    private GrantCopyEngine engine;
    private GrantCopyBatch batch;
    private final long[] srcFrames = new long[OPS];
    private final int[] grefs = new int[OPS];
    private final byte[][] srcBytes = new byte[OPS][];
    private final byte[][] dstBytes = new byte[OPS][];
    private final int[] srcOffsets = new int[OPS];

    /** Two domains, {@value #OPS} source frames with data, {@value #OPS} granted guest frames. */
    @Setup
    public void setUp() {
        Hypervisor xen = new Hypervisor();
        Domain dom0 = xen.createDomain(0);
        Domain guest = xen.createDomain(GUEST);
        byte[] pattern = new byte[Domain.FRAME_SIZE];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        for (int k = 0; k < OPS; k++) {
            srcFrames[k] = dom0.allocateFrame();
            dom0.write(srcFrames[k], 0, pattern, 0, pattern.length);
            grefs[k] = guest.grantTable().grantAccess(0, guest.allocateFrame(), false);
            srcOffsets[k] = opSize == Domain.FRAME_SIZE ? 0 : (k * 200) % (Domain.FRAME_SIZE - opSize);
            srcBytes[k] = pattern.clone();
            dstBytes[k] = new byte[Domain.FRAME_SIZE];
        }
        engine = xen.grantCopyEngine(dom0);
        batch = new GrantCopyBatch();
        fill();
    }

    private void fill() {
        batch.clear();
        for (int k = 0; k < OPS; k++) {
            batch.op()
                    .sourceGmfn(srcFrames[k], Hypervisor.DOMID_SELF, srcOffsets[k])
                    .destGref(grefs[k], GUEST, 0)
                    .add(opSize);
        }
    }

    /** @return the last op's status */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int grantCopy() {
        fill();
        engine.copy(batch);
        return batch.status(OPS - 1);
    }

    /** @return the last op's status */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int grantCopyOnly() {
        engine.copy(batch);
        return batch.status(OPS - 1);
    }

    /** @return a byte of the last destination */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int arraycopy() {
        for (int k = 0; k < OPS; k++) {
            System.arraycopy(srcBytes[k], srcOffsets[k], dstBytes[k], 0, opSize);
        }
        return dstBytes[OPS - 1][0];
    }
}
