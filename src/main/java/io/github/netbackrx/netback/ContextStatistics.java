package io.github.netbackrx.netback;

/**
 * A snapshot of one execution context of a {@link Netback}: a 2010 group, the thread of a 3.x or
 * FreeBSD vif, or the thread of one {@code rx.c} queue. The counts are what a cost model prices:
 * the difference of two snapshots ({@link #minus}) around one action is what that action did.
 *
 * @param index the context's number (the group number under 2010)
 * @param kind {@code group}, {@code vif} or {@code queue}
 * @param members vifs in the group ({@code netfront_count}; 1 for the per-vif and per-queue contexts)
 * @param queued packets waiting in its queue now
 * @param actions actions run ({@code net_rx_action} / {@code xenvif_rx_action} / {@code xnb_start})
 * @param packets packets whose responses it wrote
 * @param hypercalls {@code GNTTABOP_copy} hypercalls it issued
 * @param copyOps grant-copy ops in them
 * @param bytes bytes those ops copied (the sum of their lengths)
 * @param responses responses it wrote to the rings, data and extra slots ({@code make_rx_response},
 *     {@code xenvif_rx_data_slot}, {@code xenvif_rx_extra_slot}, {@code xnb_rxpkt2rsp})
 * @param notifications event-channel sends it made
 */
public record ContextStatistics(
        int index,
        String kind,
        int members,
        int queued,
        long actions,
        long packets,
        long hypercalls,
        long copyOps,
        long bytes,
        long responses,
        long notifications) {

    /**
     * What happened between an earlier snapshot of the same context and this one: every count is
     * the difference, {@code queued} too (its change); {@code index}, {@code kind} and {@code
     * members} are this snapshot's.
     *
     * @param earlier a snapshot of the same context taken before this one
     * @return the difference
     * @throws IllegalArgumentException if {@code earlier} is of another context
     */
    public ContextStatistics minus(ContextStatistics earlier) {
        if (earlier.index != index || !earlier.kind.equals(kind)) {
            throw new IllegalArgumentException("minus: context " + earlier.index + " (" + earlier.kind
                    + ") is not context " + index + " (" + kind + ")");
        }
        return new ContextStatistics(
                index,
                kind,
                members,
                queued - earlier.queued,
                actions - earlier.actions,
                packets - earlier.packets,
                hypercalls - earlier.hypercalls,
                copyOps - earlier.copyOps,
                bytes - earlier.bytes,
                responses - earlier.responses,
                notifications - earlier.notifications);
    }
}
