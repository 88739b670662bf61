package io.github.netbackrx.sim;

import java.util.Locale;
import java.util.Objects;

/**
 * What the guest-RX path costs, per event, in nanoseconds: CPU time on the backend (per {@code
 * net_rx_action} / {@code xenvif_rx_action} run, per {@code GNTTABOP_copy} hypercall, per copy op, per
 * byte copied, per response written, per event-channel notification), CPU time in the guest (per
 * response slot netfront reads, per packet it hands to its stack, per interrupt), and the latency of
 * an event-channel notification from the backend's send to the guest's handler.
 *
 * <p>The model is linear: the time of a piece of work is the sum of its event counts times their
 * costs ({@link #backendNanos}, {@link #guestNanos}). The counts come from the rest of the library
 * (a plan's copy ops, bytes and slots; an engine's hypercalls and notifications), so the same costs
 * price every generation and packing policy. {@link CostCalibration} fits the costs to a machine's
 * own measurements.
 *
 * <h2>The defaults</h2>
 *
 * <p>{@link #DEFAULTS} holds the {@code DEFAULT_*} values. Where a published figure exists the
 * constant's documentation names it; where none does it says "assumption". The per-copy-op and
 * per-byte costs are not measured anywhere on their own: they are the two unknowns that make the
 * defaults reproduce the two published guest-RX throughputs, with the assumed costs fixed:
 *
 * <ul>
 *   <li>64-byte packets, grant copy, one queue: 2.04 Mpps with mapped grants "versus half of it
 *       with grant copy", so 1.02 Mpps = 980.4 ns per packet (Joao Martins, "xen-netback: use gref
 *       mappings for Rx requests"; pktgen, Xeon E5-2699 v3). Priced as an {@code rx.c} backend
 *       ({@code full-page} packing: one op, one slot, 64 bytes) taking 64 packets per action ({@code
 *       RX_BATCH_SIZE}), one hypercall and one notification per action: {@code perCopyOp + 64 perByte
 *       + perResponse + (perAction + perHypercall + perNotification) / 64 = 980.4}.
 *   <li>Bulk TCP, one queue: a "maximum aggregate throughput of 6 Gbit/s with a single queue" (the
 *       3.16 multi-queue merge, "xen-netback-netfront-multiqueue"; Xen wiki "Xen-netback and
 *       xen-netfront multi-queue performance testing", Xeon X5650). Priced as a 3.14-era backend
 *       ({@code coalesce-compound}) receiving 65,536-byte GSO packets (17 ops, 18 slots), 14 per
 *       action (256 ring slots / 18), one hypercall and one notification per action: {@code 17
 *       perCopyOp + 65536 perByte + 18 perResponse + (perAction + perHypercall + perNotification) /
 *       14 = 87,381} ns (65,536 × 8 bits at 6 Gbit/s).
 * </ul>
 *
 * <p>With the assumed {@code perAction} 1,000, {@code perHypercall} 870, {@code perNotification} 870
 * and {@code perResponse} 50 these give {@code perCopyOp + 64 perByte = 887.6} and {@code 17
 * perCopyOp + 65536 perByte = 86,285.6}, so {@code perByte = 1.105} and {@code perCopyOp = 816.9},
 * rounded to 1.1 and 817. The Xen design note "Staging grants for network I/O requests" agrees in
 * kind (small packets "almost like a 1 Gbit/s throughput", 32–64 KiB packets "up to 80 Gbit/s in few
 * CPUs"): the defaults give 0.5 Gbit/s at 64 bytes and 5–6 Gbit/s per queue in bulk. The two
 * figures come from different machines and kernels; the defaults
 * are a starting point of the right order, not a measurement of any one machine: calibrate for
 * yours. {@code docs/timing.md} repeats this arithmetic and the limits of the model.
 *
 * <p>Immutable and thread-safe; {@link #backendNanos} and {@link #guestNanos} allocate nothing.
 */
public final class CostModel {

    /**
     * Backend, per action ({@code net_rx_action} of the 2010 group, {@code xenvif_rx_action} later):
     * the thread's loop overhead, queue locking and wake-up. Assumption: 1,000 ns, about a kernel
     * thread's wake-up and context switch; no published figure for netback. It is amortised over the
     * packets of an action, so it hardly moves the throughput defaults (42.8 ns of the 64-byte point's
     * 980.4 ns) but weighs fully on an isolated packet's latency.
     */
    public static final double DEFAULT_PER_ACTION = 1_000;

    /**
     * Backend, per {@code GNTTABOP_copy} hypercall: entering and leaving the hypervisor. From a
     * comparable figure only: the direct cost of a VM exit "on its own is high: 2,000 cycles" (Landau,
     * Ben-Yehuda and Gordon, "SplitX: Split Guest/Hypervisor Execution on Multi-Core", WIOV 2011; x86
     * hardware virtualization, not Xen), taken at the 2.3 GHz base clock of the Xeon E5-2699 v3 of
     * the 64-byte measurement: 2,000 / 2.3 = 870 ns. A paravirtual hypercall is not a VM exit; no
     * published Xen figure was found.
     */
    public static final double DEFAULT_PER_HYPERCALL = 870;

    /**
     * Backend, per grant-copy op: grant lookup, acquiring and releasing the source and destination
     * frames inside {@code GNTTABOP_copy}, plus the per-packet work that has no parameter of its own.
     * Derived (see the class documentation): with the other defaults it makes 64-byte packets run at
     * 1.02 Mpps and 64 KiB GSO packets at 6 Gbit/s.
     */
    public static final double DEFAULT_PER_COPY_OP = 817;

    /**
     * Backend, per byte copied by {@code GNTTABOP_copy}. Derived with {@link #DEFAULT_PER_COPY_OP}
     * from the two published throughputs (1.105 ns, rounded); about 0.9 GB/s, which is what a
     * 6 Gbit/s single queue implies, not a memory-copy speed.
     */
    public static final double DEFAULT_PER_BYTE = 1.1;

    /**
     * Backend, per response written to the shared ring (data and extra slots alike: {@code
     * make_rx_response}, {@code xenvif_rx_data_slot}, {@code xenvif_rx_extra_slot}). Assumption:
     * 50 ns, a few cache lines of ring and bookkeeping per slot; no published figure.
     */
    public static final double DEFAULT_PER_RESPONSE = 50;

    /**
     * Backend, per event-channel notification ({@code notify_remote_via_irq}, an {@code
     * EVTCHNOP_send} hypercall). Assumption: the same as {@link #DEFAULT_PER_HYPERCALL} (870 ns),
     * since it is one hypercall whose own work is small; no published figure.
     */
    public static final double DEFAULT_PER_NOTIFICATION = 870;

    /**
     * Guest, per response slot netfront reads ({@code xennet_get_responses}: ending the grant,
     * attaching the page, refilling a request). Assumption: 100 ns; no published figure. With the
     * guest defaults the guest keeps up with the backend at both published throughputs, as the
     * measurements (backend-bound) imply.
     */
    public static final double DEFAULT_GUEST_PER_SLOT = 100;

    /**
     * Guest, per packet handed to the guest's stack ({@code xennet_poll}: building the packet,
     * checksum state, {@code napi_gro_receive}). Assumption: 500 ns; no published figure.
     */
    public static final double DEFAULT_GUEST_PER_PACKET = 500;

    /**
     * Guest, per interrupt (the event-channel upcall and {@code xennet_rx_interrupt} scheduling
     * NAPI). From a comparable figure only: delivering a virtual interrupt costs the order of one VM
     * exit, about 2,000 cycles (SplitX), 870 ns at 2.3 GHz.
     */
    public static final double DEFAULT_GUEST_PER_INTERRUPT = 870;

    /**
     * Latency of an event-channel notification: from the backend's {@code EVTCHNOP_send} to the
     * guest's handler starting on a vCPU that is running elsewhere. Not CPU time on either side.
     * Assumption: 1,000 ns, an inter-processor interrupt plus one exit and entry; no published figure.
     */
    public static final double DEFAULT_EVENT_CHANNEL_LATENCY = 1_000;

    /** Every {@code DEFAULT_*} value. */
    public static final CostModel DEFAULTS = new CostModel(new double[] {
        DEFAULT_PER_ACTION,
        DEFAULT_PER_HYPERCALL,
        DEFAULT_PER_COPY_OP,
        DEFAULT_PER_BYTE,
        DEFAULT_PER_RESPONSE,
        DEFAULT_PER_NOTIFICATION,
        DEFAULT_GUEST_PER_SLOT,
        DEFAULT_GUEST_PER_PACKET,
        DEFAULT_GUEST_PER_INTERRUPT,
        DEFAULT_EVENT_CHANNEL_LATENCY
    });

    /** One cost of the model, with its name in messages, documents and the command line. */
    public enum Parameter {
        /** {@link CostModel#perAction()}. */
        PER_ACTION("perAction"),
        /** {@link CostModel#perHypercall()}. */
        PER_HYPERCALL("perHypercall"),
        /** {@link CostModel#perCopyOp()}. */
        PER_COPY_OP("perCopyOp"),
        /** {@link CostModel#perByte()}. */
        PER_BYTE("perByte"),
        /** {@link CostModel#perResponse()}. */
        PER_RESPONSE("perResponse"),
        /** {@link CostModel#perNotification()}. */
        PER_NOTIFICATION("perNotification"),
        /** {@link CostModel#guestPerSlot()}. */
        GUEST_PER_SLOT("guestPerSlot"),
        /** {@link CostModel#guestPerPacket()}. */
        GUEST_PER_PACKET("guestPerPacket"),
        /** {@link CostModel#guestPerInterrupt()}. */
        GUEST_PER_INTERRUPT("guestPerInterrupt"),
        /** {@link CostModel#eventChannelLatency()}. */
        EVENT_CHANNEL_LATENCY("eventChannelLatency");

        private final String label;

        Parameter(String label) {
            this.label = label;
        }

        /** @return the name, e.g. {@code perCopyOp} (the builder method of the same name sets it) */
        public String label() {
            return label;
        }

        /**
         * The parameter with the given name.
         *
         * @param s a name such as {@code perByte}
         * @return the parameter
         * @throws IllegalArgumentException for an unknown name, listing the valid ones
         */
        public static Parameter fromLabel(String s) {
            StringBuilder valid = new StringBuilder();
            for (Parameter p : values()) {
                if (p.label.equals(s)) {
                    return p;
                }
                valid.append(valid.length() > 0 ? ", " : "").append(p.label);
            }
            throw new IllegalArgumentException("unknown cost parameter '" + s + "' (valid: " + valid + ")");
        }
    }

    private final double perAction;
    private final double perHypercall;
    private final double perCopyOp;
    private final double perByte;
    private final double perResponse;
    private final double perNotification;
    private final double guestPerSlot;
    private final double guestPerPacket;
    private final double guestPerInterrupt;
    private final double eventChannelLatency;

    /** @param v one value per {@link Parameter}, in declaration order, each already checked */
    private CostModel(double[] v) {
        for (Parameter p : Parameter.values()) {
            check(p, v[p.ordinal()]);
        }
        this.perAction = v[Parameter.PER_ACTION.ordinal()];
        this.perHypercall = v[Parameter.PER_HYPERCALL.ordinal()];
        this.perCopyOp = v[Parameter.PER_COPY_OP.ordinal()];
        this.perByte = v[Parameter.PER_BYTE.ordinal()];
        this.perResponse = v[Parameter.PER_RESPONSE.ordinal()];
        this.perNotification = v[Parameter.PER_NOTIFICATION.ordinal()];
        this.guestPerSlot = v[Parameter.GUEST_PER_SLOT.ordinal()];
        this.guestPerPacket = v[Parameter.GUEST_PER_PACKET.ordinal()];
        this.guestPerInterrupt = v[Parameter.GUEST_PER_INTERRUPT.ordinal()];
        this.eventChannelLatency = v[Parameter.EVENT_CHANNEL_LATENCY.ordinal()];
    }

    private static void check(Parameter p, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(p.label() + ": " + v + " is not a finite number of nanoseconds");
        }
        if (v < 0) {
            throw new IllegalArgumentException(p.label() + ": " + v + " ns is negative (a cost cannot be negative)");
        }
    }

    /**
     * A builder starting from {@link #DEFAULTS}: set what you measured, keep the rest.
     *
     * @return a builder
     */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** @return a builder starting from this model's values */
    public Builder toBuilder() {
        return new Builder(values());
    }

    /** @return nanoseconds of backend CPU per action ({@code net_rx_action} / {@code xenvif_rx_action}) */
    public double perAction() {
        return perAction;
    }

    /** @return nanoseconds of backend CPU per {@code GNTTABOP_copy} hypercall (entry and exit) */
    public double perHypercall() {
        return perHypercall;
    }

    /** @return nanoseconds of backend CPU per grant-copy op */
    public double perCopyOp() {
        return perCopyOp;
    }

    /** @return nanoseconds of backend CPU per byte copied */
    public double perByte() {
        return perByte;
    }

    /** @return nanoseconds of backend CPU per response written to the ring */
    public double perResponse() {
        return perResponse;
    }

    /** @return nanoseconds of backend CPU per event-channel notification sent */
    public double perNotification() {
        return perNotification;
    }

    /** @return nanoseconds of guest CPU per response slot netfront reads */
    public double guestPerSlot() {
        return guestPerSlot;
    }

    /** @return nanoseconds of guest CPU per packet handed to the guest's stack */
    public double guestPerPacket() {
        return guestPerPacket;
    }

    /** @return nanoseconds of guest CPU per interrupt */
    public double guestPerInterrupt() {
        return guestPerInterrupt;
    }

    /** @return nanoseconds from the backend's notification to the guest's handler (not CPU time) */
    public double eventChannelLatency() {
        return eventChannelLatency;
    }

    /**
     * The value of one parameter.
     *
     * @param p the parameter, not null
     * @return its cost in nanoseconds
     */
    public double get(Parameter p) {
        return switch (Objects.requireNonNull(p, "parameter")) {
            case PER_ACTION -> perAction;
            case PER_HYPERCALL -> perHypercall;
            case PER_COPY_OP -> perCopyOp;
            case PER_BYTE -> perByte;
            case PER_RESPONSE -> perResponse;
            case PER_NOTIFICATION -> perNotification;
            case GUEST_PER_SLOT -> guestPerSlot;
            case GUEST_PER_PACKET -> guestPerPacket;
            case GUEST_PER_INTERRUPT -> guestPerInterrupt;
            case EVENT_CHANNEL_LATENCY -> eventChannelLatency;
        };
    }

    /**
     * This model with one parameter changed.
     *
     * @param p the parameter, not null
     * @param nanos its new cost, finite and {@code >= 0}
     * @return the new model
     * @throws IllegalArgumentException naming the parameter if the value is not finite or negative
     */
    public CostModel with(Parameter p, double nanos) {
        return toBuilder().set(p, nanos).build();
    }

    /**
     * Backend CPU time of some work: each count times its cost, summed in a fixed order (the same
     * counts give the same result, bit for bit). Allocates nothing.
     *
     * @param actions {@code net_rx_action} / {@code xenvif_rx_action} runs
     * @param hypercalls {@code GNTTABOP_copy} hypercalls
     * @param copyOps grant-copy ops
     * @param bytes bytes copied
     * @param responses responses written (data and extra slots)
     * @param notifications event-channel notifications sent
     * @return nanoseconds
     * @throws IllegalArgumentException if a count is negative, naming it
     */
    public double backendNanos(
            long actions, long hypercalls, long copyOps, long bytes, long responses, long notifications) {
        if ((actions | hypercalls | copyOps | bytes | responses | notifications) < 0) {
            throw negative(
                    new String[] {"actions", "hypercalls", "copyOps", "bytes", "responses", "notifications"},
                    actions,
                    hypercalls,
                    copyOps,
                    bytes,
                    responses,
                    notifications);
        }
        return actions * perAction
                + hypercalls * perHypercall
                + copyOps * perCopyOp
                + bytes * perByte
                + responses * perResponse
                + notifications * perNotification;
    }

    /**
     * Guest CPU time of some work (netfront's part of the path). Allocates nothing.
     *
     * @param slots response slots read
     * @param packets packets handed to the stack
     * @param interrupts interrupts taken
     * @return nanoseconds
     * @throws IllegalArgumentException if a count is negative, naming it
     */
    public double guestNanos(long slots, long packets, long interrupts) {
        if ((slots | packets | interrupts) < 0) {
            throw negative(new String[] {"slots", "packets", "interrupts"}, slots, packets, interrupts);
        }
        return slots * guestPerSlot + packets * guestPerPacket + interrupts * guestPerInterrupt;
    }

    private static IllegalArgumentException negative(String[] names, long... counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                return new IllegalArgumentException(names[i] + ": " + counts[i] + " is negative (a count of events)");
            }
        }
        throw new AssertionError("no negative count");
    }

    private double[] values() {
        double[] v = new double[Parameter.values().length];
        for (Parameter p : Parameter.values()) {
            v[p.ordinal()] = get(p);
        }
        return v;
    }

    /**
     * Equal when every parameter is equal ({@link Double#compare}).
     *
     * @param o another object
     * @return whether it is a cost model with the same values
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CostModel m)) {
            return false;
        }
        for (Parameter p : Parameter.values()) {
            if (Double.compare(get(p), m.get(p)) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(values());
    }

    /**
     * Every parameter with its value.
     *
     * @return e.g. {@code CostModel[perAction=1000 ns, perHypercall=870 ns, ...]}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CostModel[");
        for (Parameter p : Parameter.values()) {
            if (p.ordinal() > 0) {
                sb.append(", ");
            }
            sb.append(p.label()).append('=').append(format(get(p))).append(" ns");
        }
        return sb.append(']').toString();
    }

    /** A cost as text: up to four decimals, no trailing zeros ({@code 817}, {@code 1.105}). */
    static String format(double nanos) {
        String s = String.format(Locale.ROOT, "%.4f", nanos);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * Collects costs; {@link #build()} checks them. Each setter takes nanoseconds; nothing is checked
     * before {@code build()}.
     */
    public static final class Builder {
        private final double[] v;

        private Builder(double[] v) {
            this.v = v;
        }

        /**
         * Sets one parameter.
         *
         * @param p the parameter, not null
         * @param nanos its cost
         * @return this builder
         */
        public Builder set(Parameter p, double nanos) {
            v[Objects.requireNonNull(p, "parameter").ordinal()] = nanos;
            return this;
        }

        /**
         * @param nanos backend CPU per action
         * @return this builder
         */
        public Builder perAction(double nanos) {
            return set(Parameter.PER_ACTION, nanos);
        }

        /**
         * @param nanos backend CPU per {@code GNTTABOP_copy} hypercall
         * @return this builder
         */
        public Builder perHypercall(double nanos) {
            return set(Parameter.PER_HYPERCALL, nanos);
        }

        /**
         * @param nanos backend CPU per grant-copy op
         * @return this builder
         */
        public Builder perCopyOp(double nanos) {
            return set(Parameter.PER_COPY_OP, nanos);
        }

        /**
         * @param nanos backend CPU per byte copied
         * @return this builder
         */
        public Builder perByte(double nanos) {
            return set(Parameter.PER_BYTE, nanos);
        }

        /**
         * @param nanos backend CPU per response written
         * @return this builder
         */
        public Builder perResponse(double nanos) {
            return set(Parameter.PER_RESPONSE, nanos);
        }

        /**
         * @param nanos backend CPU per notification sent
         * @return this builder
         */
        public Builder perNotification(double nanos) {
            return set(Parameter.PER_NOTIFICATION, nanos);
        }

        /**
         * @param nanos guest CPU per response slot read
         * @return this builder
         */
        public Builder guestPerSlot(double nanos) {
            return set(Parameter.GUEST_PER_SLOT, nanos);
        }

        /**
         * @param nanos guest CPU per packet
         * @return this builder
         */
        public Builder guestPerPacket(double nanos) {
            return set(Parameter.GUEST_PER_PACKET, nanos);
        }

        /**
         * @param nanos guest CPU per interrupt
         * @return this builder
         */
        public Builder guestPerInterrupt(double nanos) {
            return set(Parameter.GUEST_PER_INTERRUPT, nanos);
        }

        /**
         * @param nanos event-channel latency
         * @return this builder
         */
        public Builder eventChannelLatency(double nanos) {
            return set(Parameter.EVENT_CHANNEL_LATENCY, nanos);
        }

        /**
         * Checks every value and builds the model.
         *
         * @return the immutable model
         * @throws IllegalArgumentException naming the first parameter that is not finite ({@code
         *     "perByte: NaN is not a finite number of nanoseconds"}) or is negative ({@code "perCopyOp:
         *     -1.0 ns is negative (a cost cannot be negative)"})
         */
        public CostModel build() {
            return new CostModel(v.clone());
        }
    }
}
