package io.github.netbackrx.netback;

import io.github.netbackrx.core.Skb;

/**
 * A packet admitted by {@code start_xmit} and not yet answered: its layout, the caller's tag, the
 * frames holding its areas (with the peer's grants of foreign fragments), the estimate reserved or
 * checked for it, the ring it is bound for, and the per-action state an engine keeps on it.
 */
final class Packet {
    final VifQueue owner;
    final Skb skb;
    final long tag;
    final long[][] frames;
    final int[][] grefs;
    final int estimate;

    // per action, written by the engine that takes the packet
    boolean error;
    boolean[] extra;
    int firstIndex;
    int slotCount;
    int metaSlots;
    int ops;
    int batchIndex;

    Packet(VifQueue owner, Skb skb, long tag, long[][] frames, int[][] grefs, int estimate) {
        this.owner = owner;
        this.skb = skb;
        this.tag = tag;
        this.frames = frames;
        this.grefs = grefs;
        this.estimate = estimate;
    }
}
