package io.github.netbackrx.trace;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.Skb;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A seeded, endless source of packets from one of the built-in {@link WorkloadMix mixes}. Two
 * workloads of the same mix and seed yield the same packets in the same order; so does {@link
 * #payload(long, int)} for the bytes of each packet.
 *
 * <pre>
 *   Workload w = Workload.of(WorkloadMix.TCP_BULK, 42);
 *   Skb first = w.next();                           // packet 0
 *   byte[] bytes = w.payload(0, first.length());    // its bytes, from the same seed
 * </pre>
 *
 * <p>Every packet is valid ({@link Skb.Builder#build()}), has a non-empty head, at most {@link
 * KernelLimits#MAX_SKB_FRAGS_2010} fragments, and keeps its head and every fragment within one 4096-byte
 * page, so every packing policy accepts it. Not thread-safe: one workload per thread.
 */
public final class Workload {
    /** {@code NET_SKB_PAD}: the headroom before {@code skb->data} in a freshly allocated head. */
    static final int NET_SKB_PAD = 64;
    /** The room {@code struct skb_shared_info} takes at the end of a head's slab object (approximate). */
    static final int SHARED_INFO = 320;
    /** The longest head that fits one page after {@code NET_SKB_PAD} and the shared info. */
    static final int MAX_HEAD = Netif.PAGE_SIZE - NET_SKB_PAD - SHARED_INFO;
    /** A half-page receive buffer, as drivers that split pages use. */
    static final int HALF_PAGE = Netif.PAGE_SIZE / 2;
    /** TCP payload per segment with a 1500-byte MTU and TCP timestamps: 1500 - 20 - 32. */
    static final int MSS = 1448;
    /** The most 1448-byte segments whose IP packet fits 65535 bytes. */
    static final int MAX_SEGMENTS = 45;

    private static final int ETH = 14;
    private static final long PAYLOAD_SALT = 0x6E6574626B727870L;

    private final WorkloadMix mix;
    private final long seed;
    private final SplittableRandom random;
    private long generated;

    private Workload(WorkloadMix mix, long seed) {
        this.mix = mix;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /**
     * A workload of the given mix and seed.
     *
     * @param mix the mix, not null
     * @param seed the seed
     * @return a workload positioned at packet 0
     */
    public static Workload of(WorkloadMix mix, long seed) {
        return new Workload(Objects.requireNonNull(mix, "mix"), seed);
    }

    /**
     * A workload of the mix with the given label.
     *
     * @param label a mix label such as {@code imix}
     * @param seed the seed
     * @return a workload positioned at packet 0
     * @throws IllegalArgumentException for an unknown label, listing the valid ones
     */
    public static Workload named(String label, long seed) {
        return of(WorkloadMix.fromLabel(label), seed);
    }

    /** @return the mix */
    public WorkloadMix mix() {
        return mix;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return how many packets {@link #next()} has yielded so far: the index of the next one */
    public long generated() {
        return generated;
    }

    /**
     * The next packet of the mix.
     *
     * @return a valid packet
     */
    public Skb next() {
        generated++;
        return packet(mix, random);
    }

    /**
     * The next {@code n} packets.
     *
     * @param n how many, {@code >= 0}
     * @return the packets, in order (a new mutable list)
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public List<Skb> next(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("packet count " + n + " is negative");
        }
        List<Skb> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /**
     * The bytes of packet {@code index} of this workload: pseudo-random, drawn from the seed and the
     * index only, so they do not depend on how many packets were generated or in which order the
     * payloads are asked for.
     *
     * @param index the packet's index, {@code >= 0}
     * @param length bytes wanted, {@code >= 0} (normally the packet's {@link Skb#length()})
     * @return the bytes
     * @throws IllegalArgumentException if {@code index} or {@code length} is negative
     */
    public byte[] payload(long index, int length) {
        if (index < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "payload: packet index " + index + " and length " + length + " must not be negative");
        }
        SplittableRandom r = new SplittableRandom(seed ^ PAYLOAD_SALT ^ (index * 0x9E3779B97F4A7C15L));
        byte[] bytes = new byte[length];
        int i = 0;
        while (i < length) {
            long v = r.nextLong();
            for (int b = 0; b < 8 && i < length; b++, v >>>= 8) {
                bytes[i++] = (byte) v;
            }
        }
        return bytes;
    }

    /** @return e.g. {@code Workload[imix, seed=42, generated=3]} */
    @Override
    public String toString() {
        return "Workload[" + mix.label() + ", seed=" + seed + ", generated=" + generated + "]";
    }

    // ---- the mixes ------------------------------------------------------------------------------

    private static Skb packet(WorkloadMix mix, SplittableRandom r) {
        return switch (mix) {
            case MTU -> mtu(r, false);
            case TCP_BULK -> tcpBulk(r, false);
            case SMALL_FRAGS -> smallFrags(r, false);
            case IMIX -> imix(r, false);
            case JUMBO -> jumbo(r, false);
            case MIXED -> mixed(r);
        };
    }

    private static Skb mixed(SplittableRandom r) {
        boolean foreign = r.nextInt(4) == 0;
        int pick = r.nextInt(10);
        if (pick < 4) {
            return mtu(r, foreign);
        } else if (pick < 6) {
            return imix(r, foreign);
        } else if (pick < 8) {
            return tcpBulk(r, foreign);
        } else if (pick < 9) {
            return smallFrags(r, foreign);
        }
        return jumbo(r, foreign);
    }

    /** A received frame of {@code frameLength} bytes, linear or header-split into a half page. */
    private static Skb received(SplittableRandom r, int frameLength, boolean foreign) {
        int headers = headerLength(r);
        if (frameLength <= headers || r.nextBoolean()) {
            return Skb.builder()
                    .head(headOffset(r, frameLength), frameLength)
                    .checksum(ChecksumState.UNNECESSARY)
                    .build();
        }
        int half = r.nextBoolean() ? 0 : HALF_PAGE;
        Skb.Builder b = Skb.builder().head(headOffset(r, headers), headers).checksum(ChecksumState.UNNECESSARY);
        frag(b, half + headers, frameLength - headers, foreign);
        return b.build();
    }

    private static Skb mtu(SplittableRandom r, boolean foreign) {
        return received(r, 1500 + ETH, foreign);
    }

    private static Skb imix(SplittableRandom r, boolean foreign) {
        int pick = r.nextInt(12);
        if (pick < 7) {
            return Skb.builder()
                    .head(headOffset(r, 40 + ETH), 40 + ETH)
                    .checksum(ChecksumState.UNNECESSARY)
                    .build();
        }
        return received(r, (pick < 11 ? 576 : 1500) + ETH, foreign);
    }

    private static Skb tcpBulk(SplittableRandom r, boolean foreign) {
        boolean v6 = r.nextInt(4) == 0;
        int headers = v6 ? ETH + 40 + 32 : ETH + 20 + 32;
        int segments = r.nextInt(4) != 0 ? MAX_SEGMENTS : 1 + r.nextInt(MAX_SEGMENTS);
        int payload = segments * MSS;
        Skb.Builder b = Skb.builder().head(headOffset(r, headers), headers).checksum(ChecksumState.PARTIAL);
        int offset = r.nextInt(Netif.PAGE_SIZE);
        while (payload > 0) {
            int len = Math.min(payload, Netif.PAGE_SIZE - offset);
            frag(b, offset, len, foreign);
            payload -= len;
            offset = 0;
        }
        if (segments > 1) {
            b.gso(MSS, v6 ? GsoType.TCPV6 : GsoType.TCPV4);
        }
        return b.build();
    }

    private static Skb smallFrags(SplittableRandom r, boolean foreign) {
        int headers = headerLength(r);
        Skb.Builder b = Skb.builder().head(headOffset(r, headers), headers).checksum(ChecksumState.UNNECESSARY);
        int frags = 2 + r.nextInt(16);
        int first = 0;
        for (int k = 0; k < frags; k++) {
            int len = 1 + r.nextInt(512);
            if (k == 0) {
                first = len;
            }
            frag(b, r.nextInt(Netif.PAGE_SIZE - len + 1), len, foreign);
        }
        if (r.nextBoolean()) {
            b.gso(first, GsoType.TCPV4);
        }
        return b.build();
    }

    private static Skb jumbo(SplittableRandom r, boolean foreign) {
        int frame = 9000 + ETH;
        int head = r.nextBoolean() ? headerLength(r) : ETH + 20 + 32 + r.nextInt(MAX_HEAD - (ETH + 20 + 32) + 1);
        Skb.Builder b = Skb.builder().head(headOffset(r, head), head).checksum(ChecksumState.UNNECESSARY);
        int rest = frame - head;
        while (rest > 0) {
            int len = Math.min(rest, Netif.PAGE_SIZE);
            frag(b, 0, len, foreign);
            rest -= len;
        }
        return b.build();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static void frag(Skb.Builder b, int offset, int length, boolean foreign) {
        if (foreign) {
            b.foreignFrag(offset, length);
        } else {
            b.frag(offset, length);
        }
    }

    /** Ethernet + IPv4 or IPv6 + TCP, with or without the 12-byte timestamp option: 54, 66, 74 or 86. */
    private static int headerLength(SplittableRandom r) {
        return ETH + (r.nextBoolean() ? 20 : 40) + (r.nextBoolean() ? 20 : 32);
    }

    /**
     * The page offset of a {@code kmalloc}ed head of {@code length} bytes: {@code NET_SKB_PAD} into a
     * power-of-two slab object (at least 512 bytes) big enough for the headroom, the data and the
     * shared info, at a random object of the page.
     */
    static int headOffset(SplittableRandom r, int length) {
        if (length > MAX_HEAD) {
            throw new IllegalArgumentException(
                    "head of " + length + " bytes does not fit a page (max " + MAX_HEAD + ")");
        }
        int need = NET_SKB_PAD + length + SHARED_INFO;
        int object = Math.max(512, Integer.highestOneBit(need - 1) << 1);
        return r.nextInt(Netif.PAGE_SIZE / object) * object + NET_SKB_PAD;
    }
}
