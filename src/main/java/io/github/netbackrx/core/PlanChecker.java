package io.github.netbackrx.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Checks a plan against the model's {@link Invariant}s (listed in {@code docs/packing-rules.md})
 * and reports every broken one as a {@link Finding} whose details name the offending values.
 *
 * <p>An op's source is read in 4 KiB frames: an op at source offset {@code o} reads frame {@code o
 * / 4096} of its area's (possibly compound) page, as every generation since Linux 3.7 does ({@code
 * page += offset >> PAGE_SHIFT}). The one exception is a fragment op of a {@link
 * PackingPolicy#PER_FRAG} plan checked from its {@link PlanBuffer}: the pre-2010 {@code
 * netbk_gop_frag} names the fragment's first page with the whole {@code page_offset}, so such an op
 * at an offset of 4096 or more is a {@link Invariant#SOURCE_WITHIN_FRAME} finding ({@code
 * GNTTABOP_copy} refuses it with {@code GNTST_bad_copy_arg}). An {@link RxPlan} does not carry that
 * mark, so checking one applies the frame rule only.
 *
 * <p>A GSO prefix slot ({@link PlanBuffer#slotIsPrefix(int)}) is not a data slot for any
 * invariant: its status counts buffers, not bytes, and the first data slot is the one after it.
 *
 * <p>A policy that breaks an invariant on some input is not an error of the model: the finding is
 * how a historical hazard is shown, such as the empty first buffer of the pre-2010 rule that the
 * 2010 patch names.
 */
public final class PlanChecker {
    private PlanChecker() {}

    /**
     * Checks an immutable plan, with buffers of {@link Netif#MAX_BUFFER_OFFSET} bytes.
     *
     * @param skb the packet planned
     * @param plan the plan
     * @return the findings, empty when every invariant holds
     */
    public static List<Finding> check(Skb skb, RxPlan plan) {
        return check(skb, plan, Netif.MAX_BUFFER_OFFSET);
    }

    /**
     * Checks an immutable plan made for buffers of {@code maxBufferOffset} bytes.
     *
     * @param skb the packet planned
     * @param plan the plan
     * @param maxBufferOffset bytes one guest buffer may hold
     * @return the findings, empty when every invariant holds
     */
    public static List<Finding> check(Skb skb, RxPlan plan, int maxBufferOffset) {
        Objects.requireNonNull(plan, "plan");
        PlanBuffer b = new PlanBuffer();
        b.load(plan, maxBufferOffset);
        return check(skb, b);
    }

    /**
     * Checks a plan buffer against the buffer size it was planned for ({@link
     * PlanBuffer#maxBufferOffset()}).
     *
     * @param skb the packet planned
     * @param plan the plan
     * @return the findings, empty when every invariant holds, in {@link Invariant} order
     */
    public static List<Finding> check(Skb skb, PlanBuffer plan) {
        Objects.requireNonNull(skb, "skb");
        Objects.requireNonNull(plan, "plan");
        List<Finding> out = new ArrayList<>();
        checkLengthSum(skb, plan, out);
        checkDestWithinSlot(plan, out);
        checkSourceWithinFrame(plan, out);
        checkFirstSlotNonEmpty(skb, plan, out);
        checkSlotsWithinEstimate(plan, out);
        checkMoreDataChain(plan, out);
        checkSourceCoverage(skb, plan, out);
        return out;
    }

    private static void checkLengthSum(Skb skb, PlanBuffer p, List<Finding> out) {
        long sum = 0;
        for (int s = 0; s < p.slotCount(); s++) {
            if (!p.slotIsExtra(s) && !p.slotIsPrefix(s)) {
                sum += p.slotStatus(s);
            }
        }
        if (sum != skb.length()) {
            out.add(new Finding(
                    Invariant.LENGTH_SUM, "data statuses sum to " + sum + ", packet length " + skb.length()));
        }
    }

    private static void checkDestWithinSlot(PlanBuffer p, List<Finding> out) {
        int max = p.maxBufferOffset();
        for (int i = 0; i < p.opCount(); i++) {
            int slot = p.opSlot(i);
            int dest = p.opDestOffset(i);
            int len = p.opLength(i);
            if (slot < 0 || slot >= p.slotCount()) {
                out.add(new Finding(
                        Invariant.DEST_WITHIN_SLOT,
                        opName(p, i) + " writes slot " + slot + " outside the packet's " + p.slotCount() + " slots"));
            } else if (p.slotIsExtra(slot)) {
                out.add(new Finding(
                        Invariant.DEST_WITHIN_SLOT, opName(p, i) + " writes slot " + slot + ", an extra-info slot"));
            } else if (p.slotIsPrefix(slot)) {
                out.add(new Finding(
                        Invariant.DEST_WITHIN_SLOT, opName(p, i) + " writes slot " + slot + ", a GSO prefix slot"));
            } else if (dest < 0 || len < 0 || (long) dest + len > max) {
                out.add(new Finding(
                        Invariant.DEST_WITHIN_SLOT,
                        opName(p, i) + " writes slot " + slot + " at offset " + dest + " + length " + len
                                + " > buffer size " + max));
            }
        }
    }

    /** How a finding names op {@code i}: built only when there is a finding to report. */
    private static String opName(PlanBuffer p, int i) {
        return "op " + i + " (" + CopyOp.sourceName(p.opSource(i)) + ")";
    }

    private static void checkSourceWithinFrame(PlanBuffer p, List<Finding> out) {
        for (int i = 0; i < p.opCount(); i++) {
            int off = p.opSourceOffset(i);
            int len = p.opLength(i);
            if (len > 0 && p.fragOpsInFirstPage && p.opSource(i) >= 0 && off >= Netif.PAGE_SIZE) {
                out.add(new Finding(
                        Invariant.SOURCE_WITHIN_FRAME,
                        "op " + i + " (" + CopyOp.sourceName(p.opSource(i)) + ") reads offset " + off + " + length "
                                + len + " of the fragment's first 4096-byte page, the page the op names"));
            } else if (len > 0 && off / Netif.PAGE_SIZE != (off + len - 1) / Netif.PAGE_SIZE) {
                out.add(new Finding(
                        Invariant.SOURCE_WITHIN_FRAME,
                        "op " + i + " (" + CopyOp.sourceName(p.opSource(i)) + ") reads offset " + off + " + length "
                                + len + " across 4096-byte frames " + off / Netif.PAGE_SIZE + " and "
                                + (off + len - 1) / Netif.PAGE_SIZE));
            }
        }
    }

    private static void checkFirstSlotNonEmpty(Skb skb, PlanBuffer p, List<Finding> out) {
        if (skb.length() == 0) {
            return;
        }
        int first = 0; // a GSO prefix slot comes before the first data slot
        while (first < p.slotCount() && p.slotIsPrefix(first)) {
            first++;
        }
        if (first == p.slotCount() || p.slotIsExtra(first)) {
            out.add(new Finding(
                    Invariant.FIRST_SLOT_NONEMPTY,
                    "slot " + first + " is not a data slot in a " + skb.length() + "-byte packet"));
        } else if (p.slotStatus(first) <= 0) {
            out.add(new Finding(
                    Invariant.FIRST_SLOT_NONEMPTY,
                    "data slot " + first + " is empty (status " + p.slotStatus(first) + ") in a " + skb.length()
                            + "-byte packet"));
        }
    }

    private static void checkSlotsWithinEstimate(PlanBuffer p, List<Finding> out) {
        if (p.slotCount() > p.estimate()) {
            out.add(new Finding(
                    Invariant.SLOTS_WITHIN_ESTIMATE, p.slotCount() + " slots used > estimate " + p.estimate()));
        }
    }

    private static void checkMoreDataChain(PlanBuffer p, List<Finding> out) {
        int last = -1;
        for (int s = p.slotCount() - 1; s >= 0; s--) {
            if (!p.slotIsExtra(s) && !p.slotIsPrefix(s)) {
                last = s;
                break;
            }
        }
        for (int s = 0; s < p.slotCount(); s++) {
            if (p.slotIsExtra(s) || p.slotIsPrefix(s)) {
                continue;
            }
            boolean more = (p.slotFlags(s) & Netif.RXF_MORE_DATA) != 0;
            if (s != last && !more) {
                out.add(new Finding(
                        Invariant.MORE_DATA_CHAIN,
                        "data slot " + s + " lacks more_data before last data slot " + last));
            } else if (s == last && more) {
                out.add(new Finding(Invariant.MORE_DATA_CHAIN, "last data slot " + s + " has more_data"));
            }
        }
    }

    private static void checkSourceCoverage(Skb skb, PlanBuffer p, List<Finding> out) {
        int areas = skb.fragCount() + 1; // area a is source a - 1
        int slots = p.slotCount();
        // per area: the next offset expected, the bytes copied, the first op out of order (-1 none);
        // per slot: the next destination offset expected, the first op out of order; in the plan
        // buffer's own scratch, so checking a plan allocates nothing while it holds
        long[] w = p.checkScratch(3 * areas + 2 * slots);
        int nextSource = 0;
        int copied = areas;
        int badSourceOp = 2 * areas;
        int nextDest = 3 * areas;
        int badSlotOp = 3 * areas + slots;
        for (int a = 0; a < areas; a++) {
            w[nextSource + a] = a == 0 ? skb.headOffset() : skb.fragOffset(a - 1);
            w[copied + a] = 0;
            w[badSourceOp + a] = -1;
        }
        Arrays.fill(w, nextDest, nextDest + slots, 0);
        Arrays.fill(w, badSlotOp, badSlotOp + slots, -1);
        for (int i = 0; i < p.opCount(); i++) {
            int a = p.opSource(i) + 1;
            if (a >= 0 && a < areas && w[badSourceOp + a] < 0) {
                if (p.opSourceOffset(i) != w[nextSource + a]) {
                    w[badSourceOp + a] = i;
                } else {
                    w[nextSource + a] += p.opLength(i);
                    w[copied + a] += p.opLength(i);
                }
            }
            int s = p.opSlot(i);
            if (s >= 0 && s < slots && !p.slotIsExtra(s) && !p.slotIsPrefix(s) && w[badSlotOp + s] < 0) {
                if (p.opDestOffset(i) != w[nextDest + s]) {
                    w[badSlotOp + s] = i;
                } else {
                    w[nextDest + s] += p.opLength(i);
                }
            }
        }
        for (int a = 0; a < areas; a++) {
            int length = a == 0 ? skb.headLength() : skb.fragLength(a - 1);
            int bad = (int) w[badSourceOp + a];
            if (bad >= 0) {
                out.add(new Finding(
                        Invariant.SOURCE_COVERAGE,
                        CopyOp.sourceName(a - 1) + ": op " + bad + " reads from offset " + p.opSourceOffset(bad)
                                + ", expected " + w[nextSource + a]));
            } else if (w[copied + a] != length) {
                out.add(new Finding(
                        Invariant.SOURCE_COVERAGE,
                        CopyOp.sourceName(a - 1) + ": ops copy " + w[copied + a] + " of its " + length + " bytes"));
            }
        }
        for (int s = 0; s < slots; s++) {
            if (p.slotIsExtra(s) || p.slotIsPrefix(s)) {
                continue;
            }
            int bad = (int) w[badSlotOp + s];
            if (bad >= 0) {
                out.add(new Finding(
                        Invariant.SOURCE_COVERAGE,
                        "slot " + s + ": op " + bad + " writes at offset " + p.opDestOffset(bad) + ", expected "
                                + w[nextDest + s]));
            } else if (w[nextDest + s] != p.slotStatus(s)) {
                out.add(new Finding(
                        Invariant.SOURCE_COVERAGE,
                        "slot " + s + ": ops write " + w[nextDest + s] + " bytes, status " + p.slotStatus(s)));
            }
        }
        for (int i = 0; i < p.opCount(); i++) {
            int a = p.opSource(i) + 1;
            if (a < 0 || a >= areas) {
                out.add(new Finding(
                        Invariant.SOURCE_COVERAGE,
                        "op " + i + " reads " + CopyOp.sourceName(p.opSource(i)) + ", not an area of the packet"));
            }
        }
    }
}
