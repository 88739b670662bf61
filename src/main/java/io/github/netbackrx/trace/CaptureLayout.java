package io.github.netbackrx.trace;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.Skb;
import java.util.Objects;

/**
 * How a captured Ethernet frame becomes a packet ({@link Skb}): which bytes go in the linear head,
 * how the rest is cut into page fragments, and when the packet carries segmentation offload. The
 * packet's bytes are the frame's captured bytes, in order, so {@link CapturedFrame#bytes()} is its
 * payload.
 *
 * <pre>
 *   frame bytes:  [ head: headerBytes or the parsed headers ][ frag0 ][ frag1 ] ...
 *   head page:    headOffset .. headOffset + headLength            (within one page)
 *   frag pages:   fragOffset .. fragOffset + min(rest, fragSize)   (within one page each)
 *   GSO:          frame longer than mtu + 14  =&gt;  gso = mtu - IP header - TCP header
 * </pre>
 *
 * <p>The head holds either a fixed number of leading bytes ({@link Builder#headerBytes(int)},
 * default 128, like a driver that copies a fixed header area), or exactly the Ethernet (with VLAN
 * tags), IPv4 or IPv6 and TCP or UDP headers ({@link Builder#parsedHeaders()}, like {@code
 * eth_get_headlen}). Frames longer than the MTU plus the Ethernet header (as captured after GRO or
 * before TSO) get a GSO size equal to the MSS the MTU allows, and the GSO type of their IP version.
 */
public final class CaptureLayout {
    /** The Ethernet header. */
    static final int ETH = 14;

    private final int headerBytes;
    private final int headOffset;
    private final int fragOffset;
    private final int fragSize;
    private final int mtu;
    private final ChecksumState checksum;

    private CaptureLayout(Builder b) {
        this.headerBytes = b.headerBytes;
        this.headOffset = b.headOffset;
        this.fragOffset = b.fragOffset;
        this.fragSize = b.fragSize == 0 ? Netif.PAGE_SIZE - b.fragOffset : b.fragSize;
        this.mtu = b.mtu;
        this.checksum = b.checksum;
    }

    /** @return the default layout: 128 header bytes at head offset 64, 4096-byte fragments, MTU 1500 */
    public static CaptureLayout defaults() {
        return builder().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Maps one frame to a packet.
     *
     * @param frame the captured frame
     * @return the packet, whose bytes are the frame's captured bytes
     * @throws InvalidPacketException if the frame is empty or needs more fragments than a packet may
     *     have (the message names the frame's length)
     */
    public Skb toSkb(CapturedFrame frame) {
        Objects.requireNonNull(frame, "frame");
        byte[] bytes = frame.bytes();
        int length = bytes.length;
        if (length == 0) {
            throw new InvalidPacketException("captured frame has no bytes: an empty packet cannot be planned");
        }
        int head = Math.min(
                length, headerBytes == 0 ? Math.min(headerLength(bytes), Netif.PAGE_SIZE - headOffset) : headerBytes);
        Skb.Builder b = Skb.builder().head(headOffset, head).checksum(checksum);
        int rest = length - head;
        int frags = (rest + fragSize - 1) / fragSize;
        if (frags > KernelLimits.MAX_SKB_FRAGS_2010) {
            throw new InvalidPacketException("captured frame of " + length + " bytes needs " + frags
                    + " fragments of " + fragSize + " bytes after a " + head + "-byte head, more than "
                    + KernelLimits.MAX_SKB_FRAGS_2010);
        }
        while (rest > 0) {
            int len = Math.min(rest, fragSize);
            b.frag(fragOffset, len);
            rest -= len;
        }
        if (length > mtu + ETH) {
            Headers h = Headers.parse(bytes);
            int mss = mtu - (h.ipHeader == 0 ? 20 : h.ipHeader) - (h.tcpHeader == 0 ? 20 : h.tcpHeader);
            b.gso(Math.max(1, mss), h.ipv6 ? GsoType.TCPV6 : GsoType.TCPV4);
        }
        return b.build();
    }

    /** The length of the Ethernet, IP and TCP/UDP headers at the start of a frame, within its bytes. */
    static int headerLength(byte[] frame) {
        Headers h = Headers.parse(frame);
        return Math.min(frame.length, h.linkHeader + h.ipHeader + h.tcpHeader + h.udpHeader);
    }

    /** @return e.g. {@code CaptureLayout[head=64+128, frags=0+4096, mtu=1500, csum=none]} */
    @Override
    public String toString() {
        return "CaptureLayout[head=" + headOffset + "+" + (headerBytes == 0 ? "headers" : headerBytes) + ", frags="
                + fragOffset + "+" + fragSize + ", mtu=" + mtu + ", csum=" + checksum.label() + "]";
    }

    /** The headers found at the start of a frame (lengths 0 when absent or cut off). */
    private record Headers(int linkHeader, int ipHeader, int tcpHeader, int udpHeader, boolean ipv6) {
        static Headers parse(byte[] f) {
            int p = 12;
            int etherType = u16(f, p);
            while ((etherType == 0x8100 || etherType == 0x88A8) && p + 6 <= f.length) {
                p += 4;
                etherType = u16(f, p);
            }
            int link = p + 2;
            if (etherType == 0x0800 && link + 20 <= f.length && (f[link] >> 4 & 0xF) == 4) {
                int ip = Math.max(20, (f[link] & 0xF) * 4);
                return transport(f, link, ip, f[link + 9] & 0xFF, false);
            }
            if (etherType == 0x86DD && link + 40 <= f.length && (f[link] >> 4 & 0xF) == 6) {
                return transport(f, link, 40, f[link + 6] & 0xFF, true);
            }
            return new Headers(link, 0, 0, 0, false);
        }

        private static Headers transport(byte[] f, int link, int ip, int protocol, boolean v6) {
            int t = link + ip;
            if (protocol == 6 && t + 20 <= f.length) {
                return new Headers(link, ip, Math.max(20, (f[t + 12] >> 4 & 0xF) * 4), 0, v6);
            }
            if (protocol == 17 && t + 8 <= f.length) {
                return new Headers(link, ip, 0, 8, v6);
            }
            return new Headers(link, ip, 0, 0, v6);
        }

        private static int u16(byte[] f, int p) {
            return p + 2 <= f.length ? (f[p] & 0xFF) << 8 | (f[p + 1] & 0xFF) : -1;
        }
    }

    /** Configures a {@link CaptureLayout}; each setter validates its value. */
    public static final class Builder {
        private int headerBytes = 128;
        private int headOffset = 64;
        private int fragOffset;
        private int fragSize;
        private int mtu = 1500;
        private ChecksumState checksum = ChecksumState.NONE;

        private Builder() {}

        /**
         * Puts a fixed number of leading bytes in the head (default 128).
         *
         * @param n bytes, {@code 1..4096}
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is outside {@code 1..4096}
         */
        public Builder headerBytes(int n) {
            if (n < 1 || n > Netif.PAGE_SIZE) {
                throw new IllegalArgumentException("header bytes " + n + " outside 1.." + Netif.PAGE_SIZE);
            }
            this.headerBytes = n;
            return this;
        }

        /**
         * Puts exactly the parsed Ethernet, IP and TCP or UDP headers in the head.
         *
         * @return this builder
         */
        public Builder parsedHeaders() {
            this.headerBytes = 0;
            return this;
        }

        /**
         * Sets the head's page offset (default 64, {@code NET_SKB_PAD}).
         *
         * @param offset {@code 0..4095}
         * @return this builder
         * @throws IllegalArgumentException if {@code offset} is outside {@code 0..4095}
         */
        public Builder headOffset(int offset) {
            if (offset < 0 || offset >= Netif.PAGE_SIZE) {
                throw new IllegalArgumentException("head offset " + offset + " outside 0.." + (Netif.PAGE_SIZE - 1));
            }
            this.headOffset = offset;
            return this;
        }

        /**
         * Sets where each fragment starts in its page (default 0) and how many bytes it holds at most
         * (default: to the end of the page).
         *
         * @param offset {@code 0..4095}
         * @param size {@code 1..4096 - offset}, or 0 for "to the end of the page"
         * @return this builder
         * @throws IllegalArgumentException if a fragment would not fit its page
         */
        public Builder frags(int offset, int size) {
            if (offset < 0 || offset >= Netif.PAGE_SIZE || size < 0 || offset + size > Netif.PAGE_SIZE) {
                throw new IllegalArgumentException("fragments at offset " + offset + " of " + size
                        + " bytes do not fit a " + Netif.PAGE_SIZE + "-byte page");
            }
            this.fragOffset = offset;
            this.fragSize = size;
            return this;
        }

        /**
         * Sets the MTU (default 1500): frames longer than it plus the 14-byte Ethernet header get GSO.
         *
         * @param mtu bytes, {@code 68..65535}
         * @return this builder
         * @throws IllegalArgumentException if {@code mtu} is outside {@code 68..65535}
         */
        public Builder mtu(int mtu) {
            if (mtu < 68 || mtu > 65535) {
                throw new IllegalArgumentException("MTU " + mtu + " outside 68..65535");
            }
            this.mtu = mtu;
            return this;
        }

        /**
         * Sets the checksum state of every packet (default {@link ChecksumState#NONE}).
         *
         * @param s the state, not null
         * @return this builder
         */
        public Builder checksum(ChecksumState s) {
            this.checksum = Objects.requireNonNull(s, "checksum");
            return this;
        }

        /**
         * Builds the layout.
         *
         * @return the layout
         * @throws IllegalArgumentException if a fixed head would not fit its page at the head offset
         */
        public CaptureLayout build() {
            if (headerBytes != 0 && headOffset + headerBytes > Netif.PAGE_SIZE) {
                throw new IllegalArgumentException("a head of " + headerBytes + " bytes at offset " + headOffset
                        + " does not fit a " + Netif.PAGE_SIZE + "-byte page");
            }
            return new CaptureLayout(this);
        }
    }
}
