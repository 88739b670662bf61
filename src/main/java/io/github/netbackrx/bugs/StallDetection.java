package io.github.netbackrx.bugs;

/**
 * The {@code rx.c} stall test as a pure function of the free requests and the head packet's need
 * ({@code xenvif_rx_queue_stalled} / {@code xenvif_rx_queue_ready} of {@code
 * drivers/net/xen-netback/rx.c}; the time condition {@code now > last_rx_time + stall_timeout} is
 * left out: the model has no clock). The {@code xsa-392-stall} case applies it to the state the
 * {@code rx.c} engine is left in.
 *
 * <p>Before XSA-392 (CVE-2021-28714, "xen/netback: fix rx queue stall detection", Dec 2021) a queue
 * counted as stalled only when fewer than one request was free ({@link Rule#ONE_SLOT}); a head
 * packet needing two or more slots with exactly one free never stalled, so a guest could hold the
 * backend's memory indefinitely. The fix compares against {@code rx_slots_needed} ({@link
 * Rule#SLOTS_NEEDED}).
 */
public final class StallDetection {
    private StallDetection() {}

    /** Which count the free requests are compared with. */
    public enum Rule {
        /** {@code rx.c} before XSA-392: stalled when {@code avail < 1}, ready when {@code avail >= 1}. */
        ONE_SLOT,
        /** Since XSA-392: stalled when {@code avail < rx_slots_needed}, ready when {@code avail >= rx_slots_needed}. */
        SLOTS_NEEDED
    }

    /**
     * Whether a queue whose head packet waits counts as stalled.
     *
     * @param rule the generation's rule
     * @param free requests posted and not consumed ({@code req_prod - req_cons}), {@code >= 0}
     * @param needed the head packet's {@code rx_slots_needed}, {@code >= 1}
     * @return true when the rule declares a stall
     * @throws IllegalArgumentException if {@code free < 0} or {@code needed < 1}
     */
    public static boolean stalled(Rule rule, int free, int needed) {
        if (free < 0 || needed < 1) {
            throw new IllegalArgumentException(
                    "stall check: free " + free + " must be >= 0 and needed " + needed + " must be >= 1");
        }
        return free < (rule == Rule.ONE_SLOT ? 1 : needed);
    }

    /**
     * Whether the head packet can be placed, i.e. the queue is no longer stalled, by the true count.
     *
     * @param free requests posted and not consumed
     * @param needed the head packet's {@code rx_slots_needed}
     * @return {@code free >= needed}
     */
    public static boolean canPlace(int free, int needed) {
        return free >= needed;
    }
}
