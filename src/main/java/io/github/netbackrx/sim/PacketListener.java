package io.github.netbackrx.sim;

import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;

/**
 * Told each packet's lifecycle in a {@link GuestRxSimulation} (set with {@link
 * GuestRxSimulation.Builder#listener}), every call naming the packet by the id {@code send} returned
 * and its guest.
 *
 * <p>A packet is first either {@link #admitted} by the vif's {@code start_xmit} or {@link #dropped}
 * (at the host's qdisc, by {@code start_xmit}, or later by the backend before it reached the ring);
 * an admitted packet is then {@link #taken} by an action of an execution context, which writes its
 * responses ({@link #responded}); the guest's netfront then {@link #delivered delivers} it, or drops
 * it: {@link #errored} when its responses carry {@code NETIF_RSP_ERROR} (a failed grant copy),
 * {@link #rejected} when it breaks one of netfront's rules. So every packet ends in exactly one of
 * {@code dropped}, {@code delivered}, {@code errored} and {@code rejected} — once it ended at all: a
 * packet still in flight (a guest that stopped posting) has not. The counts agree with {@link
 * SimulationStatistics}: {@code delivered}, {@code errored}, and {@code dropped} = the packets
 * dropped plus those rejected.
 *
 * <p>Calls happen inside {@link GuestRxSimulation#step()}; in a {@link TimedHost}, inside {@link
 * TimedHost#advanceTo(long)} at the simulated time of each step ({@link TimedHost#now()}): {@code
 * responded} when the action that wrote the responses ends, {@code delivered} (and the other two
 * ends at the guest) when the guest's vCPU has processed the packet. A listener must not call back
 * into the simulation.
 */
public interface PacketListener {
    /** A listener that ignores everything. */
    PacketListener NONE = new PacketListener() {};

    /**
     * The vif's {@code start_xmit} queued the packet for its execution context.
     *
     * @param id the packet
     * @param guest its guest
     * @param queue the vif queue it went to (0 but for a multi-queue {@code rx.c} guest)
     */
    default void admitted(long id, int guest, int queue) {}

    /**
     * The packet was dropped before it reached the ring: at the host's qdisc ({@link
     * DropReason#QDISC_FULL}), by {@code start_xmit}, or by the backend after admitting it (its ring
     * disabled, a plan the policy refuses, an estimate exceeded).
     *
     * @param id the packet
     * @param guest its guest
     * @param reason why
     */
    default void dropped(long id, int guest, DropReason reason) {}

    /**
     * An action took the packet off its context's queue and consumed ring requests for it.
     *
     * @param id the packet
     * @param guest its guest
     * @param context the execution context (its index in {@link GuestRxSimulation#contextStatistics()})
     * @param action the action's number in the backend (0, 1, 2, ...: the {@code action N} of the
     *     event log)
     */
    default void taken(long id, int guest, int context, long action) {}

    /**
     * The packet's responses were written and pushed to the ring.
     *
     * @param id the packet
     * @param guest its guest
     * @param slots the ring slots they took, extras included
     * @param error whether they carry {@code NETIF_RSP_ERROR} (a copy op failed)
     */
    default void responded(long id, int guest, int slots, boolean error) {}

    /**
     * Netfront accepted the packet: it goes up the guest's stack.
     *
     * @param id the packet
     * @param guest its guest
     * @param packet what the guest received ({@link ReceivedPacket#id()} is {@code id})
     */
    default void delivered(long id, int guest, ReceivedPacket packet) {}

    /**
     * Netfront dropped the packet because its responses carry {@code NETIF_RSP_ERROR}.
     *
     * @param id the packet
     * @param guest its guest
     */
    default void errored(long id, int guest) {}

    /**
     * Netfront dropped the packet by one of its rules ({@code xennet_get_responses}, the GSO check).
     *
     * @param id the packet
     * @param guest its guest
     * @param reason the rule
     */
    default void rejected(long id, int guest, RejectReason reason) {}
}
