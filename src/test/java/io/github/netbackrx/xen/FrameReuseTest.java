package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A reused frame is not cleared when it is handed out, yet reads as zero wherever its new owner did
 * not write: through {@link Domain#read}, {@link Domain#readFrame}, {@link Domain#regionEquals} and
 * as the source or destination of a {@code GNTTABOP_copy}.
 */
class FrameReuseTest {
    private static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + salt | 1); // never zero
        }
        return b;
    }

    @Test
    void aReusedFrameReadsAsZeroWhereNotWrittenAgain() {
        Domain d = new Hypervisor().createDomain(0);
        long f = d.allocateFrame();
        d.write(f, 100, pattern(1000, 3), 0, 1000); // junk [100, 1100) for the next owner
        d.freeFrame(f);
        assertThat(d.allocateFrame()).isEqualTo(f);
        assertThat(d.readFrame(f)).isEqualTo(new byte[Domain.FRAME_SIZE]);

        d.write(f, 200, pattern(300, 5), 0, 300); // covers part of nothing: the frame was read clean
        d.freeFrame(f);
        d.allocateFrame();
        byte[] w = pattern(50, 9);
        d.write(f, 250, w, 0, 50); // inside the junk [200, 500): the rest of it is cleared
        byte[] expected = new byte[Domain.FRAME_SIZE];
        System.arraycopy(w, 0, expected, 250, 50);
        assertThat(d.readFrame(f)).isEqualTo(expected);
        byte[] part = new byte[400];
        d.read(f, 150, part, 0, 400);
        assertThat(part).isEqualTo(Arrays.copyOfRange(expected, 150, 550));
        assertThat(d.regionEquals(f, 250, w, 0, 50)).isTrue();
        assertThat(d.regionEquals(f, 200, new byte[50], 0, 50)).isTrue();
        assertThat(d.regionEquals(f, 249, w, 0, 50)).isFalse();
    }

    @Test
    void aCopyIntoAReusedFrameLeavesTheRestZero() {
        Hypervisor xen = new Hypervisor();
        Domain dom0 = xen.createDomain(0);
        Domain guest = xen.createDomain(1, 8);
        long src = dom0.allocateFrame();
        dom0.write(src, 0, pattern(Domain.FRAME_SIZE, 7), 0, Domain.FRAME_SIZE);
        long dst = guest.allocateFrame();
        GrantCopyEngine engine = xen.grantCopyEngine(dom0);
        GrantCopyBatch batch = new GrantCopyBatch();
        int gref = guest.grantTable().grantAccess(0, dst, false);
        batch.op()
                .sourceGmfn(src, Hypervisor.DOMID_SELF, 0)
                .destGref(gref, 1, 0)
                .add(4000);
        engine.copy(batch);
        guest.grantTable().endAccess(gref);
        guest.freeFrame(dst);

        assertThat(guest.allocateFrame()).isEqualTo(dst); // junk [0, 4000)
        gref = guest.grantTable().grantAccess(0, dst, false);
        batch.clear();
        batch.op()
                .sourceGmfn(src, Hypervisor.DOMID_SELF, 1000)
                .destGref(gref, 1, 10)
                .add(20);
        engine.copy(batch);
        assertThat(batch.status(0)).isEqualTo(GntStatus.OKAY);
        byte[] expected = new byte[Domain.FRAME_SIZE];
        System.arraycopy(pattern(Domain.FRAME_SIZE, 7), 1000, expected, 10, 20);
        assertThat(guest.readFrame(dst)).isEqualTo(expected);

        // a reused frame as the source reads as zero where it was not written
        dom0.freeFrame(src);
        long again = dom0.allocateFrame();
        assertThat(again).isEqualTo(src);
        long dst2 = guest.allocateFrame();
        guest.write(dst2, 0, pattern(64, 1), 0, 64);
        int gref2 = guest.grantTable().grantAccess(0, dst2, false);
        batch.clear();
        batch.op()
                .sourceGmfn(again, Hypervisor.DOMID_SELF, 0)
                .destGref(gref2, 1, 0)
                .add(64);
        engine.copy(batch);
        assertThat(guest.readFrame(dst2)).isEqualTo(new byte[Domain.FRAME_SIZE]);
    }
}
