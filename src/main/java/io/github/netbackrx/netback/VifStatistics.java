package io.github.netbackrx.netback;

/**
 * A snapshot of a {@link Vif}'s counters (the netdev statistics of the 2010 driver plus the
 * model's own).
 *
 * @param packetsSent packets whose responses were written without error ({@code tx_packets})
 * @param bytesSent their bytes ({@code tx_bytes})
 * @param packetsErrored packets whose responses carry {@code NETIF_RSP_ERROR}
 * @param packetsDropped packets dropped before reaching the ring ({@code tx_dropped})
 * @param slotsUsed ring slots consumed (requests taken, extras included)
 * @param copyOps grant-copy ops issued
 * @param failedCopyOps ops whose {@code GNTST} status was not okay
 * @param hypercalls {@code GNTTABOP_copy} hypercalls issued (one per non-empty batch)
 * @param batches {@code net_rx_action} rounds that put at least one packet on the ring
 * @param notifications event-channel sends to the front end
 * @param queueStops {@code netif_stop_queue} calls
 * @param queueWakes {@code netif_wake_queue} calls
 * @param copyArrayOverflows batches ended early because the next packet's ops would not fit the
 *     {@code grant_copy_op[2 * NET_RX_RING_SIZE]} array
 * @param estimateOverruns batches ended early because the next packet needed requests beyond
 *     {@code req_prod} (only possible when a reservation was wrong, e.g. {@code req_prod} moved
 *     back)
 */
public record VifStatistics(
        long packetsSent,
        long bytesSent,
        long packetsErrored,
        long packetsDropped,
        long slotsUsed,
        long copyOps,
        long failedCopyOps,
        long hypercalls,
        long batches,
        long notifications,
        long queueStops,
        long queueWakes,
        long copyArrayOverflows,
        long estimateOverruns) {

    /**
     * The counts between an earlier snapshot and this one, field by field.
     *
     * @param earlier a snapshot of the same vif (or the same sum of vifs) taken before this one
     * @return the difference
     */
    public VifStatistics minus(VifStatistics earlier) {
        return new VifStatistics(
                packetsSent - earlier.packetsSent,
                bytesSent - earlier.bytesSent,
                packetsErrored - earlier.packetsErrored,
                packetsDropped - earlier.packetsDropped,
                slotsUsed - earlier.slotsUsed,
                copyOps - earlier.copyOps,
                failedCopyOps - earlier.failedCopyOps,
                hypercalls - earlier.hypercalls,
                batches - earlier.batches,
                notifications - earlier.notifications,
                queueStops - earlier.queueStops,
                queueWakes - earlier.queueWakes,
                copyArrayOverflows - earlier.copyArrayOverflows,
                estimateOverruns - earlier.estimateOverruns);
    }
}
