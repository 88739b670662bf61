package io.github.netbackrx.netback;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.GrantCopyEngine;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The netback driver of one backend domain, serving many vifs: it owns the generation's execution
 * contexts and the engine that runs in each ({@link EngineProfile}).
 *
 * <ul>
 *   <li><b>2010</b>: {@link Builder#groups(int) G} groups ({@code struct xen_netbk}, {@code
 *       xen_netbk_group_nr = num_online_cpus()} by default, here {@link Builder#cpus(int)}). A vif
 *       joins the group with the fewest vifs when it comes up — the scan of {@code
 *       xen_netbk_add_xenvif} / {@code __netif_up} with a strict {@code <}, so a tie goes to the
 *       lowest index — and leaves when it goes down. All vifs of a group share its {@code rx_queue},
 *       and one {@code net_rx_action} of the group serves them all with one {@code GNTTABOP_copy}.
 *   <li><b>3.13, 3.14</b>: one context per vif (the 1:1 model: a kthread per vif).
 *   <li><b>{@code rx.c}</b>: one context per queue of a vif (a kthread per {@code struct
 *       xenvif_queue}); a vif has up to {@link Builder#maxQueues(int)} queues ({@code
 *       xenvif_max_queues}, {@code num_online_cpus()} by default).
 *   <li><b>FreeBSD</b>: one context per interface.
 * </ul>
 *
 * <p>Vifs are made with {@link #vif}. {@link #runActions()} runs one action of every context that
 * has packets queued; {@link Vif#rxAction()} runs the contexts serving one vif. With an {@link
 * Builder#events(EventSink) event sink} every engine event is logged in the canonical spelling of
 * {@code docs/engine-format.md}.
 *
 * <p>Not thread-safe; no threads, no clock: the caller decides when each context runs.
 */
public final class Netback {
    final Hypervisor hypervisor;
    final Domain backend;
    final EngineProfile profile;
    final GrantCopyEngine copyEngine;
    final int maxSkbFrags;
    final int copyOpArraySize;
    final boolean faithful;
    final EventLog log;
    private final int maxQueues;
    private final RxContext[] groups;
    private final List<RxContext> contexts = new ArrayList<>();
    private final List<Vif> vifs = new ArrayList<>();
    private long actions;
    private int nextIrq;
    private int pendingFail = -1;

    private Netback(Builder b) {
        this.hypervisor = b.hypervisor;
        this.backend = b.backend;
        this.profile = b.profile;
        this.copyEngine = b.hypervisor.grantCopyEngine(b.backend);
        this.maxSkbFrags = b.maxSkbFrags == 0 ? b.profile.defaultMaxSkbFrags() : b.maxSkbFrags;
        this.copyOpArraySize = b.copyOpArraySize == 0 ? b.profile.defaultCopyOpArraySize() : b.copyOpArraySize;
        this.faithful = b.faithful;
        this.log = b.events == null ? null : new EventLog(b.events, b.profile);
        this.maxQueues = b.maxQueues == 0 ? b.cpus : b.maxQueues;
        int g = b.groups == 0 ? b.cpus : b.groups;
        if (profile == EngineProfile.LINUX_2010) {
            groups = new RxContext[g];
            for (int i = 0; i < g; i++) {
                groups[i] = newContext();
            }
        } else {
            groups = new RxContext[0];
        }
    }

    /**
     * Starts configuring a backend.
     *
     * @param hypervisor the host
     * @param backend the backend (driver) domain, issuer of the copies
     * @return a builder
     */
    public static Builder builder(Hypervisor hypervisor, Domain backend) {
        return new Builder(hypervisor, backend);
    }

    /**
     * Starts configuring a vif of this backend for a guest; {@link Vif.Builder#build()} brings it
     * up (under 2010 it joins the least-loaded group).
     *
     * @param frontendDomid the guest's domain id (destination of the copies); the domain must exist
     * @param ring the back view of the guest's RX ring (queue 0)
     * @param port the backend's end of the event channel to the guest (queue 0)
     * @return a builder
     */
    public Vif.Builder vif(int frontendDomid, RxRing.BackRing ring, EventChannel.Endpoint port) {
        return new Vif.Builder(this, hypervisor, backend, frontendDomid, ring, port);
    }

    private RxContext newContext() {
        RxContext c = new RxContext(this, contexts.size(), copyOpArraySize);
        c.engine = profile.newEngine(c);
        contexts.add(c);
        return c;
    }

    /** Registers a built vif: numbers it, gives its rings their irqs and contexts, and brings it up. */
    void register(Vif v, int[] irqs) {
        v.number = vifs.size();
        vifs.add(v);
        for (int k = 0; k < v.queueCount(); k++) {
            VifQueue q = v.queue(k);
            q.irq = irqs[k] >= 0 ? irqs[k] : nextIrq;
            nextIrq = Math.max(nextIrq, q.irq + 1);
            if (profile != EngineProfile.LINUX_2010) {
                RxContext c = newContext();
                c.ring = q;
                c.members = 1;
                q.context = c;
            }
        }
        up(v);
    }

    /** {@code __netif_up} / {@code xenvif_up}: a 2010 vif joins the group with the fewest vifs. */
    void up(Vif v) {
        if (profile != EngineProfile.LINUX_2010) {
            return;
        }
        int min = 0;
        for (int i = 0; i < groups.length; i++) {
            if (groups[i].members < groups[min].members) {
                min = i;
            }
        }
        groups[min].members++;
        v.queue(0).context = groups[min];
    }

    /** {@code __netif_down} / {@code xenvif_down}: a 2010 vif leaves its group. */
    void down(Vif v) {
        if (profile != EngineProfile.LINUX_2010) {
            return;
        }
        VifQueue q = v.queue(0);
        if (q.context != null) {
            q.context.members--;
            q.context = null;
        }
    }

    long nextAction() {
        return actions++;
    }

    int groupCount() {
        return groups.length;
    }

    String contextKind() {
        return switch (profile) {
            case LINUX_2010 -> "group";
            case RX_C -> "queue";
            default -> "vif";
        };
    }

    /**
     * One action of every context that has packets queued, in context order.
     *
     * @return the packets whose responses were written
     */
    public int runActions() {
        int n = 0;
        for (int i = 0; i < contexts.size(); i++) {
            RxContext c = contexts.get(i);
            if (!c.queue.isEmpty()) {
                n += c.engine.action();
            }
        }
        return n;
    }

    /**
     * One action of context {@code index}, whether or not it has packets (the event log then shows
     * an action of an empty queue).
     *
     * @param index a context number, {@code 0 .. contexts() - 1}
     * @return what the action did (see {@link Vif#rxAction()})
     * @throws IllegalArgumentException if there is no such context
     */
    public int runAction(int index) {
        if (index < 0 || index >= contexts.size()) {
            throw new IllegalArgumentException(
                    "context " + index + " does not exist (the backend has " + contexts.size() + ")");
        }
        return contexts.get(index).engine.action();
    }

    /** @return the execution contexts: groups (2010), vifs (3.x, FreeBSD) or queues ({@code rx.c}) */
    public int contexts() {
        return contexts.size();
    }

    /** @return each context's counters, in context order */
    public List<ContextStatistics> contextStatistics() {
        List<ContextStatistics> out = new ArrayList<>(contexts.size());
        for (RxContext c : contexts) {
            out.add(c.statistics());
        }
        return out;
    }

    /**
     * One context's counters (see {@link #contextStatistics()}); the difference of two snapshots
     * around {@link #runAction(int)} is what that action did.
     *
     * @param index a context number, {@code 0 .. contexts() - 1}
     * @return its counters now
     * @throws IllegalArgumentException if there is no such context
     */
    public ContextStatistics contextStatistics(int index) {
        if (index < 0 || index >= contexts.size()) {
            throw new IllegalArgumentException(
                    "context " + index + " does not exist (the backend has " + contexts.size() + ")");
        }
        return contexts.get(index).statistics();
    }

    /**
     * @param index a context number, {@code 0 .. contexts() - 1}
     * @return the packets waiting in that context's queue
     * @throws IndexOutOfBoundsException if there is no such context
     */
    public int queued(int index) {
        return contexts.get(index).queue.size();
    }

    /** @return the vifs in the order they were built */
    public List<Vif> vifs() {
        return List.copyOf(vifs);
    }

    /** @return the engine profile */
    public EngineProfile profile() {
        return profile;
    }

    /** @return the 2010 groups (0 for other profiles) */
    public int groups() {
        return groups.length;
    }

    /** @return the most queues a vif may have ({@code xenvif_max_queues}) */
    public int maxQueues() {
        return maxQueues;
    }

    /** @return {@code GNTTABOP_copy} hypercalls issued by all contexts */
    public long hypercalls() {
        long n = 0;
        for (RxContext c : contexts) {
            n += c.hypercalls;
        }
        return n;
    }

    /** @return event-channel sends made by all contexts */
    public long notifications() {
        long n = 0;
        for (RxContext c : contexts) {
            n += c.notifications;
        }
        return n;
    }

    /**
     * Fault injection for scenarios: op {@code k} (0-based) of the next {@code GNTTABOP_copy} any
     * context issues reports {@code GNTST_general_error}, as when the guest's grant was revoked (its
     * bytes may have been written; a guest ignores the buffers of an errored packet). A hypercall of
     * {@code k} ops or fewer consumes the request without failing anything.
     *
     * @param k the op
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public void failNextCopyOp(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("fail: op " + k + " is negative");
        }
        pendingFail = k;
    }

    /** The injected failure for a hypercall of {@code n} ops (consumed), or -1. */
    int takePendingFail(int n) {
        int k = pendingFail;
        pendingFail = -1;
        return k < n ? k : -1;
    }

    /** @return e.g. {@code Netback[2010, 2 groups, 8 vifs]} */
    @Override
    public String toString() {
        return "Netback[" + profile.label() + ", " + contexts.size() + " " + contextKind() + " contexts, " + vifs.size()
                + " vifs]";
    }

    /** Configures a {@link Netback}. */
    public static final class Builder {
        private final Hypervisor hypervisor;
        private final Domain backend;
        private EngineProfile profile = EngineProfile.LINUX_2010;
        private int cpus = 1;
        private int groups;
        private int maxQueues;
        private int maxSkbFrags;
        private int copyOpArraySize;
        private boolean faithful;
        private EventSink events;

        private Builder(Hypervisor hypervisor, Domain backend) {
            this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
            this.backend = Objects.requireNonNull(backend, "backend");
            if (hypervisor.findDomain(backend.domid()).orElse(null) != backend) {
                throw new IllegalArgumentException("backend domain " + backend.domid() + " is not of this hypervisor");
            }
        }

        /**
         * @param p the engine profile (default {@link EngineProfile#LINUX_2010})
         * @return this
         */
        public Builder profile(EngineProfile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            return this;
        }

        /**
         * @param n the backend domain's online CPUs (default 1): the default of {@link #groups} and
         *     {@link #maxQueues}, 1 .. 4096
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder cpus(int n) {
            this.cpus = Vif.Builder.inRange("cpus", n, 1, 4096);
            return this;
        }

        /**
         * @param g 2010 groups ({@code xen_netbk_group_nr}; default {@link #cpus}), 1 .. 4096; ignored
         *     by the other profiles, which have one context per vif or queue
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder groups(int g) {
            this.groups = Vif.Builder.inRange("groups", g, 1, 4096);
            return this;
        }

        /**
         * @param q the most queues a vif may negotiate ({@code xenvif_max_queues}, the backend's {@code
         *     multi-queue-max-queues}; default {@link #cpus}), 1 .. 64
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxQueues(int q) {
            this.maxQueues = Vif.Builder.inRange("maxQueues", q, 1, 64);
            return this;
        }

        /**
         * @param n {@code MAX_SKB_FRAGS} of the backend's kernel (default the profile's: {@link
         *     KernelLimits#MAX_SKB_FRAGS_2010} for 2010, {@link KernelLimits#MAX_SKB_FRAGS_LATER} later),
         *     1 .. 64
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxSkbFrags(int n) {
            this.maxSkbFrags = Vif.Builder.inRange("maxSkbFrags", n, 1, 64);
            return this;
        }

        /**
         * @param n ops one context's copy-op array holds (default the profile's, {@link
         *     EngineProfile#defaultCopyOpArraySize()}), 1 .. 65536
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder copyOpArraySize(int n) {
            this.copyOpArraySize = Vif.Builder.inRange("copyOpArraySize", n, 1, 65536);
            return this;
        }

        /**
         * @param f whether the 2010 and 3.13 engines write exactly what their drivers wrote (default
         *     false): the 2010 GSO extra always TCPv4, and the copy status charged by the drivers'
         *     cursor ({@link CheckGop}) rather than to the packet whose op failed. The defaults are
         *     the model's conventions, under which every delivered byte can be verified.
         * @return this
         */
        public Builder faithful(boolean f) {
            this.faithful = f;
            return this;
        }

        /**
         * @param sink where the engine's event log goes (default none)
         * @return this
         */
        public Builder events(EventSink sink) {
            this.events = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** @return the backend, with its groups (2010) and no vifs */
        public Netback build() {
            return new Netback(this);
        }
    }
}
