package io.github.netbackrx.core;

import java.util.SplittableRandom;

/**
 * Test helper: random valid packets that every policy accepts (each area within one 4096-byte
 * page), biased to the edges of the 2010 rule.
 */
final class RandomPackets {
    static final int PAGE = Netif.PAGE_SIZE;

    private RandomPackets() {}

    static int count() {
        return Integer.getInteger("netbackrx.randomCount", 20000);
    }

    static Skb next(SplittableRandom r) {
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
            headLength = PAGE;
        } else if (h == 3) {
            headLength = 1 + r.nextInt(128);
        } else {
            headLength = 1 + r.nextInt(PAGE);
        }
        int headOffset = offsetFor(r, headLength);
        b.head(headOffset, headLength);
        int fill = headLength; // bytes in the current buffer, as the 2010 walk would see it
        for (int k = 0; k < nfrags; k++) {
            int len;
            int f = r.nextInt(10);
            if (f <= 1) {
                len = PAGE;
            } else if (f <= 3 && fill % PAGE != 0) {
                len = PAGE - fill % PAGE; // exactly fills the current buffer
            } else if (f == 4 && fill % PAGE != 0) {
                len = PAGE - fill % PAGE + 1; // one byte too many
            } else if (f <= 6) {
                len = 1 + r.nextInt(64);
            } else {
                len = 1 + r.nextInt(PAGE);
            }
            int off = offsetFor(r, len);
            if (r.nextInt(4) == 0) {
                b.foreignFrag(off, len);
            } else {
                b.frag(off, len);
            }
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

    /**
     * A random packet whose areas may cross 4 KiB frames and start in a later frame of a compound
     * page, with an optional hash: only the policies without a page rule accept it.
     */
    static Skb nextCrossing(SplittableRandom r) {
        int nfrags = r.nextInt(10) == 0 ? KernelLimits.MAX_SKB_FRAGS_2010 : r.nextInt(6);
        Skb.Builder b = Skb.builder();
        int headLength = nfrags > 0 && r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 200 : 3 * PAGE);
        b.head(crossingOffset(r), headLength);
        for (int k = 0; k < nfrags; k++) {
            int len = r.nextInt(4) == 0 ? PAGE * (1 + r.nextInt(4)) : 1 + r.nextInt(r.nextBoolean() ? 300 : 4 * PAGE);
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
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> PAGE - 1 - r.nextInt(64);
            case 2 -> PAGE * r.nextInt(3) + r.nextInt(PAGE);
            default -> r.nextInt(PAGE);
        };
    }

    /**
     * How many pieces of the packet, cut where an area or a full 4096-byte slot ends, hold a source
     * frame boundary strictly inside: an op cut at slot ends only reads across frames exactly there.
     */
    static int piecesCrossingAFrame(Skb skb) {
        return piecesCrossingAFrame(skb, skb.length());
    }

    /** As {@link #piecesCrossingAFrame(Skb)}, over the packet's first {@code limit} bytes only. */
    static int piecesCrossingAFrame(Skb skb, int limit) {
        int count = 0;
        long position = 0; // packet byte offset of the area's first byte
        for (int a = -1; a < skb.fragCount(); a++) {
            long offset = a < 0 ? skb.headOffset() : skb.fragOffset(a);
            int length = (int) Math.max(0, Math.min(a < 0 ? skb.headLength() : skb.fragLength(a), limit - position));
            long j = 0;
            while (j < length) {
                long piece = Math.min(length - j, PAGE - (position + j) % PAGE); // up to the slot end
                long src = offset + j;
                if (src / PAGE != (src + piece - 1) / PAGE) {
                    count++;
                }
                j += piece;
            }
            position += length;
        }
        return count;
    }

    /** An offset so that {@code offset + length <= 4096}, often 0 or at the very end of the page. */
    private static int offsetFor(SplittableRandom r, int length) {
        int room = Math.min(PAGE - length, PAGE - 1); // an area starts inside its page
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

    /** The byte at {@code offset} of a packet area's page: position- and area-dependent. */
    static byte sourceByte(int source, int offset) {
        int x = (source + 2) * 0x9E3779B1 + offset * 0x85EBCA6B;
        return (byte) (x ^ (x >>> 13) ^ (x >>> 24));
    }

    /** The packet's bytes in order, from its description. */
    static byte[] packetBytes(Skb skb) {
        byte[] out = new byte[skb.length()];
        int p = 0;
        for (int j = 0; j < skb.headLength(); j++) {
            out[p++] = sourceByte(-1, skb.headOffset() + j);
        }
        for (int k = 0; k < skb.fragCount(); k++) {
            for (int j = 0; j < skb.fragLength(k); j++) {
                out[p++] = sourceByte(k, skb.fragOffset(k) + j);
            }
        }
        return out;
    }

    /**
     * Runs the plan's copies into per-slot buffers of {@code bufferSize} bytes and reads the packet
     * back the way a guest does: the first {@code status} bytes of each data slot in ring order.
     */
    static byte[] reassemble(RxPlan plan, int bufferSize) {
        byte[][] slots = new byte[plan.slotCount()][bufferSize];
        for (CopyOp op : plan.ops()) {
            for (int j = 0; j < op.length(); j++) {
                slots[op.slot()][op.destOffset() + j] = sourceByte(op.source(), op.sourceOffset() + j);
            }
        }
        int total = 0;
        for (SlotResponse r : plan.slots()) {
            if (r instanceof DataResponse d && (d.flags() & Netif.RXF_GSO_PREFIX) == 0) {
                total += d.status();
            }
        }
        byte[] out = new byte[total];
        int p = 0;
        for (SlotResponse r : plan.slots()) {
            if (r instanceof DataResponse d && (d.flags() & Netif.RXF_GSO_PREFIX) == 0) {
                System.arraycopy(slots[d.slot()], d.offset(), out, p, d.status());
                p += d.status();
            }
        }
        return out;
    }
}
