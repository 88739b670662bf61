package io.github.netbackrx.netback;

import java.util.Locale;

/** Why {@link Vif#startXmit} (or a later event) dropped a packet before it reached the ring. */
public enum DropReason {
    /** The vif was disabled (an ill-behaved front end); queued packets are dropped too. */
    DISABLED,
    /** The packet arrived while the queue was stopped ({@code netif_stop_queue}). */
    QUEUE_STOPPED,
    /** {@code netbk_queue_full} / {@code xenvif_rx_ring_full} held on arrival: the ring cannot take a worst-case packet. */
    RING_FULL,
    /**
     * The vif is down ({@code netif_schedulable} / {@code xenvif_schedulable} false: not running or
     * carrier off), so {@code start_xmit} drops the packet.
     */
    NOT_SCHEDULABLE,
    /** 2010: the vif belongs to no group ({@code netif->group == -1}, between down and up). */
    NO_GROUP,
    /**
     * The packing policy cannot take the packet (for example a fragment crossing a 4096-byte page
     * under the 2010 rule, where the driver would {@code BUG()}), or the {@code netbk_copy_skb}
     * re-layout needs more fragments than {@code MAX_SKB_FRAGS}.
     */
    UNSUPPORTED,
    /** The packet has a foreign fragment but the vif has no peer domain to take it from. */
    NO_PEER,
    /**
     * The peer domain has no free grant entry left for a foreign fragment (its {@code
     * gnttab_grant_foreign_access} would fail, so it could not have sent the packet): a resource
     * ran out, counted as a drop instead of an error.
     */
    PEER_GRANTS_EXHAUSTED,
    /** The packet alone needs more copy ops than the copy-op array holds. */
    COPY_ARRAY_TOO_SMALL,
    /**
     * The backend's own queue is at its bound: {@code rx.c}'s {@code rx_queue_max} bytes ({@code
     * xenvif_rx_queue_tail} refuses the packet and stops the queue; XSA-392), or FreeBSD's {@code
     * if_snd.ifq_maxlen} of {@code NET_RX_RING_SIZE - 1} packets ({@code IFQ_ENQUEUE} fails).
     */
    QUEUE_FULL,
    /**
     * The packet's plan uses more ring slots than the estimate the profile checked, where the driver
     * would hit {@code BUG_ON(ring_slots_used > max_slots_needed)} (3.14) or overrun the posted
     * requests; the model drops it instead.
     */
    ESTIMATE_EXCEEDED,
    /**
     * The host stack's queue in front of a stopped vif queue (its qdisc, {@code tx_queue_len}
     * packets long) was full, so the packet never reached {@code start_xmit}: a tail drop of the
     * host stack. Netback itself never reports it; a simulation that models the qdisc does.
     */
    QDISC_FULL;

    /**
     * The reason's spelling in the event log ({@code xmit V pkt=P dropped:REASON}).
     *
     * @return {@code queue-full} for {@link #RING_FULL} (the driver's {@code netbk_queue_full}),
     *     {@code backlog-full} for {@link #QUEUE_FULL}, otherwise the name in lower case with
     *     hyphens, e.g. {@code not-schedulable}
     */
    public String label() {
        return switch (this) {
            case RING_FULL -> "queue-full";
            case QUEUE_FULL -> "backlog-full";
            default -> name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    }
}
