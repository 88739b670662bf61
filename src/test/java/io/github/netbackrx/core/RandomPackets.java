package io.github.netbackrx.core;

/**
 * Test helper around the random packets of {@link io.github.netbackrx.trace.Workload}'s synthetic
 * mixes ({@code EDGES}, {@code CROSSING}): how many to draw, the bytes a packet's areas hold, and a
 * plan's copies run into slot buffers and read back as a guest would.
 */
final class RandomPackets {
    static final int PAGE = Netif.PAGE_SIZE;

    private RandomPackets() {}

    static int count() {
        return Integer.getInteger("netbackrx.randomCount", 20000);
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
