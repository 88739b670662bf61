package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.AllocationMeter;
import org.junit.jupiter.api.Test;

/**
 * Refilling a warm {@link GrantCopyBatch} and running it through {@link GrantCopyEngine#copy}
 * allocates nothing, for successful and failing ops alike. Measured with {@link AllocationMeter}.
 */
class GrantCopyAllocationTest {
    private static final int BATCHES = 20_000;
    private static final int OPS = 16;

    @Test
    void aWarmCopyBatchDoesNotAllocate() throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();

        Hypervisor xen = new Hypervisor();
        Domain dom0 = xen.createDomain(0);
        Domain guest = xen.createDomain(3, 64);
        long[] frames = new long[OPS];
        int[] grefs = new int[OPS];
        byte[] pattern = new byte[Domain.FRAME_SIZE];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 13 + 5);
        }
        for (int k = 0; k < OPS; k++) {
            frames[k] = dom0.allocateFrame();
            dom0.write(frames[k], 0, pattern, 0, pattern.length);
            grefs[k] = guest.grantTable().grantAccess(0, guest.allocateFrame(), false);
        }
        GrantCopyEngine engine = xen.grantCopyEngine(dom0);
        GrantCopyBatch batch = new GrantCopyBatch();

        long before = 0;
        for (int b = 0; b < BATCHES + BATCHES / 4; b++) {
            if (b == BATCHES / 4) { // after warm-up
                before = meter.bytes();
            }
            batch.clear();
            for (int k = 0; k < OPS; k++) {
                int len = k == OPS - 1 ? 100 : Domain.FRAME_SIZE;
                batch.op()
                        .sourceGmfn(frames[k], Hypervisor.DOMID_SELF, 0)
                        .destGref(grefs[k], 3, 0)
                        .add(len);
            }
            // one failing op per batch: a grant reference beyond the table
            batch.op()
                    .sourceGmfn(frames[0], Hypervisor.DOMID_SELF, 0)
                    .destGref(64, 3, 0)
                    .add(8);
            engine.copy(batch);
        }
        long allocated = meter.bytes() - before;

        assertThat(batch.status(0)).isEqualTo(GntStatus.OKAY);
        assertThat(batch.status(OPS)).isEqualTo(GntStatus.BAD_GNTREF);
        assertThat(engine.okayOps()).isEqualTo((long) OPS * (BATCHES + BATCHES / 4));
        assertThat(guest.readFrame(guest.grantTable().frame(grefs[0]))).isEqualTo(pattern);
        assertThat(allocated).as("bytes allocated by %d copy batches", BATCHES).isLessThan(1024);

        // the meter works: a frame read allocates its 4096 bytes
        long mark = meter.bytes();
        byte[] copy = dom0.readFrame(frames[0]);
        assertThat(meter.bytes() - mark).isGreaterThanOrEqualTo(Domain.FRAME_SIZE);
        assertThat(copy).isEqualTo(pattern);
    }
}
