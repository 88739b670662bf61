package io.github.netbackrx.sim;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.CostModel.Parameter;
import io.github.netbackrx.trace.CaptureLayout;
import io.github.netbackrx.trace.CapturedFrame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Fits a {@link CostModel} to a machine's own measurements — packet size to throughput, optionally
 * latency — by non-negative least squares, and says how well it fits.
 *
 * <h2>From a measurement to event counts</h2>
 *
 * <p>For a packet size the calibration plans one {@linkplain #representativePacket(int) representative
 * packet} with {@link RxPacker} under the generation's packing policy and takes its copy ops, bytes
 * copied and ring slots (each slot gets one response). The engine profile says how packets are
 * batched ({@link #counts(int)}):
 *
 * <ul>
 *   <li><b>Packets per action</b> ({@code B}): the most one action takes when the queue is full and a
 *       whole ring of requests is posted — {@code 256 / slots} ring slots, and for {@code rx.c} at most
 *       {@code RX_BATCH_SIZE} (64, {@code xenvif_rx_action}); for 2010 at most the packets after which
 *       {@code count + MAX_SKB_FRAGS >= NET_RX_RING_SIZE} ({@code count += nr_frags + 1}, {@code
 *       net_rx_action}) and whose ops fit {@code grant_copy_op[2 * 256]}; for 3.13 the same count rule
 *       with {@code MAX_SKB_FRAGS} 17 ({@code xenvif_rx_action}); for 3.14 whose ops fit {@code
 *       MAX_GRANT_COPY_OPS} (4352) — capped by {@link Builder#packetsPerAction(int)} when the caller
 *       states a smaller batch.
 *   <li><b>Hypercalls per action</b>: one {@code GNTTABOP_copy} for the whole batch (2010, 3.13, 3.14); one
 *       per {@code COPY_BATCH_SIZE} (64) ops, {@code ceil(B * ops / 64)} ({@code rx.c}'s {@code
 *       xenvif_rx_copy_add} flushes when the batch is full, and the action flushes at its end); one
 *       per packet (FreeBSD's {@code xnb_send}).
 *   <li><b>Notifications per action</b>: one. A push notifies only when the guest asked ({@code
 *       rsp_event}); a guest that keeps up is waiting for the first push of each action and not yet
 *       re-armed for later ones.
 * </ul>
 *
 * <p>A <b>throughput</b> point is taken as the backend's service time per packet at saturation: {@code
 * 1e9 / pps = backendNanos(1, hypercalls, B ops, B bytes, B slots, 1) / B}. It must be a maximum
 * throughput (the backend busy all the time), not an offered load below capacity, and the backend
 * must be the bottleneck (the guest keeping up), as in the published measurements. A <b>latency</b>
 * point is one packet alone, from its arrival at the backend to netfront handing it to the guest's
 * stack: {@code backendNanos(1, hypercalls of one packet, ops, bytes, slots, 1) + eventChannelLatency +
 * guestNanos(slots, 1, 1)}. Both are linear in the costs; the calibration builds each equation by
 * pricing the counts with unit cost models, so the fit and the predictions ({@link
 * Counts#backendNanosPerPacket}, {@link Counts#latencyNanos}) are the same arithmetic.
 *
 * <h2>The fit</h2>
 *
 * <p>Each equation is divided by its measured value, so the fit minimises relative errors (a 64-byte
 * point and a 64 KiB point weigh alike). The parameters are solved by non-negative least squares
 * (Lawson–Hanson, on Householder QR), the others fixed at their prior values (by default {@link
 * CostModel#DEFAULTS}) with their share moved to the right-hand side. Which parameters are fitted:
 *
 * <ol>
 *   <li>Taken in the order of {@link #FIT_ORDER}, a parameter is a candidate when the measurements
 *       involve it (guest costs need latency points) and its column is not, to a relative 1e-6, a
 *       combination of the columns of the candidates before it (modified Gram–Schmidt): otherwise the
 *       data cannot tell it apart from them.
 *   <li>An automatic fit keeps at least one degree of freedom: at most one parameter fewer than
 *       measured values.
 *   <li>While some estimate is positive but smaller than its standard error, the last such
 *       parameter in {@link #FIT_ORDER} goes back to its prior value and the fit is repeated: the
 *       measurements do not determine it (near-collinear columns and noise), and the order says which
 *       costs to trust the data with first.
 * </ol>
 *
 * <p>{@link Builder#fit(Parameter...)} fits a chosen set instead (step 1 only), and fails if the
 * measurements cannot identify each of them. Every parameter left out is reported with the reason
 * ({@link Result#notFitted()}).
 *
 * <p>The fit error is reported on the measured quantities: for each point, predicted / measured − 1
 * (throughput in packets per second, latency in nanoseconds), and their root mean square.
 *
 * <p>Immutable; {@link #fit} and {@link #counts} may be called from any thread.
 */
public final class CostCalibration {

    /** The largest packet size: {@code GSO_MAX_SIZE} (65,536). */
    public static final int MAX_PACKET = 65_536;

    /** Parameters in the order the automatic fit considers them (see the class documentation). */
    public static final List<Parameter> FIT_ORDER = List.of(
            Parameter.PER_BYTE,
            Parameter.PER_COPY_OP,
            Parameter.PER_RESPONSE,
            Parameter.PER_ACTION,
            Parameter.PER_HYPERCALL,
            Parameter.PER_NOTIFICATION,
            Parameter.GUEST_PER_SLOT,
            Parameter.EVENT_CHANNEL_LATENCY,
            Parameter.GUEST_PER_PACKET,
            Parameter.GUEST_PER_INTERRUPT);

    /**
     * The most measurements one fit takes (its matrix then holds a few megabytes): far more than a
     * sweep of sizes needs, and a bound on memory whatever the input.
     */
    public static final int MAX_MEASUREMENTS = 100_000;

    /** A column this close (relative) to the span of the columns before it is not identifiable. */
    static final double IDENTIFIABLE = 1e-6;

    private final EngineProfile profile;
    private final PackingPolicy policy;
    private final int packetsPerAction;
    private final CostModel prior;
    private final Set<Parameter> requested;
    private final RxPacker packer;

    private CostCalibration(Builder b) {
        this.profile = b.profile;
        this.policy = b.policy == null ? b.profile.defaultPolicy() : b.policy;
        this.packetsPerAction = b.packetsPerAction;
        this.prior = b.prior;
        this.requested = b.requested == null ? null : Collections.unmodifiableSet(EnumSet.copyOf(b.requested));
        this.packer = RxPacker.of(policy);
    }

    /**
     * A calibration for the {@code rx.c} generation ({@link EngineProfile#RX_C}, {@code full-page}
     * packing), saturated batches, {@link CostModel#DEFAULTS} as the prior, automatic choice of
     * parameters.
     *
     * @return the calibration
     */
    public static CostCalibration of() {
        return builder().build();
    }

    /** @return a builder with the defaults of {@link #of()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the generation whose batching the counts follow */
    public EngineProfile profile() {
        return profile;
    }

    /** @return the packing policy representative packets are planned under */
    public PackingPolicy policy() {
        return policy;
    }

    /** @return the caller's cap on packets per action, or 0 for none (saturated batches) */
    public int packetsPerAction() {
        return packetsPerAction;
    }

    /** @return the values parameters keep when they are not fitted */
    public CostModel prior() {
        return prior;
    }

    /**
     * The representative packet of a size: a frame of that many bytes laid out as {@link
     * CaptureLayout#defaults()} lays out a captured one (the layout of {@code --capture}) — a linear
     * head of {@code min(size, 128)} bytes at offset 64 in its page, the rest in page fragments of
     * 4096 bytes at offset 0 (the last one shorter), and TCPv4 GSO with size 1460 when the frame is
     * longer than 1514 bytes. 128 bytes is also what Linux netback copies into the linear area of a
     * packet one guest sends another ({@code XEN_NETBACK_TX_COPY_LEN}, {@code
     * drivers/net/xen-netback/netback.c}). A 64-byte packet is all head (one copy op); a 65,536-byte
     * one is a 128-byte head and 16 fragments.
     *
     * @param size bytes, {@code 1..65536}
     * @return the packet
     * @throws IllegalArgumentException if the size is outside {@code 1..65536}
     */
    public static Skb representativePacket(int size) {
        checkSize(size);
        return CaptureLayout.defaults().toSkb(new CapturedFrame(0, size, new byte[size]));
    }

    private static void checkSize(int size) {
        if (size < 1 || size > MAX_PACKET) {
            throw new IllegalArgumentException("packet size " + size + " outside 1.." + MAX_PACKET + " bytes");
        }
    }

    /**
     * The event counts of a packet size under this calibration's generation: the representative
     * packet's plan and the batching of its saturated actions (see the class documentation).
     *
     * @param size bytes, {@code 1..65536}
     * @return the counts
     * @throws IllegalArgumentException if the size is outside {@code 1..65536}
     */
    public Counts counts(int size) {
        Skb skb = representativePacket(size);
        PlanBuffer plan = new PlanBuffer();
        packer.plan(skb, plan);
        int ops = plan.opCount();
        long bytes = 0;
        for (int i = 0; i < ops; i++) {
            bytes += plan.opLength(i);
        }
        int slots = plan.slotCount();
        int batch = KernelLimits.NET_RX_RING_SIZE / slots;
        switch (profile) {
            case LINUX_2010 -> {
                int perPacket = skb.fragCount() + 1;
                int reach = KernelLimits.NET_RX_RING_SIZE - KernelLimits.MAX_SKB_FRAGS_2010;
                batch = Math.min(batch, (reach + perPacket - 1) / perPacket);
                batch = Math.min(batch, KernelLimits.COPY_OP_ARRAY_2010 / ops);
            }
            case LINUX_3_13 -> {
                // the 2010 count rule with the later MAX_SKB_FRAGS, into a 2 x 256 copy-op array
                int perPacket = skb.fragCount() + 1;
                int reach = KernelLimits.NET_RX_RING_SIZE - KernelLimits.MAX_SKB_FRAGS_LATER;
                batch = Math.min(batch, (reach + perPacket - 1) / perPacket);
                batch = Math.min(batch, KernelLimits.COPY_OP_ARRAY_3_13 / ops);
            }
            case LINUX_3_14 -> batch = Math.min(batch, KernelLimits.MAX_GRANT_COPY_OPS_3_14 / ops);
            case RX_C -> batch = Math.min(batch, KernelLimits.RX_BATCH_SIZE);
            case FREEBSD -> {
                // the ring alone bounds an xnb_send call
            }
        }
        if (packetsPerAction > 0) {
            batch = Math.min(batch, packetsPerAction);
        }
        return new Counts(size, ops, bytes, slots, batch, hypercalls(batch, ops), 1, hypercalls(1, ops));
    }

    private int hypercalls(int packets, int ops) {
        return switch (profile) {
            case LINUX_2010, LINUX_3_13, LINUX_3_14 -> 1;
            case RX_C -> (packets * ops + KernelLimits.COPY_BATCH_SIZE - 1) / KernelLimits.COPY_BATCH_SIZE;
            case FREEBSD -> packets;
        };
    }

    /**
     * Fits the parameters to the measurements.
     *
     * @param measurements the points, at 2 or more packet sizes
     * @return the fitted model, what was fitted, and the fit error
     * @throws IllegalArgumentException naming the rule broken: {@code "100001 measurements: a
     *     calibration takes at most 100000"}, {@code "no measurements: a calibration needs values at 2 or
     *     more packet sizes"}, {@code "all 2 measured values are at 64 bytes: a
     *     calibration needs 2 or more packet sizes ..."}, and with {@link Builder#fit(Parameter...)}
     *     {@code "cannot fit 3 parameters from 2 measured values ..."} or {@code "perNotification cannot
     *     be told apart from perAction by these measurements ..."}
     */
    public Result fit(List<Measurement> measurements) {
        Objects.requireNonNull(measurements, "measurements");
        if (measurements.size() > MAX_MEASUREMENTS) {
            throw new IllegalArgumentException(
                    measurements.size() + " measurements: a calibration takes at most " + MAX_MEASUREMENTS);
        }
        List<Equation> eqs = new ArrayList<>();
        Map<Integer, Counts> countsBySize = new HashMap<>();
        for (int i = 0; i < measurements.size(); i++) {
            Measurement m = Objects.requireNonNull(measurements.get(i), "measurement " + i);
            Counts c = countsBySize.computeIfAbsent(m.packetSize(), this::counts);
            if (m.hasThroughput()) {
                eqs.add(new Equation(m, Quantity.THROUGHPUT, c, 1e9 / m.packetsPerSecond(), m.packetsPerSecond()));
            }
            if (m.hasLatency()) {
                eqs.add(new Equation(m, Quantity.LATENCY, c, m.latencyNanos(), m.latencyNanos()));
            }
        }
        if (eqs.isEmpty()) {
            throw new IllegalArgumentException("no measurements: a calibration needs values at 2 or more packet sizes");
        }
        int firstSize = eqs.get(0).point.packetSize();
        if (eqs.stream().allMatch(e -> e.point.packetSize() == firstSize)) {
            throw new IllegalArgumentException("all " + eqs.size() + " measured values are at " + firstSize
                    + " bytes: a calibration needs 2 or more packet sizes (at one size the per-byte, per-op and"
                    + " per-slot costs cannot be told apart)");
        }
        Parameter[] all = Parameter.values();
        int rows = eqs.size();
        // a[i][j]: nanoseconds equation i predicts per nanosecond of parameter j, divided by its target
        double[][] a = new double[rows][all.length];
        for (Parameter p : all) {
            CostModel unit = unit(p);
            for (int i = 0; i < rows; i++) {
                Equation e = eqs.get(i);
                a[i][p.ordinal()] = e.price(unit) / e.target;
            }
        }

        List<Parameter> order = requested == null ? FIT_ORDER : orderOf(requested);
        if (requested != null && requested.size() > rows) {
            throw new IllegalArgumentException("cannot fit " + requested.size() + " parameters from " + rows
                    + " measured values: a fit needs at least as many values as parameters");
        }
        Map<Parameter, String> notFitted = new EnumMap<>(Parameter.class);
        List<Parameter> chosen = new ArrayList<>();
        List<double[]> basis = new ArrayList<>();
        for (Parameter p : order) {
            // the data must involve p and tell it apart from the parameters taken before it
            Independence ind = independent(a, p, chosen, basis);
            String why = ind.why();
            if (why == null && requested == null && chosen.size() == rows - 1) {
                why = "no measured value left to judge the fit by (an automatic fit keeps at least one degree of"
                        + " freedom)";
            }
            if (why == null) {
                basis.add(ind.remainder());
                chosen.add(p);
            } else if (requested != null) {
                throw new IllegalArgumentException(p.label() + " " + why
                        + ": fit fewer parameters, or add measurements at other packet sizes, batch sizes or of"
                        + " latency");
            } else {
                notFitted.put(p, why);
            }
        }
        for (Parameter p : all) {
            if (!chosen.contains(p) && !notFitted.containsKey(p)) {
                notFitted.put(p, "not requested");
            }
        }
        Solution sol = solve(a, chosen);
        // automatic fits: while an estimate is positive but smaller than its standard error, the last
        // such parameter in FIT_ORDER goes back to its prior value
        for (Parameter vague = undetermined(sol, chosen);
                requested == null && vague != null;
                vague = undetermined(sol, chosen)) {
            notFitted.put(
                    vague,
                    "not determined by these measurements (estimate " + CostModel.format(sol.model.get(vague))
                            + " ns, standard error " + CostModel.format(sol.errors.get(vague)) + " ns)");
            chosen.remove(vague);
            sol = solve(a, chosen);
        }

        List<Residual> residuals = new ArrayList<>(rows);
        double sumSquares = 0;
        double max = 0;
        for (Equation e : eqs) {
            double nanos = e.price(sol.model);
            double predicted = e.quantity == Quantity.THROUGHPUT ? 1e9 / nanos : nanos;
            double rel = predicted / e.measured - 1;
            residuals.add(new Residual(e.point, e.quantity, e.measured, predicted, rel));
            sumSquares += rel * rel;
            max = Math.max(max, Math.abs(rel));
        }
        Set<Parameter> fittedSet = chosen.isEmpty() ? EnumSet.noneOf(Parameter.class) : EnumSet.copyOf(chosen);
        return new Result(
                sol.model,
                fittedSet,
                sol.errors,
                notFitted,
                sol.atZero,
                Math.sqrt(sumSquares / rows),
                max,
                rows - chosen.size(),
                residuals);
    }

    /** A model fitted over some parameters, with their standard errors and those held at zero. */
    private record Solution(CostModel model, Map<Parameter, Double> errors, Set<Parameter> atZero) {}

    /**
     * Non-negative least squares over the {@code chosen} columns of the weighted system {@code a x =
     * 1}, the other parameters fixed at the prior (their share moved to the right-hand side).
     */
    private Solution solve(double[][] a, List<Parameter> chosen) {
        Parameter[] all = Parameter.values();
        int rows = a.length;
        int k = chosen.size();
        double[][] sub = new double[rows][k];
        double[] rhs = new double[rows];
        for (int i = 0; i < rows; i++) {
            double fixedShare = 0;
            for (Parameter p : all) {
                if (!chosen.contains(p)) {
                    fixedShare += a[i][p.ordinal()] * prior.get(p);
                }
            }
            rhs[i] = 1 - fixedShare;
            for (int c = 0; c < k; c++) {
                sub[i][c] = a[i][chosen.get(c).ordinal()];
            }
        }
        // scale columns to unit length: the solution is the same, the arithmetic better conditioned
        double[] norms = new double[k];
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s = StrictMath.hypot(s, sub[i][c]);
            }
            norms[c] = s;
            for (int i = 0; i < rows; i++) {
                sub[i][c] /= s;
            }
        }
        double[] z = Nnls.solve(sub, rhs);
        CostModel.Builder fitted = prior.toBuilder();
        Set<Parameter> atZero = EnumSet.noneOf(Parameter.class);
        for (int c = 0; c < k; c++) {
            double value = z[c] / norms[c];
            fitted.set(chosen.get(c), value);
            if (value == 0) {
                atZero.add(chosen.get(c));
            }
        }
        // standard errors: s^2 (X^T X)^-1 of the weighted, column-scaled system, scaled back
        Map<Parameter, Double> errors = new EnumMap<>(Parameter.class);
        int dof = rows - k;
        double ss = 0;
        for (int i = 0; i < rows; i++) {
            double r = -rhs[i];
            for (int c = 0; c < k; c++) {
                r += sub[i][c] * z[c];
            }
            ss += r * r;
        }
        double[] diag = k == 0 ? new double[0] : Nnls.inverseGramDiagonal(sub);
        for (int c = 0; c < k; c++) {
            errors.put(chosen.get(c), dof > 0 ? Math.sqrt(ss / dof * diag[c]) / norms[c] : Double.NaN);
        }
        return new Solution(fitted.build(), errors, atZero);
    }

    /** The parameters in {@link #FIT_ORDER} that are in {@code set}. */
    private static List<Parameter> orderOf(Set<Parameter> set) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : FIT_ORDER) {
            if (set.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Why a column cannot be fitted, or (when {@code why} is null) its normalised remainder. */
    private record Independence(String why, double[] remainder) {}

    /**
     * Modified Gram–Schmidt: why {@code p} cannot be fitted beside {@code chosen} (whose orthonormal
     * {@code basis} is given), or, when what is left of its column after removing its projection on
     * the basis is more than {@link #IDENTIFIABLE} of its length, that remainder normalised.
     */
    private static Independence independent(double[][] a, Parameter p, List<Parameter> chosen, List<double[]> basis) {
        int rows = a.length;
        double[] v = new double[rows];
        double norm = 0;
        for (int i = 0; i < rows; i++) {
            v[i] = a[i][p.ordinal()];
            norm = StrictMath.hypot(norm, v[i]);
        }
        if (norm == 0) {
            return new Independence(
                    "not involved in these measurements"
                            + (isGuestSide(p)
                                    ? " (guest costs and the event-channel latency need latency points)"
                                    : ""),
                    null);
        }
        for (double[] q : basis) {
            double dot = 0;
            for (int i = 0; i < rows; i++) {
                dot += q[i] * v[i];
            }
            for (int i = 0; i < rows; i++) {
                v[i] -= dot * q[i];
            }
        }
        double left = 0;
        for (double e : v) {
            left = StrictMath.hypot(left, e);
        }
        if (left <= IDENTIFIABLE * norm) {
            return new Independence(
                    "cannot be told apart from " + combination(a, chosen, p) + " by these measurements", null);
        }
        for (int i = 0; i < rows; i++) {
            v[i] /= left;
        }
        return new Independence(null, v);
    }

    /**
     * The last parameter of {@code fitted} (in {@link #FIT_ORDER}) whose estimate is positive but
     * smaller than its standard error, or null.
     */
    private static Parameter undetermined(Solution s, List<Parameter> fitted) {
        Parameter last = null;
        for (Parameter q : fitted) {
            double value = s.model.get(q);
            if (value > 0 && s.errors.get(q) > value) {
                last = q;
            }
        }
        return last;
    }

    private static boolean isGuestSide(Parameter p) {
        return p == Parameter.GUEST_PER_SLOT
                || p == Parameter.GUEST_PER_PACKET
                || p == Parameter.GUEST_PER_INTERRUPT
                || p == Parameter.EVENT_CHANNEL_LATENCY;
    }

    /**
     * The parameters among {@code chosen} whose columns make up {@code p}'s (least-squares
     * coefficients that matter), e.g. {@code "perAction"} or {@code "perCopyOp and perResponse"}.
     */
    private static String combination(double[][] a, List<Parameter> chosen, Parameter p) {
        int rows = a.length;
        double[][] cols = new double[rows][chosen.size()];
        double[] target = new double[rows];
        double norm = 0;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < chosen.size(); c++) {
                cols[i][c] = a[i][chosen.get(c).ordinal()];
            }
            target[i] = a[i][p.ordinal()];
            norm = StrictMath.hypot(norm, target[i]);
        }
        boolean[] all = new boolean[chosen.size()];
        java.util.Arrays.fill(all, true);
        double[] coef = Nnls.leastSquares(cols, target, all);
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < chosen.size(); c++) {
            double part = 0;
            for (int i = 0; i < rows; i++) {
                part = StrictMath.hypot(part, coef[c] * cols[i][c]);
            }
            if (part > IDENTIFIABLE * norm) {
                sb.append(sb.length() > 0 ? " and " : "").append(chosen.get(c).label());
            }
        }
        return sb.length() > 0 ? sb.toString() : "the parameters taken before it";
    }

    /** A model with 1 ns for {@code p} and 0 for everything else. */
    private static CostModel unit(Parameter p) {
        CostModel.Builder b = CostModel.builder();
        for (Parameter q : Parameter.values()) {
            b.set(q, q == p ? 1 : 0);
        }
        return b.build();
    }

    /** One measured value and the counts that explain it. */
    private static final class Equation {
        final Measurement point;
        final Quantity quantity;
        final Counts counts;
        final double target;
        final double measured;

        Equation(Measurement point, Quantity quantity, Counts counts, double target, double measured) {
            this.point = point;
            this.quantity = quantity;
            this.counts = counts;
            this.target = target;
            this.measured = measured;
        }

        double price(CostModel m) {
            return quantity == Quantity.THROUGHPUT ? counts.backendNanosPerPacket(m) : counts.latencyNanos(m);
        }
    }

    /**
     * The event counts of one packet size under a generation.
     *
     * @param packetSize bytes
     * @param copyOps grant-copy ops of one packet
     * @param bytes bytes one packet copies
     * @param slots ring slots (and responses) of one packet
     * @param packetsPerAction packets one saturated action takes ({@code B})
     * @param hypercallsPerAction {@code GNTTABOP_copy} hypercalls of such an action
     * @param notificationsPerAction notifications of such an action
     * @param isolatedHypercalls hypercalls of an action that takes this packet alone
     */
    public record Counts(
            int packetSize,
            int copyOps,
            long bytes,
            int slots,
            int packetsPerAction,
            int hypercallsPerAction,
            int notificationsPerAction,
            int isolatedHypercalls) {

        /**
         * Backend CPU per packet at saturation: one action's cost divided by its packets.
         *
         * @param m the costs
         * @return nanoseconds per packet
         */
        public double backendNanosPerPacket(CostModel m) {
            long b = packetsPerAction;
            return m.backendNanos(1, hypercallsPerAction, b * copyOps, b * bytes, b * slots, notificationsPerAction)
                    / b;
        }

        /**
         * The most packets per second the backend sustains: {@code 1e9 / backendNanosPerPacket}.
         *
         * @param m the costs
         * @return packets per second
         */
        public double packetsPerSecond(CostModel m) {
            return 1e9 / backendNanosPerPacket(m);
        }

        /**
         * The latency of the packet alone: its own action, the notification's latency, and netfront's
         * work for one packet and one interrupt.
         *
         * @param m the costs
         * @return nanoseconds from arrival at the backend to the guest's stack
         */
        public double latencyNanos(CostModel m) {
            return m.backendNanos(1, isolatedHypercalls, copyOps, bytes, slots, 1)
                    + m.eventChannelLatency()
                    + m.guestNanos(slots, 1, 1);
        }
    }

    /** What a measured value is. */
    public enum Quantity {
        /** A maximum throughput, in packets per second. */
        THROUGHPUT,
        /** The latency of an isolated packet, in nanoseconds. */
        LATENCY
    }

    /**
     * One measurement: a packet size with its maximum throughput, its latency, or both.
     * Throughput in bits per second counts the whole packet as the model sees it (from the Ethernet
     * header, without FCS, preamble or gap): {@code pps = bps / (8 * size)}.
     */
    public static final class Measurement {
        private final int packetSize;
        private final double packetsPerSecond;
        private final double latencyNanos;

        private Measurement(int packetSize, double packetsPerSecond, double latencyNanos) {
            checkSize(packetSize);
            this.packetSize = packetSize;
            this.packetsPerSecond = packetsPerSecond;
            this.latencyNanos = latencyNanos;
        }

        /**
         * A maximum throughput in packets per second.
         *
         * @param size bytes, {@code 1..65536}
         * @param pps packets per second, finite and {@code > 0}
         * @return the measurement
         * @throws IllegalArgumentException naming the rule broken
         */
        public static Measurement packetsPerSecond(int size, double pps) {
            return new Measurement(size, positive("throughput", pps, "packets per second"), Double.NaN);
        }

        /**
         * A maximum throughput in bits per second of whole packets.
         *
         * @param size bytes, {@code 1..65536}
         * @param bps bits per second, finite and {@code > 0}
         * @return the measurement
         * @throws IllegalArgumentException naming the rule broken
         */
        public static Measurement bitsPerSecond(int size, double bps) {
            checkSize(size);
            return packetsPerSecond(size, positive("throughput", bps, "bits per second") / (8.0 * size));
        }

        /**
         * The latency of an isolated packet.
         *
         * @param size bytes, {@code 1..65536}
         * @param nanos nanoseconds, finite and {@code > 0}
         * @return the measurement
         * @throws IllegalArgumentException naming the rule broken
         */
        public static Measurement latency(int size, double nanos) {
            return new Measurement(size, Double.NaN, positive("latency", nanos, "nanoseconds"));
        }

        /**
         * Both a maximum throughput and an isolated packet's latency.
         *
         * @param size bytes, {@code 1..65536}
         * @param pps packets per second, finite and {@code > 0}
         * @param nanos latency in nanoseconds, finite and {@code > 0}
         * @return the measurement
         * @throws IllegalArgumentException naming the rule broken
         */
        public static Measurement of(int size, double pps, double nanos) {
            return new Measurement(
                    size, positive("throughput", pps, "packets per second"), positive("latency", nanos, "nanoseconds"));
        }

        private static double positive(String what, double v, String unit) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " " + v + " is not a finite number of " + unit);
            }
            if (v <= 0) {
                throw new IllegalArgumentException(what + " " + v + " " + unit + " is not positive");
            }
            return v;
        }

        /** @return the packet size in bytes */
        public int packetSize() {
            return packetSize;
        }

        /** @return whether a throughput was measured */
        public boolean hasThroughput() {
            return !Double.isNaN(packetsPerSecond);
        }

        /** @return whether a latency was measured */
        public boolean hasLatency() {
            return !Double.isNaN(latencyNanos);
        }

        /**
         * @return the throughput in packets per second
         * @throws IllegalStateException if none was measured
         */
        public double packetsPerSecond() {
            if (!hasThroughput()) {
                throw new IllegalStateException("no throughput measured at " + packetSize + " bytes");
            }
            return packetsPerSecond;
        }

        /**
         * @return the latency in nanoseconds
         * @throws IllegalStateException if none was measured
         */
        public double latencyNanos() {
            if (!hasLatency()) {
                throw new IllegalStateException("no latency measured at " + packetSize + " bytes");
            }
            return latencyNanos;
        }

        /**
         * Equal when size and both values are equal.
         *
         * @param o another object
         * @return whether it is the same measurement
         */
        @Override
        public boolean equals(Object o) {
            return o instanceof Measurement m
                    && m.packetSize == packetSize
                    && Double.compare(m.packetsPerSecond, packetsPerSecond) == 0
                    && Double.compare(m.latencyNanos, latencyNanos) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(packetSize, packetsPerSecond, latencyNanos);
        }

        /** @return e.g. {@code 64 bytes: 1020000 pps, 6147 ns} */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder().append(packetSize).append(" bytes:");
            if (hasThroughput()) {
                sb.append(' ').append(CostModel.format(packetsPerSecond)).append(" pps");
            }
            if (hasLatency()) {
                sb.append(hasThroughput() ? ", " : " ")
                        .append(CostModel.format(latencyNanos))
                        .append(" ns");
            }
            return sb.toString();
        }
    }

    /**
     * How well one measured value is reproduced.
     *
     * @param point the measurement
     * @param quantity which of its values
     * @param measured the measured value (packets per second or nanoseconds)
     * @param predicted the fitted model's value for it
     * @param relativeError {@code predicted / measured - 1}
     */
    public record Residual(
            Measurement point, Quantity quantity, double measured, double predicted, double relativeError) {}

    /**
     * The outcome of a fit.
     *
     * @param model the prior with the fitted parameters replaced
     * @param fitted the parameters the fit set (those in {@code atZero} among them)
     * @param standardErrors for each fitted parameter, the standard error of its estimate in
     *     nanoseconds ({@code s * sqrt((X^T X)^-1)} of the weighted system, ignoring the bound at 0);
     *     NaN when the fit has no degrees of freedom. A large one next to its value says the data
     *     barely identify the parameter
     * @param notFitted the others, each with why it kept its prior value
     * @param atZero fitted parameters the non-negativity constraint holds at 0
     * @param rmsRelativeError root mean square of the residuals' relative errors
     * @param maxRelativeError the largest relative error in magnitude
     * @param degreesOfFreedom measured values less fitted parameters; 0 means the fit is exact by
     *     construction and its error says nothing about the model
     * @param residuals one per measured value, in input order (throughput before latency)
     */
    public record Result(
            CostModel model,
            Set<Parameter> fitted,
            Map<Parameter, Double> standardErrors,
            Map<Parameter, String> notFitted,
            Set<Parameter> atZero,
            double rmsRelativeError,
            double maxRelativeError,
            int degreesOfFreedom,
            List<Residual> residuals) {

        /**
         * Creates a result, copying the collections (unmodifiable).
         *
         * @param model the fitted model
         * @param fitted the parameters fitted
         * @param standardErrors the fitted parameters' standard errors
         * @param notFitted the other parameters, each with its reason
         * @param atZero fitted parameters held at 0
         * @param rmsRelativeError root mean square of the relative errors
         * @param maxRelativeError the largest relative error in magnitude
         * @param degreesOfFreedom measured values less fitted parameters
         * @param residuals one per measured value
         */
        public Result {
            Objects.requireNonNull(model, "model");
            fitted = Collections.unmodifiableSet(
                    fitted.isEmpty() ? EnumSet.noneOf(Parameter.class) : EnumSet.copyOf(fitted));
            standardErrors = Collections.unmodifiableMap(
                    standardErrors.isEmpty() ? new EnumMap<>(Parameter.class) : new EnumMap<>(standardErrors));
            notFitted = Collections.unmodifiableMap(
                    notFitted.isEmpty() ? new EnumMap<>(Parameter.class) : new EnumMap<>(notFitted));
            atZero = Collections.unmodifiableSet(
                    atZero.isEmpty() ? EnumSet.noneOf(Parameter.class) : EnumSet.copyOf(atZero));
            residuals = List.copyOf(residuals);
        }
    }

    /** Configures a calibration; every setting has a default. */
    public static final class Builder {
        private EngineProfile profile = EngineProfile.RX_C;
        private PackingPolicy policy;
        private int packetsPerAction;
        private CostModel prior = CostModel.DEFAULTS;
        private Set<Parameter> requested;

        private Builder() {}

        /**
         * The generation whose batching the counts follow (default {@link EngineProfile#RX_C}); its
         * default packing policy unless {@link #policy} says otherwise.
         *
         * @param p the profile, not null
         * @return this builder
         */
        public Builder profile(EngineProfile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            return this;
        }

        /**
         * The packing policy representative packets are planned under (default the profile's).
         *
         * @param p the policy, not null
         * @return this builder
         */
        public Builder policy(PackingPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * Caps the packets one action takes (default: no cap, saturated batches). State the batch your
         * measurement ran with when it was smaller, e.g. 1 for one packet at a time.
         *
         * @param n packets, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder packetsPerAction(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("packetsPerAction " + n + " is less than 1");
            }
            this.packetsPerAction = n;
            return this;
        }

        /**
         * The values parameters keep when they are not fitted (default {@link CostModel#DEFAULTS}).
         *
         * @param m the model, not null
         * @return this builder
         */
        public Builder prior(CostModel m) {
            this.prior = Objects.requireNonNull(m, "prior");
            return this;
        }

        /**
         * Fits exactly these parameters (default: the automatic choice). The fit then fails if the
         * measurements cannot identify each of them.
         *
         * @param ps the parameters, at least one
         * @return this builder
         * @throws IllegalArgumentException if none is given
         */
        public Builder fit(Parameter... ps) {
            if (ps.length == 0) {
                throw new IllegalArgumentException("fit: name at least one parameter");
            }
            Set<Parameter> s = EnumSet.noneOf(Parameter.class);
            for (Parameter p : ps) {
                s.add(Objects.requireNonNull(p, "parameter"));
            }
            this.requested = s;
            return this;
        }

        /** @return the calibration */
        public CostCalibration build() {
            return new CostCalibration(this);
        }
    }
}
