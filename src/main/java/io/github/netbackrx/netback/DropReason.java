package io.github.netbackrx.netback;

/** Why {@link Vif#startXmit} (or a later event) dropped a packet before it reached the ring. */
public enum DropReason {
    /** The vif was disabled (an ill-behaved front end); queued packets are dropped too. */
    DISABLED,
    /** The packet arrived while the queue was stopped ({@code netif_stop_queue}). */
    QUEUE_STOPPED,
    /** {@code netbk_queue_full} held on arrival: the ring cannot take a worst-case packet. */
    RING_FULL,
    /**
     * The packing policy cannot take the packet (for example a fragment crossing a 4096-byte page
     * under the 2010 rule, where the driver would {@code BUG()}), or the {@code netbk_copy_skb}
     * re-layout needs more fragments than {@code MAX_SKB_FRAGS}.
     */
    UNSUPPORTED,
    /** The packet has a foreign fragment but the vif has no peer domain to take it from. */
    NO_PEER,
    /** The packet alone needs more copy ops than the copy-op array holds. */
    COPY_ARRAY_TOO_SMALL
}
