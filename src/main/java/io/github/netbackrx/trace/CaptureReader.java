package io.github.netbackrx.trace;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads the frames of a packet-capture file in the classic pcap format or in pcapng, with the
 * Ethernet link type ({@code LINKTYPE_ETHERNET}, 1) only. The format is told by the file's first
 * four bytes. No native library is involved: this is a plain reader of the two file formats.
 *
 * <h2>pcap</h2>
 *
 * <pre>
 *   file header (24 bytes): magic u32 | version major u16, minor u16 | thiszone s32 | sigfigs u32
 *                           | snaplen u32 | link type u32
 *   per record  (16 bytes): ts seconds u32 | ts fraction u32 | incl_len u32 | orig_len u32
 *                           followed by incl_len bytes of frame
 * </pre>
 *
 * <p>The magic {@code 0xA1B2C3D4} (microsecond timestamps) or {@code 0xA1B23C4D} (nanosecond),
 * read in the writer's byte order, tells both the byte order and the timestamp unit; any other
 * value is refused. The version must be 2.x. The link type is the low 16 bits of its field. Every
 * record must satisfy {@code incl_len <= orig_len}, {@code incl_len <= snaplen} (when the snapshot
 * length is not 0) and {@code incl_len <= 262144}; a file that ends inside a record header or a
 * frame is truncated, and refused.
 *
 * <h2>pcapng</h2>
 *
 * <pre>
 *   block: type u32 | total length u32 | body ... padded to 4 bytes | total length u32
 * </pre>
 *
 * <p>The file starts with a Section Header Block (type {@code 0x0A0D0D0A}) whose byte-order magic
 * {@code 0x1A2B3C4D} sets the byte order of its section; a new section header may follow later and
 * resets the interfaces. Interface Description Blocks (type 1) give each interface's link type,
 * snapshot length and timestamp resolution (option {@code if_tsresol}, default microseconds).
 * Enhanced Packet Blocks (type 6) and Simple Packet Blocks (type 3, interface 0, captured length
 * {@code min(original length, snaplen)}) carry frames; every other block type is skipped. A block's
 * total length must be at least 12, a multiple of 4, at most 16 MiB, equal at both ends, and big
 * enough for what its body declares.
 *
 * <p>Every violation throws a {@link CaptureFormatException} naming the rule, the values and the
 * byte offset in the file.
 */
public final class CaptureReader {
    /** {@code LINKTYPE_ETHERNET}: the only link type read. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** The largest frame a record may carry (the snapshot length tools use for "everything"). */
    public static final int MAX_CAPTURED_LENGTH = 262144;
    /** The largest pcapng block read. */
    public static final int MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

    static final int PCAP_MICRO = 0xA1B2C3D4;
    static final int PCAP_NANO = 0xA1B23C4D;
    static final int PCAPNG_SHB = 0x0A0D0D0A;
    static final int PCAPNG_BYTE_ORDER = 0x1A2B3C4D;
    static final int PCAPNG_IDB = 1;
    static final int PCAPNG_SPB = 3;
    static final int PCAPNG_EPB = 6;
    static final int OPT_END = 0;
    static final int OPT_IF_TSRESOL = 9;

    /** Where the frames come from, and what has been read of the file so far. */
    private final Input in;
    /** The format: true for pcapng, false for classic pcap. */
    private final boolean pcapng;
    /** pcap: the byte order of the records; pcapng: the current section's (null before the first). */
    private ByteOrder order;
    /** pcap: whether timestamps are in nanoseconds. */
    private boolean nanos;
    /** pcap: the snapshot length of the file header (0: none). */
    private long snaplen;
    /** pcapng: the interfaces of the current section. */
    private final List<Interface> interfaces = new ArrayList<>();
    /** pcapng: whether the first block's type (read with the magic) is still to be handled. */
    private boolean firstBlock = true;
    /** Frames returned so far. */
    private long frames;

    private CaptureReader(Input in, boolean pcapng) {
        this.in = in;
        this.pcapng = pcapng;
    }

    /**
     * Reads every frame of a capture file.
     *
     * @param file the file
     * @return the frames, in file order
     * @throws CaptureFormatException if the file breaks a rule of its format
     * @throws IOException if reading fails
     */
    public static List<CapturedFrame> read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in);
        }
    }

    /**
     * Reads every frame of a capture from a stream, to its end (the stream is not closed). The
     * frames are held in memory: for a capture of any size, read it frame by frame with {@link
     * #open(InputStream)} instead.
     *
     * @param in the capture, pcap or pcapng
     * @return the frames, in file order
     * @throws CaptureFormatException if the capture breaks a rule of its format
     * @throws IOException if reading fails
     */
    public static List<CapturedFrame> read(InputStream in) throws IOException {
        CaptureReader reader = open(in);
        List<CapturedFrame> frames = new ArrayList<>();
        for (CapturedFrame f = reader.next(); f != null; f = reader.next()) {
            frames.add(f);
        }
        return frames;
    }

    /**
     * Starts reading a capture frame by frame: reads and checks the file header (pcap) or the
     * magic of the first section header (pcapng), nothing more. Each {@link #next()} then reads one
     * frame, so memory stays bounded by the largest record or block whatever the capture's size,
     * and a reader that stops early reads no further. The stream is not closed.
     *
     * @param in the capture, pcap or pcapng; buffer it for speed
     * @return the reader, before the first frame
     * @throws CaptureFormatException if the header breaks a rule of its format
     * @throws IOException if reading fails
     */
    public static CaptureReader open(InputStream in) throws IOException {
        Input input = new Input(Objects.requireNonNull(in, "in"));
        byte[] magic = input.readUpTo(4);
        if (magic.length < 4) {
            throw new CaptureFormatException(
                    "capture file too short: " + magic.length + " bytes, a file starts with a 4-byte magic number");
        }
        int big = ByteBuffer.wrap(magic).order(ByteOrder.BIG_ENDIAN).getInt();
        int little = ByteBuffer.wrap(magic).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (big == PCAPNG_SHB) {
            return new CaptureReader(input, true);
        }
        CaptureReader pcap = new CaptureReader(input, false);
        if (big == PCAP_MICRO || big == PCAP_NANO) {
            pcap.readPcapHeader(ByteOrder.BIG_ENDIAN, big == PCAP_NANO);
            return pcap;
        }
        if (little == PCAP_MICRO || little == PCAP_NANO) {
            pcap.readPcapHeader(ByteOrder.LITTLE_ENDIAN, little == PCAP_NANO);
            return pcap;
        }
        throw new CaptureFormatException(String.format(
                "bad magic number 0x%08X at byte 0: not a pcap file (A1B2C3D4 or A1B23C4D, either byte order)"
                        + " nor a pcapng file (0A0D0D0A)",
                big));
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or null at the end of the capture
     * @throws CaptureFormatException if the capture breaks a rule of its format
     * @throws IOException if reading fails
     */
    public CapturedFrame next() throws IOException {
        CapturedFrame frame = pcapng ? nextPcapng() : nextPcap();
        if (frame != null) {
            frames++;
        }
        return frame;
    }

    // ---- pcap -----------------------------------------------------------------------------------

    private void readPcapHeader(ByteOrder byteOrder, boolean nanoseconds) throws IOException {
        ByteBuffer h = in.readExactly(20, "pcap file header").order(byteOrder);
        int major = Short.toUnsignedInt(h.getShort());
        int minor = Short.toUnsignedInt(h.getShort());
        if (major != 2) {
            throw new CaptureFormatException(
                    "pcap version " + major + "." + minor + " is not supported (the format is version 2.x)");
        }
        h.getInt(); // thiszone: always 0 in practice, and ignored by readers
        h.getInt(); // sigfigs
        this.snaplen = Integer.toUnsignedLong(h.getInt());
        int linkType = h.getInt() & 0xFFFF;
        checkLinkType(linkType, "pcap file header");
        this.order = byteOrder;
        this.nanos = nanoseconds;
    }

    private CapturedFrame nextPcap() throws IOException {
        long at = in.position();
        byte[] first = in.readUpTo(16);
        if (first.length == 0) {
            return null;
        }
        String record = "pcap record " + frames + " at byte " + at;
        if (first.length < 16) {
            throw new CaptureFormatException(
                    record + ": truncated record header: the file ends after " + first.length + " of its 16 bytes");
        }
        ByteBuffer r = ByteBuffer.wrap(first).order(order);
        long seconds = Integer.toUnsignedLong(r.getInt());
        long fraction = Integer.toUnsignedLong(r.getInt());
        long incl = Integer.toUnsignedLong(r.getInt());
        long orig = Integer.toUnsignedLong(r.getInt());
        if (incl > orig) {
            throw new CaptureFormatException(
                    record + ": captured length " + incl + " exceeds the original length " + orig);
        }
        if (snaplen != 0 && incl > snaplen) {
            throw new CaptureFormatException(
                    record + ": captured length " + incl + " exceeds the snapshot length " + snaplen);
        }
        if (incl > MAX_CAPTURED_LENGTH) {
            throw new CaptureFormatException(
                    record + ": captured length " + incl + " exceeds the maximum " + MAX_CAPTURED_LENGTH);
        }
        if (orig > Integer.MAX_VALUE) {
            throw new CaptureFormatException(record + ": original length " + orig + " does not fit an int");
        }
        byte[] data = in.readUpTo((int) incl);
        if (data.length < incl) {
            throw new CaptureFormatException(record + ": truncated frame: captured length " + incl
                    + " but the file ends after " + data.length + " bytes");
        }
        long time = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
        return new CapturedFrame(time, (int) orig, data);
    }

    private static void checkLinkType(int linkType, String where) throws CaptureFormatException {
        if (linkType != LINKTYPE_ETHERNET) {
            throw new CaptureFormatException(where + ": link type " + linkType + " is not supported (only "
                    + LINKTYPE_ETHERNET + ", LINKTYPE_ETHERNET, is read)");
        }
    }

    // ---- pcapng ---------------------------------------------------------------------------------

    /** An interface of the current section. */
    private record Interface(int linkType, long snaplen, int tsresol) {}

    private CapturedFrame nextPcapng() throws IOException {
        while (true) {
            boolean first = firstBlock;
            long at = in.position() - (first ? 4 : 0);
            byte[] typeBytes = first ? new byte[] {0x0A, 0x0D, 0x0D, 0x0A} : in.readUpTo(4);
            firstBlock = false;
            if (typeBytes.length == 0) {
                return null;
            }
            if (typeBytes.length < 4) {
                throw new CaptureFormatException("pcapng block at byte " + at
                        + ": truncated block type: the file ends after " + typeBytes.length + " of its 4 bytes");
            }
            boolean shb = ByteBuffer.wrap(typeBytes).getInt() == PCAPNG_SHB;
            ByteBuffer lengthAndMagic;
            if (shb) {
                lengthAndMagic = in.readExactly(8, "pcapng section header block at byte " + at);
                int magicBig = lengthAndMagic.getInt(4);
                if (magicBig == PCAPNG_BYTE_ORDER) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (Integer.reverseBytes(magicBig) == PCAPNG_BYTE_ORDER) {
                    order = ByteOrder.LITTLE_ENDIAN;
                } else {
                    throw new CaptureFormatException(String.format(
                            "pcapng section header block at byte %d: bad byte-order magic 0x%08X (want 1A2B3C4D in"
                                    + " either byte order)",
                            at, magicBig));
                }
                interfaces.clear();
            } else {
                if (order == null) {
                    throw new IllegalStateException("a pcapng block before the section header");
                }
                lengthAndMagic = in.readExactly(4, "pcapng block at byte " + at);
            }
            int type = ByteBuffer.wrap(typeBytes).order(order).getInt();
            String block = "pcapng block " + blockName(type) + " at byte " + at;
            long total = Integer.toUnsignedLong(lengthAndMagic.order(order).getInt(0));
            if (total < 12 || total % 4 != 0 || total > MAX_BLOCK_LENGTH || (shb && total < 28)) {
                throw new CaptureFormatException(block + ": bad block total length " + total + " (must be a multiple"
                        + " of 4, at least " + (shb ? 28 : 12) + " and at most " + MAX_BLOCK_LENGTH + ")");
            }
            int consumed = shb ? 12 : 8;
            byte[] rest = in.readUpTo((int) total - consumed);
            if (rest.length < total - consumed) {
                throw new CaptureFormatException(block + ": truncated block: total length " + total
                        + " but the file ends after " + (consumed + rest.length) + " bytes of it");
            }
            ByteBuffer b = ByteBuffer.wrap(rest).order(order);
            int trailer = b.getInt(rest.length - 4);
            if (Integer.toUnsignedLong(trailer) != total) {
                throw new CaptureFormatException(block + ": block total length " + total + " at the start but "
                        + Integer.toUnsignedLong(trailer) + " at the end");
            }
            ByteBuffer body = b.slice(0, rest.length - 4).order(order);
            if (shb) {
                int major = Short.toUnsignedInt(body.getShort(0));
                if (major != 1) {
                    throw new CaptureFormatException(block + ": pcapng version " + major + "."
                            + Short.toUnsignedInt(body.getShort(2)) + " is not supported (the format is version 1.x)");
                }
            } else if (type == PCAPNG_IDB) {
                interfaces.add(readInterface(body, block));
            } else if (type == PCAPNG_EPB) {
                return readEnhanced(body, block, interfaces);
            } else if (type == PCAPNG_SPB) {
                return readSimple(body, block, interfaces);
            }
            // any other block type (name resolution, statistics, custom, ...) is skipped
        }
    }

    private static String blockName(int type) {
        return switch (type) {
            case PCAPNG_SHB -> "SHB";
            case PCAPNG_IDB -> "IDB";
            case PCAPNG_SPB -> "SPB";
            case PCAPNG_EPB -> "EPB";
            default -> String.format("type 0x%08X", type);
        };
    }

    private static Interface readInterface(ByteBuffer body, String block) throws CaptureFormatException {
        need(body, 8, block, "link type, reserved and snaplen");
        int linkType = Short.toUnsignedInt(body.getShort(0));
        long snaplen = Integer.toUnsignedLong(body.getInt(4));
        int tsresol = 6;
        int p = 8;
        while (p + 4 <= body.limit()) {
            int code = Short.toUnsignedInt(body.getShort(p));
            int length = Short.toUnsignedInt(body.getShort(p + 2));
            if (code == OPT_END) {
                break;
            }
            int padded = (length + 3) & ~3;
            if (p + 4 + padded > body.limit()) {
                throw new CaptureFormatException(
                        block + ": option " + code + " of length " + length + " runs past the end of the block");
            }
            if (code == OPT_IF_TSRESOL) {
                if (length != 1) {
                    throw new CaptureFormatException(block + ": option if_tsresol has length " + length + ", want 1");
                }
                tsresol = Byte.toUnsignedInt(body.get(p + 4));
                int exponent = tsresol & 0x7F;
                if ((tsresol & 0x80) == 0 ? exponent > 18 : exponent > 62) {
                    throw new CaptureFormatException(
                            block + ": option if_tsresol " + tsresol + " is finer than this reader handles");
                }
            }
            p += 4 + padded;
        }
        return new Interface(linkType, snaplen, tsresol);
    }

    private static CapturedFrame readEnhanced(ByteBuffer body, String block, List<Interface> interfaces)
            throws CaptureFormatException {
        need(body, 20, block, "interface id, timestamp and lengths");
        long id = Integer.toUnsignedLong(body.getInt(0));
        Interface itf = iface(id, interfaces, block);
        long ts = (Integer.toUnsignedLong(body.getInt(4)) << 32) | Integer.toUnsignedLong(body.getInt(8));
        long captured = Integer.toUnsignedLong(body.getInt(12));
        long original = Integer.toUnsignedLong(body.getInt(16));
        if (captured > body.limit() - 20) {
            throw new CaptureFormatException(block + ": captured length " + captured + " exceeds the block's room "
                    + (body.limit() - 20) + " for packet data");
        }
        return frame(body, 20, captured, original, nanos(ts, itf.tsresol(), block), itf, block);
    }

    private static CapturedFrame readSimple(ByteBuffer body, String block, List<Interface> interfaces)
            throws CaptureFormatException {
        need(body, 4, block, "original length");
        Interface itf = iface(0, interfaces, block);
        long original = Integer.toUnsignedLong(body.getInt(0));
        long captured = Math.min(original, body.limit() - 4L);
        if (itf.snaplen() != 0) {
            captured = Math.min(captured, itf.snaplen());
        }
        return frame(body, 4, captured, original, 0, itf, block);
    }

    private static CapturedFrame frame(
            ByteBuffer body, int at, long captured, long original, long time, Interface itf, String block)
            throws CaptureFormatException {
        checkLinkType(itf.linkType(), block);
        if (captured > original) {
            throw new CaptureFormatException(
                    block + ": captured length " + captured + " exceeds the original length " + original);
        }
        if (captured > MAX_CAPTURED_LENGTH || original > Integer.MAX_VALUE) {
            throw new CaptureFormatException(block + ": captured length " + captured + " or original length " + original
                    + " exceeds the maximum " + MAX_CAPTURED_LENGTH);
        }
        byte[] data = new byte[(int) captured];
        body.get(at, data);
        return new CapturedFrame(time, (int) original, data);
    }

    private static Interface iface(long id, List<Interface> interfaces, String block) throws CaptureFormatException {
        if (id >= interfaces.size()) {
            throw new CaptureFormatException(block + ": interface " + id + " is not described (the section has "
                    + interfaces.size() + " interface description blocks)");
        }
        return interfaces.get((int) id);
    }

    private static void need(ByteBuffer body, int bytes, String block, String what) throws CaptureFormatException {
        if (body.limit() < bytes) {
            throw new CaptureFormatException(
                    block + ": body of " + body.limit() + " bytes is too short for its " + what + " (" + bytes + ")");
        }
    }

    /** A timestamp in units of the interface's resolution, in nanoseconds. */
    static long nanos(long ts, int tsresol, String block) throws CaptureFormatException {
        BigInteger units = new BigInteger(Long.toUnsignedString(ts));
        BigInteger perSecond =
                (tsresol & 0x80) == 0 ? BigInteger.TEN.pow(tsresol & 0x7F) : BigInteger.ONE.shiftLeft(tsresol & 0x7F);
        BigInteger n = units.multiply(BigInteger.valueOf(1_000_000_000L)).divide(perSecond);
        if (n.bitLength() > 63) {
            throw new CaptureFormatException(block + ": timestamp " + Long.toUnsignedString(ts) + " at resolution "
                    + tsresol + " does not fit 64-bit nanoseconds");
        }
        return n.longValue();
    }

    /** The stream, with the count of bytes read so far. */
    private static final class Input {
        private final InputStream in;
        private long position;

        Input(InputStream in) {
            this.in = in;
        }

        long position() {
            return position;
        }

        /** Up to {@code n} bytes: fewer only at the end of the stream. */
        byte[] readUpTo(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            position += b.length;
            return b;
        }

        ByteBuffer readExactly(int n, String what) throws IOException {
            long at = position;
            byte[] b = readUpTo(n);
            if (b.length < n) {
                throw new CaptureFormatException(what + ": truncated: " + n + " bytes needed at byte " + at
                        + ", the file ends after " + b.length);
            }
            return ByteBuffer.wrap(b);
        }
    }
}
