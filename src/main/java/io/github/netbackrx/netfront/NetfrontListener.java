package io.github.netbackrx.netfront;

/** Told, in ring order, about every packet netfront accepts or drops. */
public interface NetfrontListener {
    /** A listener that ignores everything. */
    NetfrontListener NONE = new NetfrontListener() {};

    /**
     * A packet passed every check and goes up the guest's stack.
     *
     * @param packet the packet
     */
    default void received(ReceivedPacket packet) {}

    /**
     * A packet was dropped; the ring goes on.
     *
     * @param reason the first rule it broke (or {@link RejectReason#TOO_MANY_SLOTS}, which
     *     netfront checks last and reports over others)
     */
    default void rejected(RejectReason reason) {}
}
