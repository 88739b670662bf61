package io.github.netbackrx.netback;

import io.github.netbackrx.core.Skb;

/**
 * A packet admitted by {@code start_xmit} and not yet answered: its layout, the caller's tag, the
 * frames holding its areas (with the peer's grants of foreign fragments), the estimate reserved or
 * checked for it, the ring it is bound for, and the per-action state an engine keeps on it.
 */
final class Packet {
    final VifQueue owner;
    Skb skb;
    long tag;
    /** The frames holding its areas, area after area; {@link #areaStart} gives each area's first. */
    long[] frames = new long[4];
    /** The peer's grant of each frame (foreign fragments), or -1 for a frame of the backend. */
    int[] grefs = new int[4];
    /** Index in {@link #frames} of each area's first frame. */
    int[] areaStart = new int[2];
    /** Frames placed (and to be freed). */
    int frameCount;
    /** Whether {@link VifQueue#release} freed its frames (and the record waits for reuse). */
    boolean released;

    int estimate;

    // per action, written by the engine that takes the packet
    boolean error;
    boolean[] extra;
    int firstIndex;
    int slotCount;
    int metaSlots;
    int ops;
    int batchIndex;

    /** An empty record of {@code owner}, filled by {@link VifQueue#place} (and reused after release). */
    Packet(VifQueue owner) {
        this.owner = owner;
    }

    /** @return {@link #extra} with room for {@code slots} flags (its contents are rewritten by the caller) */
    boolean[] extra(int slots) {
        if (extra == null || extra.length < slots) {
            extra = new boolean[Math.max(slots, 4)];
        }
        return extra;
    }
}
