package io.github.netbackrx.sim;

import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.netfront.NetfrontStatistics;

/**
 * Combined counters of a {@link GuestRxSimulation}. Once drained, {@code sent = delivered +
 * dropped + errored} ({@link #balanced()}).
 *
 * @param sent packets given to {@link GuestRxSimulation#send}
 * @param delivered packets netfront accepted (each compared byte for byte with what was sent)
 * @param deliveredBytes their bytes
 * @param mismatched delivered packets whose bytes or metadata differ from what was sent
 * @param dropped packets dropped by the vif or by netfront's rules (not for a copy error)
 * @param errored packets the vif answered with {@code NETIF_RSP_ERROR} (netfront drops them)
 * @param inFlight packets in the backlog, the vif queue, or on the ring not yet consumed
 * @param vif the backend's counters
 * @param netfront the frontend's counters
 */
public record SimulationStatistics(
        long sent,
        long delivered,
        long deliveredBytes,
        long mismatched,
        long dropped,
        long errored,
        long inFlight,
        VifStatistics vif,
        NetfrontStatistics netfront) {
    /** @return whether {@code sent = delivered + dropped + errored + inFlight} */
    public boolean balanced() {
        return sent == delivered + dropped + errored + inFlight;
    }
}
