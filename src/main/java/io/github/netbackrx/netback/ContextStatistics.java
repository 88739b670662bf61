package io.github.netbackrx.netback;

/**
 * A snapshot of one execution context of a {@link Netback}: a 2010 group, the thread of a 3.x or
 * FreeBSD vif, or the thread of one {@code rx.c} queue.
 *
 * @param index the context's number (the group number under 2010)
 * @param kind {@code group}, {@code vif} or {@code queue}
 * @param members vifs in the group ({@code netfront_count}; 1 for the per-vif and per-queue contexts)
 * @param queued packets waiting in its queue now
 * @param actions actions run ({@code net_rx_action} / {@code xenvif_rx_action} / {@code xnb_start})
 * @param packets packets whose responses it wrote
 * @param hypercalls {@code GNTTABOP_copy} hypercalls it issued
 * @param copyOps grant-copy ops in them
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
        long notifications) {}
