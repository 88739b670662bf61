package io.github.netbackrx.trace;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.HashType;
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
 * <p>Every packet is valid ({@link Skb.Builder#build()}) and has at most {@link
 * KernelLimits#MAX_SKB_FRAGS_2010} fragments; a packet of a {@link WorkloadMix#realistic()
 * realistic} mix has a non-empty head and keeps its head and every fragment within one 4096-byte
 * page, so every packing policy accepts it. This class is the project's one packet generator: the
 * command line's built-in mix and the tests' random packets are its synthetic mixes, drawn through
 * {@link #packet(WorkloadMix, SplittableRandom)} when the caller shares its random source. Not
 * thread-safe: one workload per thread.
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
        return packet(mix, this.random);
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

    /**
     * One packet of {@code mix} drawn from the caller's random source: for a simulation that draws
     * packets and other values (bytes, hashes) from one seeded stream. {@link #next()} is this with
     * the workload's own source.
     *
     * @param mix the mix
     * @param random the source the packet's choices are drawn from
     * @return a valid packet
     */
    public static Skb packet(WorkloadMix mix, SplittableRandom random) {
        Objects.requireNonNull(random, "random");
        return switch (Objects.requireNonNull(mix, "mix")) {
            case MTU -> mtu(random, false);
            case TCP_BULK -> tcpBulk(random, false);
            case SMALL_FRAGS -> smallFrags(random, false);
            case IMIX -> imix(random, false);
            case JUMBO -> jumbo(random, false);
            case MIXED -> mixed(random);
            case BUILT_IN -> builtIn(random);
            case EDGES -> edges(random);
            case CROSSING -> crossing(random);
            case RANDOM -> random(random);
            case ENGINES -> engines(random);
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

    // ---- the synthetic mixes ----------------------------------------------------------------------

    private static Skb builtIn(SplittableRandom r) {
        int kind = r.nextInt(100);
        Skb.Builder b = Skb.builder();
        if (kind < 35) {
            b.head(r.nextInt(8) == 0 ? 3000 + r.nextInt(1000) : 64 + r.nextInt(64), 1500 + ETH);
            b.checksum(ChecksumState.UNNECESSARY);
        } else if (kind < 65) {
            b.head(64 + r.nextInt(2000), 66).checksum(ChecksumState.PARTIAL);
        } else if (kind < 80) {
            b.head(128, 66);
            for (int k = 0; k < 16; k++) {
                b.frag(0, Netif.PAGE_SIZE);
            }
            b.gso(MSS, r.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6).checksum(ChecksumState.PARTIAL);
        } else if (kind < 90) {
            b.head(128, 54 + r.nextInt(100));
            int frags = 4 + r.nextInt(13);
            for (int k = 0; k < frags; k++) {
                int len = 64 + r.nextInt(193);
                b.frag(r.nextInt(Netif.PAGE_SIZE - len), len);
            }
            b.checksum(ChecksumState.PARTIAL);
        } else {
            b.head(128, 66);
            int frags = 1 + r.nextInt(3);
            for (int k = 0; k < frags; k++) {
                b.foreignFrag(r.nextInt(2) * HALF_PAGE, MSS);
            }
            b.checksum(ChecksumState.NONE);
        }
        return b.build();
    }

    private static Skb edges(SplittableRandom r) {
        int maxFrags = KernelLimits.MAX_SKB_FRAGS_2010;
        int nfrags;
        int pick = r.nextInt(10);
        if (pick == 0) {
            nfrags = maxFrags;
        } else if (pick <= 2) {
            nfrags = 0;
        } else {
            nfrags = r.nextInt(maxFrags + 1);
        }
        Skb.Builder b = Skb.builder();
        int headLength;
        int h = r.nextInt(8);
        if (h <= 1 && nfrags > 0) {
            headLength = 0;
        } else if (h == 2) {
            headLength = Netif.PAGE_SIZE;
        } else if (h == 3) {
            headLength = 1 + r.nextInt(128);
        } else {
            headLength = 1 + r.nextInt(Netif.PAGE_SIZE);
        }
        b.head(edgeOffset(r, headLength), headLength);
        int fill = headLength; // bytes in the current buffer, as the 2010 walk would see it
        for (int k = 0; k < nfrags; k++) {
            int len;
            int f = r.nextInt(10);
            int used = fill % Netif.PAGE_SIZE;
            if (f <= 1) {
                len = Netif.PAGE_SIZE;
            } else if (f <= 3 && used != 0) {
                len = Netif.PAGE_SIZE - used; // exactly fills the current buffer
            } else if (f == 4 && used != 0) {
                len = Netif.PAGE_SIZE - used + 1; // one byte too many
            } else if (f <= 6) {
                len = 1 + r.nextInt(64);
            } else {
                len = 1 + r.nextInt(Netif.PAGE_SIZE);
            }
            frag(b, edgeOffset(r, len), len, r.nextInt(4) == 0);
            fill += len;
        }
        if (r.nextBoolean()) {
            int g = r.nextInt(6);
            int size = g == 0 ? 1 : g == 1 ? 65535 : 1 + r.nextInt(65535);
            b.gso(size, r.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
        }
        b.checksum(ChecksumState.values()[r.nextInt(3)]);
        return b.build();
    }

    /** {@link WorkloadMix#ENGINES}. */
    private static Skb engines(SplittableRandom r) {
        Skb.Builder b = Skb.builder();
        int kind = r.nextInt(10);
        if (kind < 3) {
            // a frame in its head, which may cross its page (netbk_copy_skb's case)
            int len = 60 + r.nextInt(1455);
            b.head(r.nextInt(Netif.PAGE_SIZE), len);
        } else if (kind < 5) {
            b.head(r.nextInt(4000), 40 + r.nextInt(60));
        } else {
            int head = r.nextInt(300);
            b.head(r.nextInt(Netif.PAGE_SIZE - head), head);
            int frags = 1 + r.nextInt(kind == 9 ? 17 : 8);
            for (int k = 0; k < frags; k++) {
                int len = kind == 8 ? 1 + r.nextInt(300) : 1 + r.nextInt(Netif.PAGE_SIZE);
                int off = r.nextInt(Netif.PAGE_SIZE + 1 - len);
                if (r.nextInt(6) == 0) {
                    b.foreignFrag(off, len);
                } else {
                    b.frag(off, len);
                }
            }
            if (r.nextInt(50) == 0) {
                b.frag(4000, 200); // across a page end: the 2010 rule cannot take it
            }
            if (r.nextBoolean()) {
                b.gso(536 + r.nextInt(9000), r.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
            }
        }
        b.checksum(ChecksumState.values()[r.nextInt(3)]);
        return b.build();
    }

    /** An offset so that {@code offset + length <= 4096}, often 0 or at the very end of the page. */
    private static int edgeOffset(SplittableRandom r, int length) {
        int room = Math.min(Netif.PAGE_SIZE - length, Netif.PAGE_SIZE - 1); // an area starts inside its page
        int o = r.nextInt(4);
        if (o == 0 || room == 0) {
            return 0;
        }
        if (o == 1) {
            return room; // ends exactly at the page end
        }
        if (o == 2) {
            return Math.max(0, room - r.nextInt(Math.min(room, 16) + 1)); // near the page end
        }
        return r.nextInt(room + 1);
    }

    private static Skb crossing(SplittableRandom r) {
        int page = Netif.PAGE_SIZE;
        int nfrags = r.nextInt(10) == 0 ? KernelLimits.MAX_SKB_FRAGS_2010 : r.nextInt(6);
        Skb.Builder b = Skb.builder();
        int headLength = nfrags > 0 && r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 200 : 3 * page);
        b.head(crossingOffset(r), headLength);
        for (int k = 0; k < nfrags; k++) {
            int len = r.nextInt(4) == 0 ? page * (1 + r.nextInt(4)) : 1 + r.nextInt(r.nextBoolean() ? 300 : 4 * page);
            b.frag(crossingOffset(r), len);
        }
        if (r.nextBoolean()) {
            b.gso(1 + r.nextInt(65535), r.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
        }
        if (r.nextInt(3) == 0) {
            b.hash(r.nextInt(), HashType.values()[r.nextInt(4)]);
        }
        b.checksum(ChecksumState.values()[r.nextInt(3)]);
        return b.build();
    }

    private static int crossingOffset(SplittableRandom r) {
        int page = Netif.PAGE_SIZE;
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> page - 1 - r.nextInt(64);
            case 2 -> page * r.nextInt(3) + r.nextInt(page);
            default -> r.nextInt(page);
        };
    }

    private static Skb random(SplittableRandom r) {
        Skb.Builder b = Skb.builder().maxFrags(KernelLimits.MAX_SKB_FRAGS_LATER);
        int kind = r.nextInt(4);
        if (kind == 0) {
            int len = 60 + r.nextInt(1455);
            b.head(r.nextInt(Netif.PAGE_SIZE + 1 - len), len);
        } else {
            int head = r.nextInt(300);
            b.head(r.nextInt(Netif.PAGE_SIZE - head), head);
            int frags = 1 + r.nextInt(kind == 3 ? 16 : 6);
            for (int k = 0; k < frags; k++) {
                int len = kind == 2 ? 1 + r.nextInt(300) : 1 + r.nextInt(Netif.PAGE_SIZE);
                int off = r.nextInt(Netif.PAGE_SIZE + 1 - len);
                frag(b, off, len, r.nextInt(6) == 0);
            }
            if (r.nextBoolean()) {
                b.gso(536 + r.nextInt(9000), r.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
            }
        }
        b.checksum(ChecksumState.values()[r.nextInt(3)]);
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
