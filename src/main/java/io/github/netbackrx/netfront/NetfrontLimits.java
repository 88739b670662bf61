package io.github.netbackrx.netfront;

import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.SlotResponse;
import java.util.Objects;

/**
 * What Linux netfront's {@code xennet_get_responses} accepts of one packet's responses, checked on
 * a plan ({@code research/linux-netback-rx.md} §3): every data response has {@code status >= 0} and
 * {@code offset + status <= 4096}, and the packet has at most {@link Netif#NR_SLOTS_MIN} data slots,
 * or one more when the first data slot holds at most {@link Netif#RX_COPY_THRESHOLD} bytes. Extras
 * are not counted. Netfront knows no GSO prefix, so a prefix response counts as a data response.
 *
 * <p>An empty first slot is not among netfront's checks (it may crash the guest later instead); a
 * caller reports it from {@link io.github.netbackrx.core.PlanChecker}'s {@link
 * io.github.netbackrx.core.Invariant#FIRST_SLOT_NONEMPTY}.
 */
public final class NetfrontLimits {
    private NetfrontLimits() {}

    /**
     * Whether Linux netfront accepts the plan's layout.
     *
     * @param plan the plan
     * @return true if {@link #rejection(PlanBuffer)} finds nothing
     */
    public static boolean accepts(PlanBuffer plan) {
        return rejection(plan) == null;
    }

    /**
     * Why Linux netfront would drop the packet, or {@code null} when it accepts it.
     *
     * @param plan the plan
     * @return the first rule broken with its values, e.g. {@code "20 data slots > 18 (first slot
     *     holds 4096 > 256 bytes)"}, or {@code null}
     */
    public static String rejection(PlanBuffer plan) {
        Objects.requireNonNull(plan, "plan");
        Check c = new Check();
        for (int s = 0; s < plan.slotCount(); s++) {
            if (!plan.slotIsExtra(s) && c.data(s, plan.slotStatus(s), plan.slotOffset(s))) {
                return c.reason;
            }
        }
        return c.finish();
    }

    /**
     * As {@link #rejection(PlanBuffer)}, for an immutable plan.
     *
     * @param plan the plan
     * @return the reason, or {@code null} when netfront accepts it
     */
    public static String rejection(RxPlan plan) {
        Objects.requireNonNull(plan, "plan");
        Check c = new Check();
        for (SlotResponse r : plan.slots()) {
            if (r instanceof DataResponse d && c.data(d.slot(), d.status(), d.offset())) {
                return c.reason;
            }
        }
        return c.finish();
    }

    /** The checks over a packet's data slots in ring order. */
    private static final class Check {
        private int dataSlots;
        private int firstStatus;
        private String reason;

        /** @return true when slot {@code s} breaks a per-slot rule ({@link #reason} says which) */
        boolean data(int s, int status, int offset) {
            if (status < 0) {
                reason = "slot " + s + ": status " + status + " < 0";
                return true;
            }
            if (offset + status > Netif.PAGE_SIZE) {
                reason = "slot " + s + ": offset " + offset + " + status " + status + " > " + Netif.PAGE_SIZE;
                return true;
            }
            if (dataSlots == 0) {
                firstStatus = status;
            }
            dataSlots++;
            return false;
        }

        /** @return the slot-count rule's reason, or {@code null} */
        String finish() {
            boolean small = firstStatus <= Netif.RX_COPY_THRESHOLD;
            int max = Netif.NR_SLOTS_MIN + (small ? 1 : 0);
            if (dataSlots > max) {
                return dataSlots + " data slots > " + max + " (first slot holds " + firstStatus
                        + (small ? " <= " : " > ") + Netif.RX_COPY_THRESHOLD + " bytes)";
            }
            return null;
        }
    }
}
