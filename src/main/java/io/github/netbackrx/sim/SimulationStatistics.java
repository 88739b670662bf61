package io.github.netbackrx.sim;

import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.netfront.NetfrontStatistics;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of a {@link GuestRxSimulation}, for one guest or summed over all. Once drained, {@code
 * sent = delivered + dropped + errored} ({@link #balanced()}).
 *
 * @param sent packets given to {@link GuestRxSimulation#send}
 * @param delivered packets netfront accepted (each compared byte for byte with what was sent)
 * @param deliveredBytes their bytes
 * @param mismatched delivered packets whose bytes or metadata differ from what was sent
 * @param dropped packets dropped by the host's qdisc, by the vif or by netfront's rules (not for a
 *     copy error): {@code qdiscDropped + vif.packetsDropped + netfront.packetsRejected - errored}
 * @param errored packets the vif answered with {@code NETIF_RSP_ERROR} (netfront drops them)
 * @param inFlight packets sent and not yet delivered, dropped or errored: waiting in the host,
 *     queued in the backend, or on the ring not yet consumed
 * @param qdiscDropped packets dropped at the qdisc in front of a stopped vif queue (it was full)
 * @param droppedBy the drops before the ring by reason: the vif's ({@code vif.packetsDropped} in
 *     all) and the qdisc's ({@link DropReason#QDISC_FULL}, {@code qdiscDropped}); netfront's are
 *     {@code netfront.rejectedBy}. Only reasons that occurred, in the enum's order
 * @param vif the backend's counters of the guest's vif (summed over guests)
 * @param netfront the front end's counters (summed over queues and guests)
 */
public record SimulationStatistics(
        long sent,
        long delivered,
        long deliveredBytes,
        long mismatched,
        long dropped,
        long errored,
        long inFlight,
        long qdiscDropped,
        Map<DropReason, Long> droppedBy,
        VifStatistics vif,
        NetfrontStatistics netfront) {

    /**
     * Copies the map (without zero counts, in {@link DropReason} order).
     *
     * @param sent packets sent
     * @param delivered packets delivered
     * @param deliveredBytes their bytes
     * @param mismatched delivered packets that differ from what was sent
     * @param dropped packets dropped
     * @param errored packets errored
     * @param inFlight packets in flight
     * @param qdiscDropped packets dropped at the qdisc
     * @param droppedBy drops before the ring by reason
     * @param vif the vif's counters
     * @param netfront the front end's counters
     */
    public SimulationStatistics {
        EnumMap<DropReason, Long> by = new EnumMap<>(DropReason.class);
        droppedBy.forEach((r, n) -> {
            if (n != 0) {
                by.put(r, n);
            }
        });
        droppedBy = Collections.unmodifiableMap(by);
    }

    /** @return whether {@code sent = delivered + dropped + errored + inFlight} */
    public boolean balanced() {
        return sent == delivered + dropped + errored + inFlight;
    }

    /**
     * What happened between an earlier snapshot and this one (an interval of a run): every count is
     * the difference, {@code inFlight} too (its change), so the difference is {@link #balanced()}
     * whenever both snapshots are.
     *
     * @param earlier a snapshot of the same guest (or the same sum) taken before this one
     * @return the difference
     */
    public SimulationStatistics minus(SimulationStatistics earlier) {
        Map<DropReason, Long> by = new EnumMap<>(DropReason.class);
        by.putAll(droppedBy);
        earlier.droppedBy.forEach((r, n) -> by.merge(r, -n, Long::sum));
        return new SimulationStatistics(
                sent - earlier.sent,
                delivered - earlier.delivered,
                deliveredBytes - earlier.deliveredBytes,
                mismatched - earlier.mismatched,
                dropped - earlier.dropped,
                errored - earlier.errored,
                inFlight - earlier.inFlight,
                qdiscDropped - earlier.qdiscDropped,
                by,
                vif.minus(earlier.vif),
                Sums.minus(netfront, earlier.netfront));
    }
}
