package io.github.netbackrx.trace;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Test helper: writes small pcap and pcapng captures, independently of the reader. */
final class CaptureFiles {
    private CaptureFiles() {}

    /** A classic pcap file. */
    static byte[] pcap(ByteOrder order, boolean nanos, int snaplen, int linkType, List<CapturedFrame> frames) {
        ByteBuffer b = ByteBuffer.allocate(24
                        + frames.stream().mapToInt(f -> 16 + f.capturedLength()).sum())
                .order(order);
        b.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4);
        b.putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
        long unit = nanos ? 1 : 1000;
        for (CapturedFrame f : frames) {
            b.putInt((int) (f.timestampNanos() / 1_000_000_000L))
                    .putInt((int) (f.timestampNanos() % 1_000_000_000L / unit))
                    .putInt(f.capturedLength())
                    .putInt(f.originalLength())
                    .put(f.bytes());
        }
        return b.array();
    }

    /** Builds a pcapng file block by block. */
    static final class Ng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order;

        Ng(ByteOrder order) {
            section(order);
        }

        Ng section(ByteOrder o) {
            this.order = o;
            ByteBuffer body = ByteBuffer.allocate(16).order(o);
            body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
            return block(0x0A0D0D0A, body.array());
        }

        Ng iface(int linkType, int snaplen, int tsresol) {
            ByteBuffer body = ByteBuffer.allocate(tsresol < 0 ? 8 : 20).order(order);
            body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            if (tsresol >= 0) {
                body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
                body.putShort((short) 0).putShort((short) 0);
            }
            return block(1, body.array());
        }

        Ng epb(int iface, long ts, CapturedFrame f) {
            int padded = (f.capturedLength() + 3) & ~3;
            ByteBuffer body = ByteBuffer.allocate(20 + padded).order(order);
            body.putInt(iface).putInt((int) (ts >>> 32)).putInt((int) ts);
            body.putInt(f.capturedLength()).putInt(f.originalLength()).put(f.bytes());
            return block(6, body.array());
        }

        Ng spb(int originalLength, byte[] data) {
            int padded = (data.length + 3) & ~3;
            ByteBuffer body = ByteBuffer.allocate(4 + padded).order(order);
            body.putInt(originalLength).put(data);
            return block(3, body.array());
        }

        Ng block(int type, byte[] body) {
            int total = 12 + body.length;
            ByteBuffer b = ByteBuffer.allocate(total).order(order);
            b.putInt(type).putInt(total).put(body).putInt(total);
            out.writeBytes(b.array());
            return this;
        }

        Ng raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** An Ethernet/IPv4/TCP frame of {@code length} bytes (at least 54), header fields filled in. */
    static byte[] tcpFrame(int length, boolean ipv6, int tcpHeader, long seed) {
        byte[] f = new byte[length];
        new java.util.SplittableRandom(seed).nextBytes(f);
        int ip = ipv6 ? 40 : 20;
        f[12] = (byte) (ipv6 ? 0x86 : 0x08);
        f[13] = (byte) (ipv6 ? 0xDD : 0x00);
        if (ipv6) {
            f[14] = 0x60;
            f[14 + 6] = 6;
        } else {
            f[14] = 0x45;
            f[14 + 9] = 6;
        }
        f[14 + ip + 12] = (byte) ((tcpHeader / 4) << 4);
        return f;
    }

    static ByteOrder other(ByteOrder o) {
        return o == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }
}
