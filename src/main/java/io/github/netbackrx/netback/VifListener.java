package io.github.netbackrx.netback;

/**
 * Told what became of each packet given to {@link Vif#startXmit}, identified by the caller's tag.
 * Every accepted packet ends in exactly one {@link #responded} or {@link #dropped} call; a packet
 * refused by {@code startXmit} gets a {@link #dropped} call too.
 */
public interface VifListener {
    /** A listener that ignores everything. */
    VifListener NONE = new VifListener() {};

    /**
     * The packet's responses were written and pushed.
     *
     * @param tag the caller's tag
     * @param error whether its responses carry {@code NETIF_RSP_ERROR} (some copy op failed)
     * @param slots ring slots it used
     */
    default void responded(long tag, boolean error, int slots) {}

    /**
     * The packet was dropped without touching the ring.
     *
     * @param tag the caller's tag
     * @param reason why
     */
    default void dropped(long tag, DropReason reason) {}
}
