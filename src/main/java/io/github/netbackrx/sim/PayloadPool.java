package io.github.netbackrx.sim;

/**
 * Byte arrays of the packets in flight, reused once their packet is done (delivered, dropped or
 * errored), so that sending allocates nothing in steady state. Arrays are kept by exact length (the
 * simulation's contract is an array of {@code skb.length()} bytes), at most {@link #MAX_KEPT} of
 * them and {@link #MAX_BYTES} in all: beyond that a returned array is left to the collector, so
 * memory stays bounded whatever mix of lengths is sent.
 */
final class PayloadPool {
    static final int MAX_KEPT = 4096;
    static final long MAX_BYTES = 64L << 20;

    /** Length + 1 of each bucket (0: empty), open addressing. */
    private int[] keys = new int[64];

    private byte[][][] stacks = new byte[64][][];
    private int[] counts = new int[64];
    private int buckets;
    private int kept;
    private long keptBytes;

    /** @return an array of {@code length} bytes (contents unspecified) */
    byte[] take(int length) {
        int b = find(length);
        if (b >= 0 && counts[b] > 0) {
            byte[] a = stacks[b][--counts[b]];
            stacks[b][counts[b]] = null;
            kept--;
            keptBytes -= length;
            return a;
        }
        return new byte[length];
    }

    /** Takes an array back for reuse (or leaves it to the collector when the pool is full). */
    void give(byte[] a) {
        if (kept >= MAX_KEPT || keptBytes + a.length > MAX_BYTES) {
            return;
        }
        int b = find(a.length);
        if (b < 0) {
            if (2 * (buckets + 1) > keys.length) {
                grow();
            }
            b = slot(a.length);
            keys[b] = a.length + 1;
            stacks[b] = new byte[4][];
            buckets++;
        }
        if (counts[b] == stacks[b].length) {
            stacks[b] = java.util.Arrays.copyOf(stacks[b], counts[b] * 2);
        }
        stacks[b][counts[b]++] = a;
        kept++;
        keptBytes += a.length;
    }

    private int slot(int length) {
        int mask = keys.length - 1;
        int i = (length * 0x9E3779B9) >>> 7 & mask;
        while (keys[i] != 0 && keys[i] != length + 1) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private int find(int length) {
        int i = slot(length);
        return keys[i] == 0 ? -1 : i;
    }

    private void grow() {
        int[] oldKeys = keys;
        byte[][][] oldStacks = stacks;
        int[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        stacks = new byte[oldKeys.length * 2][][];
        counts = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int b = slot(oldKeys[i] - 1);
                keys[b] = oldKeys[i];
                stacks[b] = oldStacks[i];
                counts[b] = oldCounts[i];
            }
        }
    }
}
