package io.github.netbackrx.netfront;

import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.SlotResponse;
import java.util.Objects;

/**
 * What Linux netfront accepts of one packet's data responses, in one place: {@link Netfront}
 * applies these rules to what it reads from the ring, and {@link #rejection(GuestKernel,
 * PlanBuffer)} to a plan (the command line's {@code compare}).
 *
 * <ul>
 *   <li>Every data response has {@code status >= 0} and {@code offset + status <= 4096} ({@code
 *       xennet_get_responses}).
 *   <li>At most {@code max = XEN_NETIF_NR_SLOTS_MIN + (first status <= RX_COPY_THRESHOLD)} data
 *       slots (current Linux; the 2010 netfront's {@code max} is {@code MAX_SKB_FRAGS + (...)}),
 *       else "Too many slots" ({@link RejectReason#TOO_MANY_SLOTS}).
 *   <li>At most {@code MAX_SKB_FRAGS + (first status <= RX_COPY_THRESHOLD)} data slots: each slot
 *       becomes a fragment, and current Linux's {@code xennet_fill_frags} drops the packet ({@code
 *       -ENOENT}, {@link RejectReason#TOO_MANY_FRAGS}) once {@code nr_frags} reaches {@code
 *       MAX_SKB_FRAGS} and pulling the first slot's {@code pull_to = min(status, 256)} bytes into
 *       the head does not empty the first fragment. With {@code MAX_SKB_FRAGS} 17 that is the
 *       tighter rule: 17 data slots, or 18 when the first holds at most 256 bytes.
 * </ul>
 *
 * <p>Extras are not counted. Netfront knows no GSO prefix, so a prefix response counts as a data
 * response. An empty first slot is not among netfront's checks (it may crash the guest later
 * instead); a caller reports it from {@link io.github.netbackrx.core.PlanChecker}'s {@link
 * io.github.netbackrx.core.Invariant#FIRST_SLOT_NONEMPTY}.
 */
public final class NetfrontLimits {
    private NetfrontLimits() {}

    /**
     * The most data slots a guest accepts in one packet, both rules together.
     *
     * @param guest the guest kernel
     * @param firstStatus the first data slot's status
     * @return {@code MAX_SKB_FRAGS + (firstStatus <= 256 ? 1 : 0)} (18 or 19 for a 2010 guest, 17 or
     *     18 for current Linux)
     */
    public static int maxDataSlots(GuestKernel guest, int firstStatus) {
        return Math.min(getResponsesMax(guest, firstStatus), fillFragsMax(guest, firstStatus));
    }

    /** {@code max} of {@code xennet_get_responses}. */
    private static int getResponsesMax(GuestKernel guest, int firstStatus) {
        int base = guest == GuestKernel.CURRENT ? Netif.NR_SLOTS_MIN : guest.maxSkbFrags();
        return base + (firstStatus <= Netif.RX_COPY_THRESHOLD ? 1 : 0);
    }

    /** The slots {@code xennet_fill_frags} can turn into fragments. */
    private static int fillFragsMax(GuestKernel guest, int firstStatus) {
        return guest.maxSkbFrags() + (firstStatus <= Netif.RX_COPY_THRESHOLD ? 1 : 0);
    }

    /** Whether a data response breaks {@code xennet_get_responses}' status check. */
    static boolean badStatus(int status, int offset) {
        return status < 0 || offset + status > Netif.PAGE_SIZE;
    }

    /**
     * Why the guest drops a packet of {@code dataSlots} data slots, or {@code null}.
     *
     * @return {@link RejectReason#TOO_MANY_SLOTS} ({@code xennet_get_responses}), {@link
     *     RejectReason#TOO_MANY_FRAGS} ({@code xennet_fill_frags}) or {@code null}
     */
    static RejectReason slotCountRejection(GuestKernel guest, int dataSlots, int firstStatus) {
        if (dataSlots > getResponsesMax(guest, firstStatus)) {
            return RejectReason.TOO_MANY_SLOTS;
        }
        return dataSlots > fillFragsMax(guest, firstStatus) ? RejectReason.TOO_MANY_FRAGS : null;
    }

    /**
     * Whether the guest's netfront accepts the plan's layout.
     *
     * @param guest the guest kernel
     * @param plan the plan
     * @return true if {@link #rejection(GuestKernel, PlanBuffer)} finds nothing
     */
    public static boolean accepts(GuestKernel guest, PlanBuffer plan) {
        return rejection(guest, plan) == null;
    }

    /**
     * Why the guest's netfront would drop the packet, or {@code null} when it accepts it.
     *
     * @param guest the guest kernel
     * @param plan the plan
     * @return the first rule broken with its values, e.g. {@code "20 data slots > 18 (first slot
     *     holds 4096 > 256 bytes)"}, or {@code null}
     */
    public static String rejection(GuestKernel guest, PlanBuffer plan) {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(plan, "plan");
        Check c = new Check(guest);
        for (int s = 0; s < plan.slotCount(); s++) {
            if (!plan.slotIsExtra(s) && c.data(s, plan.slotStatus(s), plan.slotOffset(s))) {
                return c.reason;
            }
        }
        return c.finish();
    }

    /**
     * As {@link #rejection(GuestKernel, PlanBuffer)}, for an immutable plan.
     *
     * @param guest the guest kernel
     * @param plan the plan
     * @return the reason, or {@code null} when the guest accepts it
     */
    public static String rejection(GuestKernel guest, RxPlan plan) {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(plan, "plan");
        Check c = new Check(guest);
        for (SlotResponse r : plan.slots()) {
            if (r instanceof DataResponse d && c.data(d.slot(), d.status(), d.offset())) {
                return c.reason;
            }
        }
        return c.finish();
    }

    /** The checks over a packet's data slots in ring order. */
    private static final class Check {
        private final GuestKernel guest;
        private int dataSlots;
        private int firstStatus;
        private String reason;

        Check(GuestKernel guest) {
            this.guest = guest;
        }

        /** @return true when slot {@code s} breaks a per-slot rule ({@link #reason} says which) */
        boolean data(int s, int status, int offset) {
            if (status < 0) {
                reason = "slot " + s + ": status " + status + " < 0";
                return true;
            }
            if (badStatus(status, offset)) {
                reason = "slot " + s + ": offset " + offset + " + status " + status + " > " + Netif.PAGE_SIZE;
                return true;
            }
            if (dataSlots == 0) {
                firstStatus = status;
            }
            dataSlots++;
            return false;
        }

        /** @return the slot-count rules' reason, or {@code null} */
        String finish() {
            RejectReason r = slotCountRejection(guest, dataSlots, firstStatus);
            if (r == null) {
                return null;
            }
            boolean small = firstStatus <= Netif.RX_COPY_THRESHOLD;
            String first =
                    "first slot holds " + firstStatus + (small ? " <= " : " > ") + Netif.RX_COPY_THRESHOLD + " bytes";
            if (r == RejectReason.TOO_MANY_SLOTS) {
                return dataSlots + " data slots > " + getResponsesMax(guest, firstStatus) + " (" + first + ")";
            }
            return dataSlots + " data slots > " + fillFragsMax(guest, firstStatus) + " (" + first
                    + "; xennet_fill_frags: MAX_SKB_FRAGS " + guest.maxSkbFrags() + ")";
        }
    }
}
