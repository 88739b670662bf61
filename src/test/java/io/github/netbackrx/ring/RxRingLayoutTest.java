package io.github.netbackrx.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class RxRingLayoutTest {

    private static ByteBuffer le(byte[] page) {
        return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void ringSizeIsDerivedFromPageAndEntrySize() {
        assertThat(RxRing.ENTRY_SIZE).isEqualTo(8);
        assertThat((4096 - 64) / 8).isEqualTo(504);
        assertThat(RxRing.SIZE).isEqualTo(256).isEqualTo(KernelLimits.NET_RX_RING_SIZE);
        assertThat(RxRing.create().size()).isEqualTo(256);
        // netif TX: 12-byte entries, 4032 / 12 = 336 -> 256
        assertThat(SharedRingLayout.ringSize(4096, 12)).isEqualTo(256);
        assertThat(SharedRingLayout.roundDownToPowerOfTwo(0)).isZero();
        assertThat(SharedRingLayout.roundDownToPowerOfTwo(1)).isEqualTo(1);
        assertThat(SharedRingLayout.roundDownToPowerOfTwo(511)).isEqualTo(256);
        assertThat(SharedRingLayout.roundDownToPowerOfTwo(512)).isEqualTo(512);
        assertThatThrownBy(() -> SharedRingLayout.ringSize(64, 8)).hasMessageContaining("__CONST_RING_SIZE");
    }

    @Test
    void sharedRingInitSetsEventsToOneAndZeroesHeader() {
        byte[] page = new byte[4096];
        java.util.Arrays.fill(page, (byte) 0x5A);
        RxRing ring = RxRing.wrap(page);
        ring.init();
        ByteBuffer b = le(ring.pageCopy());
        assertThat(b.getInt(0)).isZero();
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getInt(8)).isZero();
        assertThat(b.getInt(12)).isEqualTo(1);
        for (int i = 16; i < 64; i++) {
            assertThat(b.get(i)).as("pvt/pad byte %d", i).isZero();
        }
        assertThat(b.get(64)).as("entries untouched").isEqualTo((byte) 0x5A);
        // wrap shares the page
        ring.setReqProd(7);
        assertThat(le(page).getInt(0)).isEqualTo(7);
    }

    @Test
    void headerFieldsAtXenOffsets() {
        RxRing ring = RxRing.create();
        ring.setReqProd(0x11223344);
        ring.setReqEvent(0x55667788);
        ring.setRspProd(0x99AABBCC);
        ring.setRspEvent(0xDDEEFF00);
        ring.setPvt(0x01020304);
        byte[] p = ring.pageCopy();
        assertThat(p[0]).isEqualTo((byte) 0x44);
        assertThat(p[3]).isEqualTo((byte) 0x11);
        ByteBuffer b = le(p);
        assertThat(b.getInt(SharedRingLayout.REQ_PROD_OFFSET)).isEqualTo(0x11223344);
        assertThat(b.getInt(4)).isEqualTo(0x55667788);
        assertThat(b.getInt(8)).isEqualTo(0x99AABBCC);
        assertThat(b.getInt(12)).isEqualTo(0xDDEEFF00);
        assertThat(b.getInt(16)).isEqualTo(0x01020304);
        assertThat(ring.pageView().getInt(12)).isEqualTo(0xDDEEFF00);
        assertThat(ring.rspProd()).isEqualTo(0x99AABBCC);
    }

    @Test
    void requestResponseAndExtraAtXenOffsets() {
        RxRing ring = RxRing.create();
        RxRing.FrontRing front = ring.attachFront(0);
        int index = 0x1_0003; // slot 3
        ring.writeRequest(index, 0xBEEF, 0xCAFEF00D);
        front.setReqProdPvt(0);
        assertThat(front.postRequest(0x1234, 0x0A0B0C0D)).isZero();
        ByteBuffer b = le(ring.pageCopy());
        int e3 = 64 + 3 * 8;
        assertThat(RxRing.entryOffset(index)).isEqualTo(e3);
        assertThat(b.getShort(e3) & 0xFFFF).isEqualTo(0xBEEF);
        assertThat(b.getShort(e3 + 2)).isZero();
        assertThat(b.getInt(e3 + 4)).isEqualTo(0xCAFEF00D);
        assertThat(b.getShort(64) & 0xFFFF).isEqualTo(0x1234);
        assertThat(b.getInt(68)).isEqualTo(0x0A0B0C0D);
        assertThat(ring.requestId(index)).isEqualTo(0xBEEF);
        assertThat(ring.requestGref(index)).isEqualTo(0xCAFEF00D);

        // response overlays the request in the same slot
        ring.writeResponse(index, 0xFFFF, 0x8001, Netif.RXF_MORE_DATA | Netif.RXF_EXTRA_INFO, -2);
        b = le(ring.pageCopy());
        assertThat(b.getShort(e3) & 0xFFFF).isEqualTo(0xFFFF);
        assertThat(b.getShort(e3 + RxResponseLayout.OFFSET_OFFSET) & 0xFFFF).isEqualTo(0x8001);
        assertThat(b.getShort(e3 + 4)).isEqualTo((short) 0x000C);
        assertThat(b.getShort(e3 + 6)).isEqualTo((short) -2);
        assertThat(b.get(e3 + 6)).isEqualTo((byte) 0xFE);
        assertThat(ring.responseId(index)).isEqualTo(0xFFFF);
        assertThat(ring.responseOffset(index)).isEqualTo(0x8001);
        assertThat(ring.responseFlags(index)).isEqualTo(0xC);
        assertThat(ring.responseStatus(index)).isEqualTo(-2);
        ring.writeResponse(index, 0, 0, 0, 4096);
        assertThat(ring.responseStatus(index)).isEqualTo(4096);

        // GSO extra in slot 4
        ring.writeGsoExtra(4, Netif.EXTRA_FLAG_MORE, 1448, Netif.GSO_TYPE_TCPV6);
        b = le(ring.pageCopy());
        int e4 = 64 + 32;
        assertThat(b.get(e4)).isEqualTo((byte) Netif.EXTRA_TYPE_GSO);
        assertThat(b.get(e4 + 1)).isEqualTo((byte) 1);
        assertThat(b.getShort(e4 + 2)).isEqualTo((short) 1448);
        assertThat(b.get(e4 + 4)).isEqualTo((byte) 2);
        assertThat(b.get(e4 + 5)).isZero();
        assertThat(b.getShort(e4 + 6)).isZero();
        assertThat(ring.extraType(4)).isEqualTo(1);
        assertThat(ring.extraFlags(4)).isEqualTo(1);
        assertThat(ring.extraGsoSize(4)).isEqualTo(1448);
        assertThat(ring.extraGsoType(4)).isEqualTo(2);
        assertThat(ring.extraGsoFeatures(4)).isZero();

        // hash and mcast members
        ring.writeHashExtra(5, 0, 7, 1, 0xA1B2C3D4);
        b = le(ring.pageCopy());
        int e5 = 64 + 40;
        assertThat(b.get(e5)).isEqualTo((byte) 4);
        assertThat(b.get(e5 + 2)).isEqualTo((byte) 7);
        assertThat(b.get(e5 + 3)).isEqualTo((byte) 1);
        assertThat(b.get(e5 + 4)).isEqualTo((byte) 0xD4);
        assertThat(ring.extraHashType(5)).isEqualTo(7);
        assertThat(ring.extraHashAlgorithm(5)).isEqualTo(1);
        assertThat(ring.extraHashValue(5)).isEqualTo(0xA1B2C3D4);
        ring.writeMcastExtra(6, Netif.EXTRA_TYPE_MCAST_ADD, 0, 0x01005E0000FBL);
        b = le(ring.pageCopy());
        int e6 = 64 + 48;
        assertThat(b.get(e6)).isEqualTo((byte) 2);
        assertThat(b.get(e6 + 2)).isEqualTo((byte) 0x01);
        assertThat(b.get(e6 + 7)).isEqualTo((byte) 0xFB);
        assertThat(ring.extraMcastAddress(6)).isEqualTo(0x01005E0000FBL);

        // the last slot: index 255 ends at byte 64 + 2048
        ring.writeResponse(-1, 1, 2, 3, 4);
        assertThat(RxRing.entryOffset(-1)).isEqualTo(64 + 255 * 8);
        assertThat(le(ring.pageCopy()).getShort(64 + 255 * 8 + 6)).isEqualTo((short) 4);
    }

    @Test
    void fieldWidthsAreChecked() {
        RxRing ring = RxRing.create();
        assertThatThrownBy(() -> ring.writeRequest(0, 0x10000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("netif_rx_request.id: 65536 does not fit u16 (0 .. 65535)");
        assertThatThrownBy(() -> ring.writeResponse(0, 0, 0, 0, 32768))
                .hasMessage("netif_rx_response.status: 32768 does not fit s16 (-32768 .. 32767)");
        assertThatThrownBy(() -> ring.writeResponse(0, 0, -1, 0, 0)).hasMessageContaining("offset");
        assertThatThrownBy(() -> ring.writeGsoExtra(0, 256, 0, 1)).hasMessageContaining("flags");
        assertThatThrownBy(() -> ring.writeMcastExtra(0, 4, 0, 0)).hasMessageContaining("MCAST_ADD");
        assertThatThrownBy(() -> RxRing.wrap(new byte[100]))
                .hasMessage("ring page: must be exactly 4096 bytes, got 100");
    }
}
