package io.github.netbackrx.netback;

import java.util.Arrays;

/**
 * A context's queue of packets ({@code rx_queue} / the group's list), first in first out, on a
 * growable circular array that can be read by position: walking it ({@link RxContext#checkRings})
 * needs no iterator, so an action allocates nothing.
 */
final class PacketQueue {
    private Packet[] items = new Packet[64];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(Packet p) {
        if (size == items.length) {
            Packet[] bigger = new Packet[2 * items.length];
            for (int i = 0; i < size; i++) {
                bigger[i] = get(i);
            }
            items = bigger;
            head = 0;
        }
        items[(head + size) & (items.length - 1)] = p;
        size++;
    }

    /** @return the first packet, or {@code null} when empty */
    Packet peekFirst() {
        return size == 0 ? null : items[head];
    }

    /** @return the first packet, removed, or {@code null} when empty */
    Packet pollFirst() {
        if (size == 0) {
            return null;
        }
        Packet p = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return p;
    }

    /** @return the packet at position {@code i} from the front, {@code 0 <= i < size()} */
    Packet get(int i) {
        return items[(head + i) & (items.length - 1)];
    }

    /**
     * Removes the packets of {@code q}, keeping the others in order.
     *
     * @param q the ring whose packets leave
     * @param out receives the removed packets in queue order
     * @return how many were removed
     */
    int removeOf(VifQueue q, Packet[] out) {
        int kept = 0;
        int removed = 0;
        Packet[] rest = new Packet[items.length];
        for (int i = 0; i < size; i++) {
            Packet p = get(i);
            if (p.owner == q) {
                out[removed++] = p;
            } else {
                rest[kept++] = p;
            }
        }
        Arrays.fill(items, null);
        System.arraycopy(rest, 0, items, 0, kept);
        head = 0;
        size = kept;
        return removed;
    }
}
