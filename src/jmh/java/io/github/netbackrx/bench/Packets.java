package io.github.netbackrx.bench;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Skb;
import java.util.SplittableRandom;

/**
 * The packets the benchmarks plan: the three named shapes of issue 6 and a mixed trace built
 * deterministically from a seed.
 */
final class Packets {
    /** Packets in the mixed trace; a constant so that {@code @OperationsPerInvocation} can name it. */
    static final int MIXED_COUNT = 1024;

    /** The mixed trace's seed. */
    static final long MIXED_SEED = 2010L;

    private Packets() {}

    /** {@code mtu}: one full-size Ethernet frame, the whole packet in the head at offset 64. */
    static Skb mtu() {
        return Skb.builder().head(64, 1514).build();
    }

    /**
     * {@code gso64k}: a 64 KiB TSO packet, a 66-byte header at offset 2 and 16 whole-page fragments,
     * GSO size 1448, checksum partial.
     */
    static Skb gso64k() {
        Skb.Builder b = Skb.builder().head(2, 66).gso(1448, GsoType.TCPV4).checksum(ChecksumState.PARTIAL);
        for (int k = 0; k < 16; k++) {
            b.frag(0, 4096);
        }
        return b.build();
    }

    /**
     * {@code gso65535}: {@code gso64k} cut to 65,535 bytes (the last fragment 4029 bytes), the
     * largest packet FreeBSD's 16-bit {@code xnb_pkt.size} holds: under {@code freebsd} {@code
     * gso64k} wraps to its 66-byte head, this one is walked whole (33 ops, as {@code full-page}).
     */
    static Skb gso65535() {
        Skb.Builder b = Skb.builder().head(2, 66).gso(1448, GsoType.TCPV4).checksum(ChecksumState.PARTIAL);
        for (int k = 0; k < 15; k++) {
            b.frag(0, 4096);
        }
        return b.frag(0, 4029).build();
    }

    /** {@code smallfrags}: a 54-byte header and 17 fragments of 100 bytes at offsets 0, 200, 400, .... */
    static Skb smallfrags() {
        Skb.Builder b = Skb.builder().head(0, 54);
        for (int k = 0; k < 17; k++) {
            b.frag(200 * k, 100);
        }
        return b.build();
    }

    /** A packet by its workload name. */
    static Skb named(String name) {
        return switch (name) {
            case "mtu" -> mtu();
            case "gso64k" -> gso64k();
            case "smallfrags" -> smallfrags();
            case "gso65535" -> gso65535();
            default -> throw new IllegalArgumentException("unknown packet shape '" + name + "'");
        };
    }

    /**
     * A head of {@code 54} bytes at offset 64 plus {@code nrFrags} fragments of 1448 bytes at offset
     * 128 (GSO 1448 when there is a fragment): the packet grows by one MSS per fragment.
     */
    static Skb withFrags(int nrFrags) {
        Skb.Builder b = Skb.builder().head(64, 54);
        for (int k = 0; k < nrFrags; k++) {
            b.frag(128, 1448);
        }
        if (nrFrags > 0) {
            b.gso(1448, GsoType.TCPV4);
        }
        return b.build();
    }

    /**
     * A mixed trace as a busy host's RX queue might hold it: about half full-size frames, a fifth
     * pure ACKs, the rest TSO/GRO packets of 1..17 fragments and a few small-fragment packets; every
     * area within its page, so every policy accepts every packet. Deterministic for a given seed.
     */
    static Skb[] mixed(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        Skb[] out = new Skb[count];
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(100);
            Skb.Builder b = Skb.builder();
            if (kind < 50) { // a received MTU frame, small to full-size
                int len = r.nextBoolean() ? 1514 : 60 + r.nextInt(1455);
                b.head(r.nextInt(4096 - len + 1), len);
            } else if (kind < 70) { // a pure ACK
                b.head(r.nextInt(4096 - 66 + 1), r.nextBoolean() ? 54 : 66).checksum(ChecksumState.UNNECESSARY);
            } else if (kind < 95) { // TSO/GRO: header plus page fragments
                b.head(r.nextInt(64), 66).gso(r.nextBoolean() ? 1448 : 1428, GsoType.TCPV4);
                b.checksum(ChecksumState.PARTIAL);
                int frags = 1 + r.nextInt(17);
                for (int k = 0; k < frags; k++) {
                    int len = 1 + r.nextInt(4096);
                    b.frag(r.nextInt(4096 - len + 1), len);
                }
            } else { // many small fragments
                b.head(0, 54);
                int frags = 1 + r.nextInt(18);
                for (int k = 0; k < frags; k++) {
                    int len = 1 + r.nextInt(256);
                    b.frag(r.nextInt(4096 - len + 1), len);
                }
            }
            out[i] = b.build();
        }
        return out;
    }
}
