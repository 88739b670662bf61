package io.github.netbackrx.netback;

import io.github.netbackrx.core.Skb;
import java.util.List;

/**
 * One generation's guest-RX engine, bound to one {@link RxContext}: admission ({@code start_xmit}),
 * the action that puts queued packets on the rings, and the front end's event. The {@link Vif} has
 * already checked, before {@link #startXmit}, that the ring is enabled, its queue runs and {@code
 * req_prod} is sane.
 */
interface RxEngine {
    /**
     * {@code start_xmit}: queues the packet or drops it ({@code data} is null for a payload-free
     * packet: its frames are allocated but not written).
     *
     * @return whether the packet was queued
     */
    boolean startXmit(VifQueue q, Skb skb, byte[] data, long tag);

    /**
     * One run of the context's action.
     *
     * @return the packets whose responses were written (or that were taken off the queue, as each
     *     generation counts its work)
     */
    int action();

    /** The front end's event on {@code q} ({@code netif_be_int}, {@code xenvif_interrupt}, {@code xnb_intr}). */
    void interrupt(VifQueue q);

    /** An empty batch report. */
    BatchReport NO_BATCH = new BatchReport(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    /** @return the last action that put packets on the ring, op by op (empty where the generation keeps none) */
    default BatchReport lastBatch() {
        return NO_BATCH;
    }
}
