package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The {@code struct gnttab_copy} array: field validation, accessors, and the x86_64 encoding. */
class GrantCopyBatchTest {

    @Test
    void addReturnsConsecutiveIndicesAndKeepsEveryField() {
        GrantCopyBatch b = new GrantCopyBatch(1);
        assertThat(b.op().sourceGref(7, 1, 10)
                        .destGmfn(3, Hypervisor.DOMID_SELF, 20)
                        .add(30))
                .isEqualTo(0);
        assertThat(b.op().sourceGmfn(0x1_0000_0000L, Hypervisor.DOMID_SELF, 0)
                        .destGref(0xFFFF_FFFFL, 2, 4095)
                        .add(1))
                .isEqualTo(1);
        assertThat(b.op().sourceGmfn(1, 0, 0).destGmfn(1, 0, 0).add(0)).isEqualTo(2);
        assertThat(b.size()).isEqualTo(3);

        assertThat(b.sourceIsGref(0)).isTrue();
        assertThat(b.destIsGref(0)).isFalse();
        assertThat(b.sourceRef(0)).isEqualTo(7);
        assertThat(b.sourceDomid(0)).isEqualTo(1);
        assertThat(b.sourceOffset(0)).isEqualTo(10);
        assertThat(b.destRef(0)).isEqualTo(3);
        assertThat(b.destDomid(0)).isEqualTo(Hypervisor.DOMID_SELF);
        assertThat(b.destOffset(0)).isEqualTo(20);
        assertThat(b.length(0)).isEqualTo(30);
        assertThat(b.flags(0)).isEqualTo(GrantCopyLayout.GNTCOPY_SOURCE_GREF);
        assertThat(b.status(0)).isZero();

        assertThat(b.sourceIsGref(1)).isFalse();
        assertThat(b.destIsGref(1)).isTrue();
        assertThat(b.sourceRef(1)).as("a gmfn may exceed 32 bits").isEqualTo(0x1_0000_0000L);
        assertThat(b.destRef(1)).isEqualTo(0xFFFF_FFFFL);
        assertThat(b.flags(1)).isEqualTo(GrantCopyLayout.GNTCOPY_DEST_GREF);
        assertThat(b.flags(2)).isZero();
    }

    @Test
    void everyFieldIsCheckedAgainstItsWidth() {
        GrantCopyBatch b = new GrantCopyBatch();
        assertThatThrownBy(() -> b.op().sourceGref(0x1_0000_0000L, 0, 0)
                        .destGmfn(0, 0, 0)
                        .add(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source.u.ref");
        assertThatThrownBy(() -> b.op().sourceGmfn(0, 0, 0).destGref(-1L, 0, 0).add(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dest.u.ref");
        assertThatThrownBy(
                        () -> b.op().sourceGmfn(0, 0x10000, 0).destGmfn(0, 0, 0).add(1))
                .hasMessageContaining("source.domid");
        assertThatThrownBy(
                        () -> b.op().sourceGmfn(0, 0, 0x10000).destGmfn(0, 0, 0).add(1))
                .hasMessageContaining("source.offset");
        assertThatThrownBy(() -> b.op().sourceGmfn(0, 0, 0).destGmfn(0, -1, 0).add(1))
                .hasMessageContaining("dest.domid");
        assertThatThrownBy(
                        () -> b.op().sourceGmfn(0, 0, 0).destGmfn(0, 0, 0x10000).add(1))
                .hasMessageContaining("dest.offset");
        assertThatThrownBy(() -> b.op().sourceGmfn(0, 0, 0).destGmfn(0, 0, 0).add(0x10000))
                .hasMessageContaining("len")
                .hasMessageContaining("65536");
        assertThat(b.size()).as("a refused op is not added").isZero();
        assertThat(b.op().sourceGref(0xFFFF_FFFFL, 0xFFFF, 0xFFFF)
                        .destGref(0, 0xFFFF, 0xFFFF)
                        .add(0xFFFF))
                .isZero();
    }

    @Test
    void anOpNeedsBothSidesAndTheLastSettingOfASideWins() {
        GrantCopyBatch b = new GrantCopyBatch();
        assertThatThrownBy(() -> b.op().destGref(1, 2, 3).add(4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without a source");
        assertThatThrownBy(() -> b.op().sourceGmfn(1, 2, 3).add(4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without a destination");
        GrantCopyBatch.Op op = b.op().sourceGmfn(1, 2, 3).destGmfn(4, 5, 6);
        assertThat(op.add(7)).isZero();
        assertThatThrownBy(() -> op.add(7))
                .as("an added op is not added twice")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.op().destGmfn(0, 0, 0).add(1))
                .as("op() starts afresh")
                .isInstanceOf(IllegalStateException.class);
        assertThat(b.op().sourceGref(8, 9, 10)
                        .sourceGmfn(11, 12, 13)
                        .destGmfn(14, 15, 16)
                        .destGref(17, 18, 19)
                        .add(20))
                .isEqualTo(1);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.sourceIsGref(1)).isFalse();
        assertThat(b.sourceRef(1)).isEqualTo(11);
        assertThat(b.sourceDomid(1)).isEqualTo(12);
        assertThat(b.sourceOffset(1)).isEqualTo(13);
        assertThat(b.destIsGref(1)).isTrue();
        assertThat(b.destRef(1)).isEqualTo(17);
        assertThat(b.destDomid(1)).isEqualTo(18);
        assertThat(b.destOffset(1)).isEqualTo(19);
        assertThat(b.length(1)).isEqualTo(20);
        assertThat(b.flags(1)).isEqualTo(GrantCopyLayout.GNTCOPY_DEST_GREF);
    }

    @Test
    void accessorsRefuseIndicesOutsideTheBatch() {
        GrantCopyBatch b = new GrantCopyBatch();
        b.op().sourceGmfn(0, 0, 0).destGmfn(0, 0, 0).add(1);
        for (int i : new int[] {-1, 1}) {
            assertThatThrownBy(() -> b.sourceIsGref(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.sourceRef(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.sourceDomid(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.sourceOffset(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.destIsGref(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.destRef(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.destDomid(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.destOffset(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.length(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.flags(i)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> b.status(i))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("op " + i)
                    .hasMessageContaining("size 1");
            assertThatThrownBy(() -> b.encode(i, new byte[GrantCopyLayout.SIZE], 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        b.clear();
        assertThatThrownBy(() -> b.length(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void encodesTheX8664LayoutFieldByField() {
        GrantCopyBatch b = new GrantCopyBatch();
        b.op().sourceGmfn(0x0102_0304_0506L, Hypervisor.DOMID_SELF, 0x0A0B)
                .destGref(0x7788_99AAL, 0x0C0D, 0x0E0F)
                .add(0x1112);
        byte[] out = new byte[5 + GrantCopyLayout.SIZE + 3];
        java.util.Arrays.fill(out, (byte) 0x5A);
        b.encode(0, out, 5);
        ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getLong(5)).isEqualTo(0x0102_0304_0506L);
        assertThat(bb.getShort(5 + 8)).isEqualTo((short) Hypervisor.DOMID_SELF);
        assertThat(bb.getShort(5 + 10)).isEqualTo((short) 0x0A0B);
        assertThat(bb.getInt(5 + 12)).as("padding zeroed").isZero();
        assertThat(bb.getLong(5 + 16)).isEqualTo(0x7788_99AAL);
        assertThat(bb.getShort(5 + 24)).isEqualTo((short) 0x0C0D);
        assertThat(bb.getShort(5 + 26)).isEqualTo((short) 0x0E0F);
        assertThat(bb.getInt(5 + 28)).isZero();
        assertThat(bb.getShort(5 + 32)).isEqualTo((short) 0x1112);
        assertThat(bb.getShort(5 + 34)).isEqualTo((short) GrantCopyLayout.GNTCOPY_DEST_GREF);
        assertThat(bb.getShort(5 + 36)).isZero();
        assertThat(bb.getShort(5 + 38)).isZero();
        assertThat(out[4]).as("byte before the struct untouched").isEqualTo((byte) 0x5A);
        assertThat(out[5 + GrantCopyLayout.SIZE])
                .as("byte after the struct untouched")
                .isEqualTo((byte) 0x5A);
    }

    @Test
    void decodesAnEncodedOpAtAnOffsetKeepingStatusAndFlags() {
        byte[] raw = new byte[3 + GrantCopyLayout.SIZE];
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(3, 0xDEAD_0000_0000_0011L); // source gref 0x11, high bits not part of grant_ref_t
        bb.putShort(3 + 8, (short) 0x1234);
        bb.putShort(3 + 10, (short) 0xFFF0);
        bb.putLong(3 + 16, 0xBEEF_0000_0000_0022L); // dest gmfn: all 64 bits kept
        bb.putShort(3 + 24, (short) 0x4321);
        bb.putShort(3 + 26, (short) 0x0100);
        bb.putShort(3 + 32, (short) 0x8000);
        bb.putShort(3 + 34, (short) (GrantCopyLayout.GNTCOPY_SOURCE_GREF | 0x40));
        bb.putShort(3 + 36, (short) GntStatus.BAD_PAGE);
        GrantCopyBatch b = new GrantCopyBatch();
        b.op().sourceGmfn(0, 0, 0).destGmfn(0, 0, 0).add(0);
        assertThat(b.addEncoded(raw, 3)).isEqualTo(1);
        assertThat(b.sourceIsGref(1)).isTrue();
        assertThat(b.destIsGref(1)).isFalse();
        assertThat(b.sourceRef(1)).isEqualTo(0x11L);
        assertThat(b.sourceDomid(1)).isEqualTo(0x1234);
        assertThat(b.sourceOffset(1)).isEqualTo(0xFFF0);
        assertThat(b.destRef(1)).isEqualTo(0xBEEF_0000_0000_0022L);
        assertThat(b.destDomid(1)).isEqualTo(0x4321);
        assertThat(b.destOffset(1)).isEqualTo(0x0100);
        assertThat(b.length(1)).isEqualTo(0x8000);
        assertThat(b.flags(1)).as("undefined flag bits kept").isEqualTo(GrantCopyLayout.GNTCOPY_SOURCE_GREF | 0x40);
        assertThat(b.status(1)).isEqualTo(GntStatus.BAD_PAGE);

        bb.putShort(3 + 34, (short) GrantCopyLayout.GNTCOPY_DEST_GREF);
        assertThat(b.addEncoded(raw, 3)).isEqualTo(2);
        assertThat(b.sourceRef(2)).as("a gmfn keeps all 64 bits").isEqualTo(0xDEAD_0000_0000_0011L);
        assertThat(b.destRef(2)).as("grant_ref_t is the low 32 bits").isEqualTo(0x22L);

        byte[] again = new byte[GrantCopyLayout.SIZE];
        b.encode(1, again, 0);
        GrantCopyBatch c = new GrantCopyBatch();
        c.addEncoded(again, 0);
        assertThat(c.sourceRef(0)).isEqualTo(0x11L);
        assertThat(c.length(0)).isEqualTo(0x8000);
        assertThat(c.status(0)).isEqualTo(GntStatus.BAD_PAGE);
    }
}
