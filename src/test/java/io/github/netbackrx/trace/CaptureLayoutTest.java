package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CaptureLayoutTest {

    private static CapturedFrame frame(byte[] b) {
        return new CapturedFrame(0, b.length, b);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 0x5EEDL, 20100701L})
    void captureImportRoundTripsPacketSizesThroughEveryPolicy(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<CapturedFrame> frames = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int size = r.nextInt(5) == 0 ? 1 + r.nextInt(65549) : 54 + r.nextInt(1461);
            frames.add(frame(CaptureFiles.tcpFrame(Math.max(size, 86), r.nextBoolean(), 32, r.nextLong())));
        }
        ByteOrder order = seed % 2 == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<CapturedFrame> back =
                CaptureReader.read(new ByteArrayInputStream(CaptureFiles.pcap(order, true, 0, 1, frames)));
        for (CaptureLayout layout : List.of(
                CaptureLayout.defaults(),
                CaptureLayout.builder().parsedHeaders().frags(256, 3840).build())) {
            for (int i = 0; i < frames.size(); i++) {
                Skb skb = layout.toSkb(back.get(i));
                assertThat(skb.length()).isEqualTo(frames.get(i).capturedLength());
                assertThat(skb.hasGso()).isEqualTo(skb.length() > 1514);
                for (PackingPolicy p : PackingPolicy.values()) {
                    // FreeBSD's 16-bit xnb_pkt.size loses the bytes of a frame of 64 KiB or more
                    boolean wraps = p == PackingPolicy.FREEBSD && skb.length() > 65535;
                    assertThat(PlanChecker.check(skb, RxPacker.of(p).plan(skb)).isEmpty())
                            .as("%s %s %s", layout, p, skb)
                            .isEqualTo(!wraps);
                }
            }
        }
    }

    @Test
    void theDefaultLayoutPuts128BytesInTheHeadAndTheRestInPages() {
        Skb skb = CaptureLayout.defaults().toSkb(frame(new byte[9014]));
        assertThat(skb.toString()).isEqualTo("head=64+128 frag=0+4096 frag=0+4096 frag=0+694 gso=1460/tcpv4");
        assertThat(CaptureLayout.defaults().toSkb(frame(new byte[60])).toString())
                .isEqualTo("head=64+60");
        assertThat(CaptureLayout.defaults().toString())
                .isEqualTo("CaptureLayout[head=64+128, frags=0+4096, mtu=1500, csum=none]");
    }

    @Test
    void parsedHeadersFindEthernetVlanIpAndTransportHeaders() {
        CaptureLayout l = CaptureLayout.builder()
                .parsedHeaders()
                .headOffset(2)
                .frags(100, 1000)
                .checksum(ChecksumState.UNNECESSARY)
                .build();
        assertThat(l.toSkb(frame(CaptureFiles.tcpFrame(1514, false, 32, 1))).toString())
                .isEqualTo("head=2+66 frag=100+1000 frag=100+448 csum=unnecessary");
        Skb v6 = l.toSkb(frame(CaptureFiles.tcpFrame(9014, true, 32, 2)));
        assertThat(v6.headLength()).isEqualTo(86);
        assertThat(v6.gsoSize()).isEqualTo(1500 - 40 - 32);
        assertThat(v6.gsoType()).isEqualTo(GsoType.TCPV6);
        Skb v4 = l.toSkb(frame(CaptureFiles.tcpFrame(3000, false, 20, 3)));
        assertThat(v4.headLength()).isEqualTo(54);
        assertThat(v4.gsoSize()).isEqualTo(1460);
        assertThat(v4.gsoType()).isEqualTo(GsoType.TCPV4);

        byte[] udp = CaptureFiles.tcpFrame(300, false, 20, 4);
        udp[14 + 9] = 17;
        assertThat(CaptureLayout.headerLength(udp)).isEqualTo(42);
        byte[] vlan = new byte[300];
        vlan[12] = (byte) 0x81;
        vlan[16] = 0x08;
        vlan[18] = 0x45;
        vlan[18 + 9] = 6;
        vlan[18 + 20 + 12] = (byte) 0x80;
        assertThat(CaptureLayout.headerLength(vlan)).isEqualTo(18 + 20 + 32);
        byte[] arp = new byte[60];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertThat(CaptureLayout.headerLength(arp)).isEqualTo(14);
        assertThat(CaptureLayout.headerLength(new byte[5])).isEqualTo(5);
        byte[] cutTcp = CaptureFiles.tcpFrame(54, false, 20, 5);
        assertThat(CaptureLayout.headerLength(java.util.Arrays.copyOf(cutTcp, 40)))
                .isEqualTo(34);
        byte[] allVlan = new byte[5000];
        for (int i = 12; i + 1 < allVlan.length; i += 4) {
            allVlan[i] = (byte) 0x81;
        }
        assertThat(l.toSkb(frame(allVlan)).headLength()).isEqualTo(4096 - 2);
    }

    @Test
    void framesThatNeedTooManyFragmentsOrHaveNoBytesAreRefused() {
        assertThatThrownBy(() -> CaptureLayout.defaults().toSkb(frame(new byte[262144])))
                .isInstanceOf(InvalidPacketException.class)
                .hasMessage("captured frame of 262144 bytes needs 64 fragments of 4096 bytes after a 128-byte head,"
                        + " more than 18");
        assertThatThrownBy(() -> CaptureLayout.defaults().toSkb(new CapturedFrame(0, 60, new byte[0])))
                .isInstanceOf(InvalidPacketException.class)
                .hasMessage("captured frame has no bytes: an empty packet cannot be planned");
    }

    @Test
    void builderValuesAreValidated() {
        CaptureLayout.Builder b = CaptureLayout.builder();
        assertThatThrownBy(() -> b.headerBytes(0)).hasMessage("header bytes 0 outside 1..4096");
        assertThatThrownBy(() -> b.headOffset(4096)).hasMessage("head offset 4096 outside 0..4095");
        assertThatThrownBy(() -> b.frags(4000, 100))
                .hasMessage("fragments at offset 4000 of 100 bytes do not fit a 4096-byte page");
        assertThatThrownBy(() -> b.frags(-1, 0))
                .hasMessage("fragments at offset -1 of 0 bytes do not fit a 4096-byte page");
        assertThatThrownBy(() -> b.mtu(67)).hasMessage("MTU 67 outside 68..65535");
        assertThatThrownBy(() -> CaptureLayout.builder()
                        .headOffset(4000)
                        .headerBytes(128)
                        .build())
                .hasMessage("a head of 128 bytes at offset 4000 does not fit a 4096-byte page");
        assertThat(CaptureLayout.builder()
                        .mtu(9000)
                        .build()
                        .toSkb(frame(new byte[9014]))
                        .hasGso())
                .isFalse();
    }
}
