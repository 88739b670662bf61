package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CaptureReaderTest {
    private static final int[] SIZES = {1, 14, 54, 60, 590, 1514, 4096, 4097, 9014, 65535, 65549};

    static Stream<Arguments> ordersAndUnits() {
        return Stream.of(
                Arguments.of(ByteOrder.BIG_ENDIAN, false),
                Arguments.of(ByteOrder.BIG_ENDIAN, true),
                Arguments.of(ByteOrder.LITTLE_ENDIAN, false),
                Arguments.of(ByteOrder.LITTLE_ENDIAN, true));
    }

    static List<CapturedFrame> frames(long seed, boolean nanos) {
        SplittableRandom r = new SplittableRandom(seed);
        List<CapturedFrame> frames = new ArrayList<>();
        long t = 1_700_000_000_000_000_000L;
        for (int size : SIZES) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            t += r.nextInt(1_000_000) * (nanos ? 1L : 1000L);
            frames.add(new CapturedFrame(t, size, b));
        }
        byte[] cut = new byte[96];
        r.nextBytes(cut);
        frames.add(new CapturedFrame(t + 5000, 1514, cut));
        return frames;
    }

    static List<CapturedFrame> read(byte[] file) throws IOException {
        return CaptureReader.read(new ByteArrayInputStream(file));
    }

    static String error(byte[] file) {
        try {
            read(file);
        } catch (CaptureFormatException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no CaptureFormatException");
    }

    // ---- pcap -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} nanos={1}")
    @MethodSource("ordersAndUnits")
    void pcapRoundTripsSizesTimestampsAndTruncatedFrames(ByteOrder order, boolean nanos) throws IOException {
        List<CapturedFrame> frames = frames(order.hashCode() + (nanos ? 1 : 0), nanos);
        List<CapturedFrame> back = read(CaptureFiles.pcap(order, nanos, 262144, 1, frames));
        assertThat(back).isEqualTo(frames);
        assertThat(back.stream()
                        .mapToInt(CapturedFrame::capturedLength)
                        .limit(SIZES.length)
                        .toArray())
                .containsExactly(SIZES);
        assertThat(back.get(back.size() - 1).truncated()).isTrue();
        assertThat(back.get(back.size() - 1).originalLength()).isEqualTo(1514);
    }

    @Test
    void pcapLinkTypeFieldKeepsOnlyItsLow16Bits() throws IOException {
        List<CapturedFrame> frames = frames(3, false);
        assertThat(read(CaptureFiles.pcap(ByteOrder.LITTLE_ENDIAN, false, 0, 0x1234_0001, frames)))
                .isEqualTo(frames);
    }

    @Test
    void aPcapWithNoRecordsHasNoFrames() throws IOException {
        assertThat(read(CaptureFiles.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1, List.of())))
                .isEmpty();
    }

    @Test
    void pcapTruncationIsRefusedNamingTheRecord() {
        List<CapturedFrame> frames = frames(4, false).subList(0, 3);
        byte[] file = CaptureFiles.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1, frames);
        int third = 24 + 16 + 1 + 16 + 14;
        assertThat(error(Arrays.copyOf(file, third + 7)))
                .isEqualTo("pcap record 2 at byte " + third
                        + ": truncated record header: the file ends after 7 of its 16 bytes");
        assertThat(error(Arrays.copyOf(file, third + 16 + 10)))
                .isEqualTo("pcap record 2 at byte " + third
                        + ": truncated frame: captured length 54 but the file ends after 10 bytes");
        assertThat(error(Arrays.copyOf(file, 23)))
                .isEqualTo("pcap file header: truncated: 20 bytes needed at byte 4, the file ends after 19");
    }

    @Test
    void pcapLengthRulesAreChecked() {
        List<CapturedFrame> one = List.of(new CapturedFrame(0, 200, new byte[200]));
        assertThat(error(CaptureFiles.pcap(ByteOrder.LITTLE_ENDIAN, false, 100, 1, one)))
                .isEqualTo("pcap record 0 at byte 24: captured length 200 exceeds the snapshot length 100");
        byte[] file = CaptureFiles.pcap(ByteOrder.LITTLE_ENDIAN, false, 0, 1, one);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 12, 199);
        assertThat(error(file))
                .isEqualTo("pcap record 0 at byte 24: captured length 200 exceeds the original length 199");
        ByteBuffer.wrap(file)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(24 + 8, 300_000)
                .putInt(24 + 12, 300_000);
        assertThat(error(file))
                .isEqualTo("pcap record 0 at byte 24: captured length 300000 exceeds the maximum 262144");
    }

    @Test
    void badMagicsVersionsAndLinkTypesAreRefused() {
        assertThat(error(new byte[] {1, 2})).startsWith("capture file too short: 2 bytes");
        assertThat(error(new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2, (byte) 0xA2, 0, 0}))
                .startsWith("bad magic number 0xD4C3B2A2 at byte 0: not a pcap file");
        byte[] file = CaptureFiles.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1, List.of());
        ByteBuffer.wrap(file).putShort(4, (short) 3);
        assertThat(error(file)).isEqualTo("pcap version 3.4 is not supported (the format is version 2.x)");
        assertThat(error(CaptureFiles.pcap(ByteOrder.BIG_ENDIAN, true, 65535, 105, List.of())))
                .isEqualTo("pcap file header: link type 105 is not supported (only 1, LINKTYPE_ETHERNET, is read)");
    }

    // ---- pcapng ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(booleans = {true, false})
    void pcapngRoundTripsEnhancedPacketsInBothByteOrders(boolean big) throws IOException {
        ByteOrder order = big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<CapturedFrame> frames = frames(big ? 5 : 6, false);
        CaptureFiles.Ng ng = new CaptureFiles.Ng(order).iface(1, 0, -1);
        ng.block(0x0000_0BAD, new byte[8]); // an unknown block: skipped
        ng.block(5, new byte[16]); // interface statistics: skipped
        for (CapturedFrame f : frames) {
            ng.epb(0, f.timestampNanos() / 1000, f);
        }
        assertThat(read(ng.bytes())).isEqualTo(frames);
    }

    @Test
    void pcapngTimestampResolutionsAndSections() throws IOException {
        CapturedFrame a = new CapturedFrame(0, 60, new byte[60]);
        byte[] file = new CaptureFiles.Ng(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, 9)
                .iface(1, 0, 0x80 | 10)
                .epb(0, 1_234_567_891L, a)
                .epb(1, 3L * 1024, a)
                .section(ByteOrder.BIG_ENDIAN)
                .iface(1, 0, 3)
                .epb(0, 7, a)
                .bytes();
        assertThat(read(file).stream().map(CapturedFrame::timestampNanos))
                .containsExactly(1_234_567_891L, 3_000_000_000L, 7_000_000L);
    }

    @Test
    void simplePacketsUseInterfaceZeroAndItsSnapshotLength() throws IOException {
        byte[] data = new byte[1514];
        new SplittableRandom(7).nextBytes(data);
        byte[] file = new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                .iface(1, 100, -1)
                .spb(1514, Arrays.copyOf(data, 100))
                .spb(50, Arrays.copyOf(data, 52))
                .bytes();
        List<CapturedFrame> frames = read(file);
        assertThat(frames)
                .containsExactly(
                        new CapturedFrame(0, 1514, Arrays.copyOf(data, 100)),
                        new CapturedFrame(0, 50, Arrays.copyOf(data, 50)));
    }

    @Test
    void pcapngBlockRulesAreChecked() {
        CapturedFrame a = new CapturedFrame(0, 60, new byte[60]);
        byte[] good = new CaptureFiles.Ng(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .epb(0, 0, a)
                .bytes();
        int idb = 28;
        int epb = idb + 20;

        byte[] notMultiple = good.clone();
        ByteBuffer.wrap(notMultiple).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 4, 94);
        assertThat(error(notMultiple))
                .isEqualTo("pcapng block EPB at byte 48: bad block total length 94 (must be a multiple of 4, at"
                        + " least 12 and at most 16777216)");

        byte[] mismatch = good.clone();
        ByteBuffer.wrap(mismatch).order(ByteOrder.LITTLE_ENDIAN).putInt(good.length - 4, 96);
        assertThat(error(mismatch))
                .isEqualTo("pcapng block EPB at byte 48: block total length 92 at the start but 96 at the end");

        assertThat(error(Arrays.copyOf(good, good.length - 3)))
                .isEqualTo("pcapng block EPB at byte 48: truncated block: total length 92 but the file ends after 89"
                        + " bytes of it");
        assertThat(error(Arrays.copyOf(good, epb + 2)))
                .isEqualTo("pcapng block at byte 48: truncated block type: the file ends after 2 of its 4 bytes");

        byte[] badBom = good.clone();
        ByteBuffer.wrap(badBom).putInt(8, 0x01020304);
        assertThat(error(badBom))
                .isEqualTo("pcapng section header block at byte 0: bad byte-order magic 0x01020304 (want 1A2B3C4D"
                        + " in either byte order)");

        byte[] version = good.clone();
        ByteBuffer.wrap(version).order(ByteOrder.LITTLE_ENDIAN).putShort(12, (short) 2);
        assertThat(error(version))
                .isEqualTo(
                        "pcapng block SHB at byte 0: pcapng version 2.0 is not supported (the format is version 1.x)");

        byte[] room = good.clone();
        ByteBuffer.wrap(room)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(epb + 8 + 12, 65)
                .putInt(epb + 8 + 16, 65);
        assertThat(error(room))
                .isEqualTo(
                        "pcapng block EPB at byte 48: captured length 65 exceeds the block's room 60 for packet data");

        byte[] orig = good.clone();
        ByteBuffer.wrap(orig).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 8 + 16, 59);
        assertThat(error(orig))
                .isEqualTo("pcapng block EPB at byte 48: captured length 60 exceeds the original length 59");
    }

    @Test
    void pcapngInterfacesMustBeDescribedAndEthernet() {
        CapturedFrame a = new CapturedFrame(0, 60, new byte[60]);
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .iface(1, 0, -1)
                        .epb(1, 0, a)
                        .bytes()))
                .isEqualTo("pcapng block EPB at byte 48: interface 1 is not described (the section has 1 interface"
                        + " description blocks)");
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .iface(1, 0, -1)
                        .section(ByteOrder.LITTLE_ENDIAN)
                        .spb(4, new byte[4])
                        .bytes()))
                .isEqualTo("pcapng block SPB at byte 76: interface 0 is not described (the section has 0 interface"
                        + " description blocks)");
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .iface(105, 0, -1)
                        .epb(0, 0, a)
                        .bytes()))
                .isEqualTo("pcapng block EPB at byte 48: link type 105 is not supported (only 1, LINKTYPE_ETHERNET,"
                        + " is read)");
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .block(1, new byte[4])
                        .bytes()))
                .isEqualTo("pcapng block IDB at byte 28: body of 4 bytes is too short for its link type, reserved and"
                        + " snaplen (8)");
    }

    @Test
    void badInterfaceOptionsAreRefused() {
        ByteBuffer body = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        body.putShort((short) 1)
                .putShort((short) 0)
                .putInt(0)
                .putShort((short) 9)
                .putShort((short) 9);
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .block(1, body.array())
                        .bytes()))
                .isEqualTo("pcapng block IDB at byte 28: option 9 of length 9 runs past the end of the block");
        body = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        body.putShort((short) 1)
                .putShort((short) 0)
                .putInt(0)
                .putShort((short) 9)
                .putShort((short) 2);
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .block(1, body.array())
                        .bytes()))
                .isEqualTo("pcapng block IDB at byte 28: option if_tsresol has length 2, want 1");
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .iface(1, 0, 19)
                        .bytes()))
                .isEqualTo("pcapng block IDB at byte 28: option if_tsresol 19 is finer than this reader handles");
        CapturedFrame a = new CapturedFrame(0, 1, new byte[1]);
        assertThat(error(new CaptureFiles.Ng(ByteOrder.BIG_ENDIAN)
                        .iface(1, 0, 0)
                        .epb(0, -1L, a)
                        .bytes()))
                .isEqualTo("pcapng block EPB at byte 60: timestamp 18446744073709551615 at resolution 0 does not fit"
                        + " 64-bit nanoseconds");
    }

    // ---- the checked-in captures ------------------------------------------------------------------

    /** Made by src/test/resources/capture/make_captures.py, a writer independent of this project's code. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-le-usec.pcap", "tiny-be-nsec.pcap", "tiny.pcapng"})
    void theCheckedInCapturesRead(String name, @TempDir Path dir) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = CaptureReaderTest.class.getResourceAsStream("/capture/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.write(file, in.readAllBytes());
        }
        List<CapturedFrame> frames = CaptureReader.read(file);
        assertThat(frames.stream().mapToInt(CapturedFrame::originalLength).toArray())
                .containsExactly(54, 590, 1514, 9014, 66);
        assertThat(frames.stream().mapToInt(CapturedFrame::capturedLength).toArray())
                .containsExactly(54, 590, 1514, 9014, 66);
        assertThat(frames.get(0).timestampNanos()).isEqualTo(1_262_304_000_000_001_000L);
        for (CapturedFrame f : frames) {
            byte[] b = f.bytes();
            for (int i = 0; i < b.length; i++) {
                assertThat(b[i]).as("%s byte %d", name, i).isEqualTo((byte) (i * 7 + f.originalLength()));
            }
        }
    }

    @Test
    void framesAreValuesWithCopiedBytes() {
        byte[] b = {1, 2, 3};
        CapturedFrame f = new CapturedFrame(5, 4, b);
        b[0] = 9;
        assertThat(f.bytes()).containsExactly(1, 2, 3);
        f.bytes()[1] = 9;
        assertThat(f.bytes()).containsExactly(1, 2, 3);
        assertThat(f)
                .isEqualTo(new CapturedFrame(5, 4, new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new CapturedFrame(5, 4, new byte[] {1, 2, 3}));
        assertThat(f).isNotEqualTo(new CapturedFrame(5, 3, new byte[] {1, 2, 3}));
        assertThat(f.toString()).isEqualTo("CapturedFrame[t=5ns, 3/4 bytes]");
        assertThatThrownBy(() -> new CapturedFrame(0, 2, b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("captured length 3 exceeds the original length 2");
    }
}
