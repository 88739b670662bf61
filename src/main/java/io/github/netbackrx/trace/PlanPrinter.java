package io.github.netbackrx.trace;

import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.ExtraResponse;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Prints a plan in the canonical plan output, one spelling for one layout:
 *
 * <pre>
 * packet I len=LEN estimate=E slots=S
 * copy SRC SRC_OFF SLOT DST_OFF LEN        one line per grant-copy op, in issue order
 * rsp SLOT OFFSET STATUS FLAGS             one line per data response ...
 * prefix SLOT OFFSET STATUS FLAGS          ... per GSO prefix response (prefix mode) ...
 * extra SLOT gso SIZE TYPE                 ... per GSO extra-info slot ...
 * extra SLOT hash VALUE TYPE               ... and per hash extra-info slot, in ring order
 * </pre>
 *
 * <p>{@code SRC} is {@code head} or {@code fragK}; {@code FLAGS} are the NETRXF names in bit order
 * joined by {@code ,}, or {@code -} when none ({@link Netif#rxFlagNames(int)}); {@code TYPE} is the
 * GSO type's label; a hash {@code VALUE} is unsigned decimal and its {@code TYPE} the hash type's
 * label. A prefix response is a data response flagged {@code gso_prefix}: its {@code OFFSET} is the
 * GSO size and its {@code STATUS} the number of buffers the packet used. Every line ends with a single {@code \n} whatever the platform, so the output
 * can be compared byte for byte. The plan is printed as it is: checking it is {@code
 * PlanChecker}'s job.
 */
public final class PlanPrinter {

    private PlanPrinter() {}

    /**
     * Appends the canonical lines of one packet's plan.
     *
     * @param index the packet's index in its trace, counting from 0
     * @param skb the packet the plan was made for
     * @param plan the plan
     * @param out where to append the lines
     * @throws IllegalArgumentException if {@code index < 0}, if the plan's length is not the
     *     packet's, or if the plan has an extra-info slot of a type the format cannot spell (only GSO
     *     extras are defined)
     * @throws UncheckedIOException if {@code out} fails
     */
    public static void print(int index, Skb skb, RxPlan plan, Appendable out) {
        Objects.requireNonNull(out, "out");
        String text = format(index, skb, plan);
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The canonical lines of one packet's plan, as a string.
     *
     * @param index the packet's index in its trace, counting from 0
     * @param skb the packet the plan was made for
     * @param plan the plan
     * @return the lines, each ending with {@code \n}
     * @throws IllegalArgumentException as {@link #print(int, Skb, RxPlan, Appendable)}
     */
    public static String format(int index, Skb skb, RxPlan plan) {
        Objects.requireNonNull(skb, "skb");
        Objects.requireNonNull(plan, "plan");
        if (index < 0) {
            throw new IllegalArgumentException("packet index must be non-negative, was " + index);
        }
        if (plan.packetLength() != skb.length()) {
            throw new IllegalArgumentException("plan is for a " + plan.packetLength()
                    + "-byte packet, but the packet has " + skb.length() + " bytes");
        }
        StringBuilder sb =
                new StringBuilder(64 + 32 * (plan.ops().size() + plan.slots().size()));
        sb.append("packet ")
                .append(index)
                .append(" len=")
                .append(plan.packetLength())
                .append(" estimate=")
                .append(plan.estimate())
                .append(" slots=")
                .append(plan.slotCount())
                .append('\n');
        for (CopyOp op : plan.ops()) {
            sb.append("copy ")
                    .append(op.sourceName())
                    .append(' ')
                    .append(op.sourceOffset())
                    .append(' ')
                    .append(op.slot())
                    .append(' ')
                    .append(op.destOffset())
                    .append(' ')
                    .append(op.length())
                    .append('\n');
        }
        for (SlotResponse slot : plan.slots()) {
            if (slot instanceof DataResponse data) {
                sb.append((data.flags() & Netif.RXF_GSO_PREFIX) != 0 ? "prefix " : "rsp ")
                        .append(data.slot())
                        .append(' ')
                        .append(data.offset())
                        .append(' ')
                        .append(data.status())
                        .append(' ')
                        .append(Netif.rxFlagNames(data.flags()))
                        .append('\n');
            } else if (slot instanceof ExtraResponse extra) {
                if (extra.type() == Netif.EXTRA_TYPE_HASH) {
                    sb.append("extra ")
                            .append(extra.slot())
                            .append(" hash ")
                            .append(Integer.toUnsignedString(extra.hashValue()))
                            .append(' ')
                            .append(extra.hashType().label())
                            .append('\n');
                    continue;
                }
                if (extra.type() != Netif.EXTRA_TYPE_GSO) {
                    throw new IllegalArgumentException("slot " + extra.slot() + ": extra-info type " + extra.type()
                            + " has no spelling in the plan output (only gso and hash)");
                }
                sb.append("extra ")
                        .append(extra.slot())
                        .append(" gso ")
                        .append(extra.gsoSize())
                        .append(' ')
                        .append(extra.gsoType().label())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Appends the canonical lines of a plan held in a reusable {@link PlanBuffer}, without making an
     * {@code RxPlan} first. The output is the same as {@link #format(int, Skb, RxPlan)} gives for
     * {@link PlanBuffer#toPlan()}.
     *
     * @param index the packet's index in its trace, counting from 0
     * @param plan the plan, as the packer left it
     * @param out where to append the lines
     * @throws IllegalArgumentException if {@code index < 0} or the plan has an extra-info slot of a
     *     type the format cannot spell (only GSO extras are defined)
     * @throws UncheckedIOException if {@code out} fails
     */
    public static void print(int index, PlanBuffer plan, Appendable out) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(out, "out");
        if (index < 0) {
            throw new IllegalArgumentException("packet index must be non-negative, was " + index);
        }
        for (int s = 0; s < plan.slotCount(); s++) {
            if (plan.slotIsExtra(s)
                    && plan.slotExtraType(s) != Netif.EXTRA_TYPE_GSO
                    && plan.slotExtraType(s) != Netif.EXTRA_TYPE_HASH) {
                throw new IllegalArgumentException("slot " + s + ": extra-info type " + plan.slotExtraType(s)
                        + " has no spelling in the plan output (only gso and hash)");
            }
        }
        if (out instanceof StringBuilder sb) {
            printTo(sb, index, plan);
            return;
        }
        try {
            out.append("packet ");
            decimal(out, index).append(" len=");
            decimal(out, plan.packetLength()).append(" estimate=");
            decimal(out, plan.estimate()).append(" slots=");
            decimal(out, plan.slotCount()).append('\n');
            for (int i = 0; i < plan.opCount(); i++) {
                out.append("copy ");
                int source = plan.opSource(i);
                if (source < 0) {
                    out.append("head");
                } else {
                    decimal(out.append("frag"), source);
                }
                decimal(out.append(' '), plan.opSourceOffset(i)).append(' ');
                decimal(out, plan.opSlot(i)).append(' ');
                decimal(out, plan.opDestOffset(i)).append(' ');
                decimal(out, plan.opLength(i)).append('\n');
            }
            for (int s = 0; s < plan.slotCount(); s++) {
                if (plan.slotIsExtra(s) && plan.slotExtraType(s) == Netif.EXTRA_TYPE_HASH) {
                    decimal(out.append("extra "), s).append(" hash ");
                    out.append(Integer.toUnsignedString(plan.slotHashValue(s))).append(' ');
                    out.append(plan.slotHashType(s).label()).append('\n');
                } else if (plan.slotIsExtra(s)) {
                    decimal(out.append("extra "), s).append(" gso ");
                    decimal(out, plan.slotGsoSize(s)).append(' ');
                    out.append(plan.slotGsoType(s).label()).append('\n');
                } else {
                    decimal(out.append(plan.slotIsPrefix(s) ? "prefix " : "rsp "), s)
                            .append(' ');
                    decimal(out, plan.slotOffset(s)).append(' ');
                    decimal(out, plan.slotStatus(s)).append(' ');
                    out.append(Netif.rxFlagNames(plan.slotFlags(s))).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #print(int, PlanBuffer, Appendable)} into a {@link StringBuilder}, the command line's
     * path: the same lines, appended without the {@link Appendable} indirection (each call a direct
     * one, numbers formatted in place), the plan's extra-info types already checked.
     */
    private static void printTo(StringBuilder out, int index, PlanBuffer plan) {
        int ops = plan.opCount();
        int slots = plan.slotCount();
        out.append("packet ")
                .append(index)
                .append(" len=")
                .append(plan.packetLength())
                .append(" estimate=")
                .append(plan.estimate())
                .append(" slots=")
                .append(slots)
                .append('\n');
        for (int i = 0; i < ops; i++) {
            int source = plan.opSource(i);
            if (source < 0) {
                out.append("copy head ");
            } else {
                out.append("copy frag").append(source).append(' ');
            }
            out.append(plan.opSourceOffset(i))
                    .append(' ')
                    .append(plan.opSlot(i))
                    .append(' ')
                    .append(plan.opDestOffset(i))
                    .append(' ')
                    .append(plan.opLength(i))
                    .append('\n');
        }
        for (int s = 0; s < slots; s++) {
            if (!plan.slotIsExtra(s)) {
                out.append(plan.slotIsPrefix(s) ? "prefix " : "rsp ")
                        .append(s)
                        .append(' ')
                        .append(plan.slotOffset(s))
                        .append(' ')
                        .append(plan.slotStatus(s))
                        .append(' ')
                        .append(Netif.rxFlagNames(plan.slotFlags(s)))
                        .append('\n');
            } else if (plan.slotExtraType(s) == Netif.EXTRA_TYPE_HASH) {
                out.append("extra ")
                        .append(s)
                        .append(" hash ")
                        .append(Integer.toUnsignedLong(plan.slotHashValue(s)))
                        .append(' ')
                        .append(plan.slotHashType(s).label())
                        .append('\n');
            } else {
                out.append("extra ")
                        .append(s)
                        .append(" gso ")
                        .append(plan.slotGsoSize(s))
                        .append(' ')
                        .append(plan.slotGsoType(s).label())
                        .append('\n');
            }
        }
    }

    /** Appends an int in decimal; to a {@link StringBuilder} without making a string. */
    private static Appendable decimal(Appendable out, int value) throws IOException {
        if (out instanceof StringBuilder sb) {
            sb.append(value);
            return sb;
        }
        return out.append(Integer.toString(value));
    }
}
