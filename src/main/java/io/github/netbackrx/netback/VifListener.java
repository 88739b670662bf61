package io.github.netbackrx.netback;

/**
 * Told what became of each packet given to {@link Vif#startXmit}, identified by the caller's tag.
 * Every accepted packet ends in exactly one {@link #responded} or {@link #dropped} call; a packet
 * refused by {@code startXmit} gets a {@link #dropped} call too. Before {@link #responded}, the
 * action that laid the packet onto the ring reports it with {@link #taken}.
 */
public interface VifListener {
    /** A listener that ignores everything. */
    VifListener NONE = new VifListener() {};

    /**
     * An action took the packet off its context's queue and consumed its requests (its responses
     * are written in the same action; {@link #responded} follows once they are pushed).
     *
     * @param tag the caller's tag
     * @param context the execution context that ran the action ({@link Netback#contextStatistics()})
     * @param action the action's number in the backend (0, 1, 2, ...: the {@code action N} of the
     *     event log)
     */
    default void taken(long tag, int context, long action) {}

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
