package io.github.netbackrx.sim;

import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.netfront.NetfrontStatistics;

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
        VifStatistics vif,
        NetfrontStatistics netfront) {
    /** @return whether {@code sent = delivered + dropped + errored + inFlight} */
    public boolean balanced() {
        return sent == delivered + dropped + errored + inFlight;
    }
}
