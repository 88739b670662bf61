package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DomainFrameRecyclingTest {
    @Test
    void freedFrameIsNotOwnedAndIsReusedZeroed() {
        Hypervisor hv = new Hypervisor();
        Domain d = hv.createDomain(1);
        long a = d.allocateFrame();
        long b = d.allocateFrame();
        d.write(a, 10, new byte[] {7, 8}, 0, 2);
        d.freeFrame(a);
        assertThat(d.hasFrame(a)).isFalse();
        assertThat(d.liveFrames()).isEqualTo(1);
        assertThatThrownBy(() -> d.readFrame(a)).hasMessage("domain 1: no frame 0x0 (frames 0 .. 1, 1 freed)");
        assertThatThrownBy(() -> d.freeFrame(a)).hasMessage("domain 1: cannot free frame 0x0 (not owned)");
        long c = d.allocateFrame();
        assertThat(c).isEqualTo(a);
        assertThat(d.readFrame(c)).containsOnly(0);
        assertThat(d.frameCount()).isEqualTo(2);
        assertThat(d.hasFrame(b)).isTrue();
    }

    @Test
    void copyFromFreedFrameIsBadPage() {
        Hypervisor hv = new Hypervisor();
        Domain back = hv.createDomain(0);
        Domain guest = hv.createDomain(1);
        long src = back.allocateFrame();
        long dst = guest.allocateFrame();
        int gref = guest.grantTable().grantAccess(0, dst, false);
        back.freeFrame(src);
        GrantCopyBatch batch = new GrantCopyBatch();
        batch.op()
                .sourceGmfn(src, Hypervisor.DOMID_SELF, 0)
                .destGref(gref, 1, 0)
                .add(10);
        hv.grantCopyEngine(back).copy(batch);
        assertThat(batch.status(0)).isEqualTo(GntStatus.BAD_PAGE);
    }

    @Test
    void manyAllocationsAndFreesStayBounded() {
        Domain d = new Hypervisor().createDomain(3);
        for (int i = 0; i < 10_000; i++) {
            long f1 = d.allocateFrame();
            long f2 = d.allocateFrame();
            d.freeFrame(f1);
            d.freeFrame(f2);
        }
        assertThat(d.frameCount()).isEqualTo(2);
        assertThat(d.liveFrames()).isZero();
    }
}
