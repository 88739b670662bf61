package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrantCopyEngineTest {
    private static final int SELF = Hypervisor.DOMID_SELF;

    private Hypervisor xen;
    private Domain dom0;
    private Domain guest;
    private GrantCopyEngine engine;
    private GrantCopyBatch batch;
    private long srcFrame;
    private long guestFrame;
    private int gref;
    private int roGref;

    @BeforeEach
    void setUp() {
        xen = new Hypervisor();
        dom0 = xen.createDomain(0);
        guest = xen.createDomain(5, 16);
        engine = xen.grantCopyEngine(dom0);
        batch = new GrantCopyBatch(2);
        srcFrame = dom0.allocateFrame();
        byte[] pattern = new byte[4096];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 7 + 1);
        }
        dom0.write(srcFrame, 0, pattern, 0, 4096);
        guestFrame = guest.allocateFrame();
        gref = guest.grantTable().grantAccess(0, guestFrame, false);
        roGref = guest.grantTable().grantAccess(0, guest.allocateFrame(), true);
    }

    /** dom0 gmfn -> guest gref, as Linux rx.c issues it. */
    private int toGuest(int srcOffset, int ref, int domid, int dstOffset, int len) {
        return batch.op()
                .sourceGmfn(srcFrame, SELF, srcOffset)
                .destGref(ref, domid, dstOffset)
                .add(len);
    }

    private int run() {
        assertThat(engine.copy(batch)).isZero();
        return batch.status(batch.size() - 1);
    }

    private boolean guestUntouched() {
        return Arrays.equals(guest.readFrame(guestFrame), new byte[4096]);
    }

    @Test
    void okayCopiesTheBytes() {
        toGuest(100, gref, 5, 200, 300);
        assertThat(run()).isEqualTo(GntStatus.OKAY);
        byte[] got = new byte[300];
        guest.read(guestFrame, 200, got, 0, 300);
        byte[] want = new byte[300];
        dom0.read(srcFrame, 100, want, 0, 300);
        assertThat(got).isEqualTo(want);
        assertThat(guest.readFrame(guestFrame)[199]).isZero();
        assertThat(guest.readFrame(guestFrame)[500]).isZero();
        assertThat(engine.bytesCopied()).isEqualTo(300);
    }

    @Test
    void fullPageCopyIsAllowed() {
        toGuest(0, gref, 5, 0, 4096);
        assertThat(run()).isEqualTo(GntStatus.OKAY);
        assertThat(guest.readFrame(guestFrame)).isEqualTo(dom0.readFrame(srcFrame));
    }

    @Test
    void zeroLengthIsOkayBeforeAnyCheck() {
        batch.op()
                .sourceGmfn(999, 4242, 60000)
                .destGref(0xFFFF_FFFFL, 4243, 60000)
                .add(0);
        assertThat(run()).isEqualTo(GntStatus.OKAY);
        assertThat(engine.okayOps()).isEqualTo(1);
        assertThat(engine.bytesCopied()).isZero();
    }

    @Test
    void foreignGmfnIsPermissionDenied() {
        // a gmfn with a domid other than DOMID_SELF, even the caller's own numeric id
        batch.op().sourceGmfn(srcFrame, 0, 0).destGref(gref, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.PERMISSION_DENIED);
        batch.clear();
        batch.op().sourceGref(0, 0, 0).destGmfn(guestFrame, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.PERMISSION_DENIED);
        assertThat(guestUntouched()).isTrue();
    }

    @Test
    void unknownDomainIsBadDomain() {
        toGuest(0, gref, 77, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.BAD_DOMAIN);
        batch.clear();
        batch.op().sourceGref(0, 78, 0).destGref(gref, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.BAD_DOMAIN);
    }

    @Test
    void grefBeyondTableIsBadGntref() {
        toGuest(0, 16, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.BAD_GNTREF);
    }

    @Test
    void grefAsUnsigned32IsBadGntref() {
        batch.op().sourceGmfn(srcFrame, SELF, 0).destGref(0xFFFF_FFFFL, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.BAD_GNTREF);
    }

    @Test
    void entryNotGrantedToCallerIsGeneralError() {
        int toOther = guest.grantTable().grantAccess(3, guestFrame, false);
        toGuest(0, toOther, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        // a revoked (GTF_invalid) entry
        batch.clear();
        guest.grantTable().endAccess(gref);
        toGuest(0, gref, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        // a never-used entry
        batch.clear();
        toGuest(0, 15, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        // an entry of another type (accept_transfer) granting the caller
        batch.clear();
        guest.grantTable().writeEntry(14, GrantTable.GTF_ACCEPT_TRANSFER, 0, guestFrame);
        toGuest(0, 14, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        assertThat(guestUntouched()).isTrue();
    }

    @Test
    void readOnlyDestinationIsGeneralErrorButReadOnlySourceIsFine() {
        toGuest(0, roGref, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        batch.clear();
        batch.op().sourceGref(roGref, 5, 0).destGref(gref, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.OKAY);
    }

    @Test
    void missingFrameIsBadPage() {
        batch.op().sourceGmfn(12345, SELF, 0).destGref(gref, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.BAD_PAGE);
        batch.clear();
        int dangling = guest.grantTable().grantAccess(0, 999, false);
        toGuest(0, dangling, 5, 0, 10);
        assertThat(run()).isEqualTo(GntStatus.BAD_PAGE);
    }

    @Test
    void crossingAPageIsBadCopyArg() {
        toGuest(4000, gref, 5, 0, 97);
        assertThat(run()).isEqualTo(GntStatus.BAD_COPY_ARG);
        batch.clear();
        toGuest(0, gref, 5, 4000, 97);
        assertThat(run()).isEqualTo(GntStatus.BAD_COPY_ARG);
        batch.clear();
        toGuest(4000, gref, 5, 0, 96);
        assertThat(run()).isEqualTo(GntStatus.OKAY);
        batch.clear();
        toGuest(65535, gref, 5, 65535, 65535); // u16 + u16 does not wrap
        assertThat(run()).isEqualTo(GntStatus.BAD_COPY_ARG);
    }

    @Test
    void precedenceWhenSeveralChecksFail() {
        // bad gref AND out of bounds -> bad_gntref
        toGuest(4000, 99, 5, 4000, 200);
        assertThat(run()).isEqualTo(GntStatus.BAD_GNTREF);
        // bad domain AND bad gref AND bounds -> bad_domain
        batch.clear();
        toGuest(4000, 99, 88, 4000, 200);
        assertThat(run()).isEqualTo(GntStatus.BAD_DOMAIN);
        // zero length with everything else wrong -> okay
        batch.clear();
        batch.op().sourceGmfn(1 << 20, 88, 60000).destGmfn(1 << 20, 89, 60000).add(0);
        assertThat(run()).isEqualTo(GntStatus.OKAY);
        // source checks before dest: source foreign gmfn AND dest bad domain -> permission_denied
        batch.clear();
        batch.op().sourceGmfn(srcFrame, 0, 0).destGref(gref, 88, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.PERMISSION_DENIED);
        // source bad domain AND dest foreign gmfn -> bad_domain (source locked first)
        batch.clear();
        batch.op().sourceGref(0, 88, 0).destGmfn(guestFrame, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.BAD_DOMAIN);
        // both domains are locked before any buffer is claimed:
        // source bad gref AND dest bad domain -> bad_domain
        batch.clear();
        batch.op().sourceGref(999, 5, 0).destGref(gref, 88, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.BAD_DOMAIN);
        // source bad page AND dest read-only -> bad_page (source claimed first)
        batch.clear();
        batch.op().sourceGmfn(4242, SELF, 0).destGref(roGref, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.BAD_PAGE);
        // source not granted AND dest bad gref -> general_error
        batch.clear();
        batch.op().sourceGref(15, 5, 0).destGref(999, 5, 0).add(10);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        // read-only dest AND out of bounds -> general_error
        batch.clear();
        toGuest(4000, roGref, 5, 0, 200);
        assertThat(run()).isEqualTo(GntStatus.GENERAL_ERROR);
        // bad page AND out of bounds -> bad_page
        batch.clear();
        batch.op().sourceGmfn(4242, SELF, 4000).destGref(gref, 5, 0).add(200);
        assertThat(run()).isEqualTo(GntStatus.BAD_PAGE);
        assertThat(guestUntouched()).isTrue();
    }

    @Test
    void batchCarriesOnAfterFailuresAndCounts() {
        toGuest(0, gref, 5, 0, 10); // okay
        toGuest(0, 99, 5, 10, 10); // bad_gntref
        toGuest(0, gref, 5, 4090, 10); // bad_copy_arg
        toGuest(0, gref, 77, 0, 10); // bad_domain
        toGuest(20, gref, 5, 20, 30); // okay
        toGuest(0, gref, 5, 0, 0); // okay, zero length
        assertThat(engine.copy(batch)).isZero();
        int[] statuses = new int[batch.size()];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = batch.status(i);
        }
        assertThat(statuses)
                .containsExactly(
                        GntStatus.OKAY,
                        GntStatus.BAD_GNTREF,
                        GntStatus.BAD_COPY_ARG,
                        GntStatus.BAD_DOMAIN,
                        GntStatus.OKAY,
                        GntStatus.OKAY);
        byte[] g = guest.readFrame(guestFrame);
        byte[] s = dom0.readFrame(srcFrame);
        assertThat(Arrays.copyOfRange(g, 0, 10)).isEqualTo(Arrays.copyOfRange(s, 0, 10));
        assertThat(Arrays.copyOfRange(g, 10, 20)).as("failed op wrote nothing").isEqualTo(new byte[10]);
        assertThat(Arrays.copyOfRange(g, 20, 50)).isEqualTo(Arrays.copyOfRange(s, 20, 50));
        assertThat(Arrays.copyOfRange(g, 4090, 4096)).isEqualTo(new byte[6]);
        assertThat(engine.hypercalls()).isEqualTo(1);
        assertThat(engine.ops()).isEqualTo(6);
        assertThat(engine.okayOps()).isEqualTo(3);
        assertThat(engine.failedOps()).isEqualTo(3);
        assertThat(engine.bytesCopied()).isEqualTo(40);
        assertThat(engine.opsWithStatus(GntStatus.BAD_GNTREF)).isEqualTo(1);
        assertThat(engine.opsWithStatus(GntStatus.OKAY)).isEqualTo(3);
        // the batch is reusable
        batch.clear();
        toGuest(0, gref, 5, 0, 1);
        engine.copy(batch);
        assertThat(engine.hypercalls()).isEqualTo(2);
        assertThat(engine.ops()).isEqualTo(7);
        assertThat(engine.caller()).isSameAs(dom0);
    }

    @Test
    void grefInCallersOwnTableAndSelfResolution() {
        long own = dom0.allocateFrame();
        int selfGref = dom0.grantTable().grantAccess(0, own, false);
        // dest named by gref in the caller's table through DOMID_SELF and through its real id
        batch.op().sourceGmfn(srcFrame, SELF, 0).destGref(selfGref, SELF, 0).add(8);
        batch.op().sourceGmfn(srcFrame, SELF, 8).destGref(selfGref, 0, 8).add(8);
        engine.copy(batch);
        assertThat(batch.status(0)).isEqualTo(GntStatus.OKAY);
        assertThat(batch.status(1)).isEqualTo(GntStatus.OKAY);
        assertThat(Arrays.copyOf(dom0.readFrame(own), 16)).isEqualTo(Arrays.copyOf(dom0.readFrame(srcFrame), 16));
    }

    @Test
    void gnttabCopyLayoutIsX86_64() {
        assertThat(GrantCopyLayout.SIZE).isEqualTo(40);
        batch.op()
                .sourceGref(0x11223344L, 0x0102, 0x0304)
                .destGmfn(0x0A0B0C0D0E0F1011L, SELF, 0x0506)
                .add(0x0708);
        engine.copy(batch);
        byte[] raw = new byte[48];
        Arrays.fill(raw, (byte) 0x55);
        batch.encode(0, raw, 4);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(4)).isEqualTo(0x11223344L);
        assertThat(b.getShort(4 + 8)).isEqualTo((short) 0x0102);
        assertThat(b.getShort(4 + 10)).isEqualTo((short) 0x0304);
        assertThat(b.getInt(4 + 12)).as("padding").isZero();
        assertThat(b.getLong(4 + 16)).isEqualTo(0x0A0B0C0D0E0F1011L);
        assertThat(b.getShort(4 + 24)).isEqualTo((short) 0x7FF0);
        assertThat(b.getShort(4 + 26)).isEqualTo((short) 0x0506);
        assertThat(b.getShort(4 + 32)).isEqualTo((short) 0x0708);
        assertThat(b.getShort(4 + 34)).isEqualTo((short) GrantCopyLayout.GNTCOPY_SOURCE_GREF);
        assertThat(b.getShort(4 + 36)).isEqualTo((short) batch.status(0));
        assertThat(batch.status(0)).as("domain 0x0102 does not exist").isEqualTo(GntStatus.BAD_DOMAIN);
        assertThat(raw[3]).isEqualTo((byte) 0x55);
        assertThat(raw[44]).isEqualTo((byte) 0x55);
        GrantCopyBatch decoded = new GrantCopyBatch();
        assertThat(decoded.addEncoded(raw, 4)).isZero();
        assertThat(decoded.sourceIsGref(0)).isTrue();
        assertThat(decoded.destIsGref(0)).isFalse();
        assertThat(decoded.sourceRef(0)).isEqualTo(0x11223344L);
        assertThat(decoded.sourceDomid(0)).isEqualTo(0x0102);
        assertThat(decoded.sourceOffset(0)).isEqualTo(0x0304);
        assertThat(decoded.destRef(0)).isEqualTo(0x0A0B0C0D0E0F1011L);
        assertThat(decoded.destDomid(0)).isEqualTo(SELF);
        assertThat(decoded.destOffset(0)).isEqualTo(0x0506);
        assertThat(decoded.length(0)).isEqualTo(0x0708);
        assertThat(decoded.flags(0)).isEqualTo(1);
        assertThat(decoded.status(0)).isEqualTo(GntStatus.BAD_DOMAIN);
    }

    @Test
    void batchRejectsFieldsThatDoNotFit() {
        assertThatThrownBy(() ->
                        batch.op().sourceGref(1L << 32, 0, 0).destGref(0, 0, 0).add(1))
                .hasMessage("gnttab_copy.source.u.ref: 0x100000000 does not fit grant_ref_t (u32)");
        assertThatThrownBy(
                        () -> batch.op().sourceGref(0, 0, 0).destGref(0, 0, 0).add(65536))
                .hasMessage("gnttab_copy.len: 65536 does not fit u16 (0 .. 65535)");
        assertThatThrownBy(() ->
                        batch.op().sourceGref(0, 0x10000, 0).destGref(0, 0, 0).add(1))
                .hasMessageContaining("source.domid");
        assertThatThrownBy(() -> batch.status(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new GrantCopyBatch(0)).hasMessageContaining("capacity");
    }

    @Test
    void statusNames() {
        assertThat(GntStatus.name(0)).isEqualTo("GNTST_okay");
        assertThat(GntStatus.name(GntStatus.BAD_GNTREF)).isEqualTo("GNTST_bad_gntref");
        assertThat(GntStatus.name(GntStatus.PERMISSION_DENIED)).isEqualTo("GNTST_permission_denied");
        assertThat(GntStatus.name(GntStatus.BAD_COPY_ARG)).isEqualTo("GNTST_bad_copy_arg");
        assertThat(GntStatus.name(-13)).isEqualTo("GNTST_no_space");
        assertThat(GntStatus.EAGAIN).isEqualTo(-12);
        assertThat(GntStatus.isDefined(1)).isFalse();
        assertThatThrownBy(() -> GntStatus.name(-14)).hasMessage("GNTST: unknown status -14 (defined: 0 .. -13)");
        assertThatThrownBy(() -> engine.opsWithStatus(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
