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
     * A packet passed every check; netfront calls this, and the default copies the packet out of
     * the receive buffers ({@link PacketView#toPacket()}) and hands it to {@link
     * #received(ReceivedPacket)}. A listener that only needs to look at the bytes (compare them,
     * count them) overrides this and copies nothing.
     *
     * @param view the packet, valid only during this call
     */
    default void accepted(PacketView view) {
        received(view.toPacket());
    }

    /**
     * A packet was dropped; the ring goes on.
     *
     * @param reason the first rule it broke (or {@link RejectReason#TOO_MANY_SLOTS}, which
     *     netfront checks last and reports over others)
     */
    default void rejected(RejectReason reason) {}
}
