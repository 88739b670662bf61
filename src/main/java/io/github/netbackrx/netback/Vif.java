package io.github.netbackrx.netback;

import io.github.netbackrx.core.FrontendFeatures;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotEstimator;
import io.github.netbackrx.ring.RingProtocolException;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual interface of a {@link Netback}, guest-RX side: what is per guest ({@code struct
 * xen_netif} / {@code struct xenvif}) — its RX ring(s) with their event channels, {@code
 * rx_req_cons_peek}, the stopped flag, the packing policy and estimator, the statistics — while the
 * work is done by the backend's execution contexts ({@link Netback}).
 *
 * <p>Packets from the host stack go in through {@link #startXmit} (the generation's {@code
 * start_xmit}) and onto the guest's ring when the context serving the vif runs its action ({@link
 * #rxAction()} or {@link Netback#runActions()}).
 *
 * <h2>Bytes</h2>
 *
 * A packet is an {@link Skb} layout plus its bytes. On arrival the vif places them into real
 * frames: the head and local fragments into frames of the backend domain (at their page offsets),
 * foreign fragments into frames of the peer domain, which grants them read-only to the backend
 * (copied by reference with {@code GNTCOPY_source_gref}). So {@code GNTTABOP_copy} moves the real
 * bytes, and the guest's bytes can be checked end to end. The frames are freed (and the peer's
 * grants ended) once the packet's responses are written or it is dropped.
 *
 * <h2>Checks before the engine</h2>
 *
 * {@link #startXmit} drops a packet (counted, told to the {@link VifListener}) when the ring was
 * disabled, its queue is stopped, or {@code req_prod} was moved more than a ring ahead ({@code
 * RING_REQUEST_PROD_OVERFLOW}: the ring is then disabled, {@link #disabledBy()}, and its queued
 * packets dropped); when the vif is down (no group under 2010; not schedulable otherwise); then the
 * generation's engine decides (see {@link EngineProfile} and the engine classes named for their
 * kernel functions: {@code NetRxAction}, {@code XenvifRxAction313}, {@code XenvifRxAction314},
 * {@code XenvifRxActionRxC}, {@code XnbStart}).
 *
 * <h2>Queues</h2>
 *
 * An {@code rx.c} vif may have several queues ({@link Builder#queue}), each with its own ring,
 * event channel and context. A packet goes to queue {@code hash % Q} of its trace {@code hash=}
 * value, or to queue 0 when it has none. (The real {@code xenvif_select_queue} uses the stack's own
 * flow hash, {@code skb_get_hash}, or a Toeplitz mapping the front end configured; the model has no
 * headers to hash, so the packet's given hash stands for it.)
 *
 * <p>Not thread-safe; no threads, no clock. Logging only for rare events (disable, copy-array
 * overflow, estimate overrun, unsupported packets), never per op.
 */
public final class Vif {
    /** Offset of the new head in its page after the {@code netbk_copy_skb} re-layout (16 + 2). */
    public static final int COPY_SKB_HEAD_OFFSET = 18;

    /**
     * Bytes of head the {@code netbk_copy_skb} re-layout keeps linear. Approximation: the driver's
     * head room is {@code SKB_MAX_HEAD(0)} after {@code skb_reserve(16 + NET_IP_ALIGN)}, which depends
     * on the kernel's {@code sizeof(struct skb_shared_info)}; 4096 - 320 - 18 is used here.
     */
    public static final int COPY_SKB_HEAD_CAPACITY = Netif.PAGE_SIZE - 320 - COPY_SKB_HEAD_OFFSET;

    static final Logger LOG = LoggerFactory.getLogger(Vif.class);

    final Netback host;
    final Domain backend;
    final int frontendDomid;
    final Domain peer;
    final RxPacker packer;
    final int maxSkbFrags;
    final int rxQueueMax;
    final VifListener listener;
    private final int maxRequiredRxSlots;
    private final boolean canQueue;
    private final VifQueue[] queues;
    private boolean up;
    /** The vif's number in its backend (the {@code V} of the event log). */
    int number;

    private Vif(Builder b, Netback host) {
        this.host = host;
        this.backend = b.backend;
        this.frontendDomid = b.frontendDomid;
        this.peer = b.peer;
        EngineProfile profile = host.profile;
        PackingPolicy policy = b.policy == null ? profile.defaultPolicy() : b.policy;
        RxPacker.Builder pb = RxPacker.builder(policy)
                .estimator(b.estimator == null ? profile.defaultEstimator(policy) : b.estimator);
        if (b.features != null) {
            pb.features(b.features);
        }
        this.packer = pb.build();
        this.maxSkbFrags = host.maxSkbFrags;
        this.maxRequiredRxSlots = profile == EngineProfile.LINUX_2010
                ? maxRequiredRxSlots2010(b.scatterGather, maxSkbFrags)
                : maxRequiredRxSlots(b.mtu, b.scatterGather, maxSkbFrags);
        this.canQueue = b.canQueue;
        this.rxQueueMax = b.rxQueueMax;
        this.listener = b.listener;
        this.queues = new VifQueue[b.rings.size()];
        for (int k = 0; k < queues.length; k++) {
            queues[k] = new VifQueue(this, k, b.rings.get(k), b.ports.get(k), -1);
        }
        this.up = true;
    }

    /**
     * Starts configuring a vif on a backend of its own (one group, or the vif's own context): the
     * one-guest case. Use {@link Netback#vif} for a vif on a shared backend.
     *
     * @param hypervisor the host
     * @param backend the backend (driver) domain, issuer of the copies
     * @param frontendDomid the guest's domain id (destination of the copies); the domain must exist
     * @param ring the back view of the guest's RX ring
     * @param port the backend's end of the event channel to the guest
     * @return a builder
     */
    public static Builder builder(
            Hypervisor hypervisor,
            Domain backend,
            int frontendDomid,
            RxRing.BackRing ring,
            EventChannel.Endpoint port) {
        return new Builder(null, hypervisor, backend, frontendDomid, ring, port);
    }

    /**
     * {@code max_required_rx_slots} of the 3.x drivers: the slots a worst-case packet needs, {@code
     * ceil(mtu / 4096) + (sg or gso ? MAX_SKB_FRAGS + 1 : 0)}.
     *
     * @param mtu the device MTU
     * @param scatterGather whether scatter-gather or GSO is on
     * @param maxSkbFrags {@code MAX_SKB_FRAGS}
     * @return the slot count
     */
    public static int maxRequiredRxSlots(int mtu, boolean scatterGather, int maxSkbFrags) {
        return (mtu + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE + (scatterGather ? maxSkbFrags + 1 : 0);
    }

    /** {@code netbk_max_required_rx_slots} of 2010: {@code MAX_SKB_FRAGS + 2} with SG or TSO, else 1 (no MTU term). */
    static int maxRequiredRxSlots2010(boolean scatterGather, int maxSkbFrags) {
        return scatterGather ? maxSkbFrags + 2 : 1;
    }

    // ---- start_xmit ----------------------------------------------------------------------------

    /**
     * The generation's {@code start_xmit}: queues a packet for the guest or drops it (see the class
     * comment). The caller keeps ownership of {@code data}; it is copied into frames here.
     *
     * @param skb the packet's layout
     * @param data its bytes, {@code skb.length()} of them
     * @param tag the caller's identifier, handed back to the {@link VifListener}
     * @return whether the packet was queued
     * @throws IllegalArgumentException if {@code data} does not hold {@code skb.length()} bytes
     */
    public boolean startXmit(Skb skb, byte[] data, long tag) {
        Objects.requireNonNull(skb, "skb");
        Objects.requireNonNull(data, "data");
        if (data.length != skb.length()) {
            throw new IllegalArgumentException(
                    "startXmit: " + data.length + " data bytes for a packet of length " + skb.length());
        }
        return admit(skb, data, tag);
    }

    /**
     * {@link #startXmit(Skb, byte[], long)} without the packet's bytes (a payload-free simulation):
     * everything happens as with bytes — frames are allocated and granted, copy ops are issued and
     * checked, responses written — but the frames hold no packet data, so what the guest reads is
     * not the packet's.
     *
     * @param skb the packet's layout
     * @param tag the caller's identifier, handed back to the {@link VifListener}
     * @return whether the packet was queued
     */
    public boolean startXmit(Skb skb, long tag) {
        return admit(Objects.requireNonNull(skb, "skb"), null, tag);
    }

    private boolean admit(Skb skb, byte[] data, long tag) {
        VifQueue q = queues[selectQueue(skb)];
        if (q.disabledBy() != null) {
            return q.drop(tag, DropReason.DISABLED);
        }
        if (q.stopped()) {
            return q.drop(tag, DropReason.QUEUE_STOPPED);
        }
        if (!q.checkReqProd()) {
            return q.drop(tag, DropReason.DISABLED);
        }
        if (q.context == null) {
            return q.drop(tag, DropReason.NO_GROUP);
        }
        if (!up) {
            return q.drop(tag, DropReason.NOT_SCHEDULABLE);
        }
        return q.context.engine.startXmit(q, skb, data, tag);
    }

    /**
     * The queue a packet goes to: its hash modulo the queue count, or 0 without a hash or with one
     * queue.
     *
     * @param skb the packet
     * @return the queue number
     */
    public int selectQueue(Skb skb) {
        return queues.length == 1 || !skb.hasHash() ? 0 : Integer.remainderUnsigned(skb.hashValue(), queues.length);
    }

    /**
     * The front end notified the backend on queue 0 ({@code netif_be_int}, {@code xenvif_interrupt},
     * {@code xnb_intr}). Under 2010 and 3.13 it wakes a stopped queue once the ring can take a
     * worst-case packet again; the later generations' interrupt kicks the ring's thread ({@link
     * EngineProfile#interruptRunsAction()}), which a caller models by running {@link #rxAction()}.
     */
    public void frontendEvent() {
        frontendEvent(0);
    }

    /**
     * The front end notified the backend on one queue (see {@link #frontendEvent()}).
     *
     * @param queue the queue number
     * @throws IndexOutOfBoundsException if there is no such queue
     */
    public void frontendEvent(int queue) {
        VifQueue q = queues[queue];
        if (q.disabledBy() == null && q.context != null && q.checkReqProd()) {
            q.context.engine.interrupt(q);
        }
    }

    /**
     * The 2010 {@code tx_queue_timeout} (500 ms after a stop) fires: if armed, the queue is woken
     * when the vif is schedulable, whether or not the ring has room ({@code tx_queue_callback}).
     * Other generations have no such timer; with an event log they log {@code timer V not-pending}.
     */
    public void timeout() {
        for (VifQueue q : queues) {
            boolean pending = q.fireTimer();
            if (host.log != null) {
                host.log.timer(q, pending);
            }
            if (pending && up) {
                q.wakeQueue("timer");
            }
        }
    }

    // ---- the action ----------------------------------------------------------------------------

    /**
     * Runs the action of each context serving this vif (its 2010 group, its own thread, the threads
     * of its queues) that has packets queued. Under 2010 the group's action also serves the other
     * vifs of the group.
     *
     * @return the packets whose responses were written (for {@code rx.c}: taken off the queue)
     */
    public int rxAction() {
        int n = 0;
        RxContext last = null;
        for (VifQueue q : queues) {
            RxContext c = q.context;
            if (c != null && c != last && !c.queue.isEmpty()) {
                n += c.engine.action();
            }
            last = c;
        }
        return n;
    }

    /**
     * Runs the action of the context serving one queue, if it has packets queued (the thread the
     * queue's interrupt kicks).
     *
     * @param queue the queue number
     * @return what the action did (see {@link #rxAction()})
     * @throws IndexOutOfBoundsException if there is no such queue
     */
    public int rxAction(int queue) {
        RxContext c = queues[queue].context;
        return c != null && !c.queue.isEmpty() ? c.engine.action() : 0;
    }

    /**
     * The carrier goes off ({@code __netif_down} / {@code xenvif_down}): later packets are dropped;
     * under 2010 the vif leaves its group. Packets already queued are still put on the ring.
     */
    public void down() {
        if (up) {
            up = false;
            host.down(this);
        }
    }

    /** The carrier comes on again ({@code __netif_up} / {@code xenvif_up}): under 2010 the vif joins the least-loaded group. */
    public void up() {
        if (!up) {
            up = true;
            host.up(this);
        }
    }

    // ---- state ---------------------------------------------------------------------------------

    /** @return whether the vif is up ({@link #down()}, {@link #up()}) */
    public boolean isUp() {
        return up;
    }

    boolean schedulable() {
        return up;
    }

    boolean canQueue() {
        return canQueue;
    }

    int queueCount() {
        return queues.length;
    }

    VifQueue queue(int k) {
        return queues[k];
    }

    /** @return the backend this vif belongs to */
    public Netback netback() {
        return host;
    }

    /** @return the vif's number in its backend, in build order (the {@code V} of the event log) */
    public int number() {
        return number;
    }

    /** @return the guest's domain id */
    public int frontendDomid() {
        return frontendDomid;
    }

    /** @return the number of queues (1 except for multi-queue {@code rx.c} vifs) */
    public int queues() {
        return queues.length;
    }

    /**
     * @return the 2010 group serving the vif (the context number), or -1 when it is down or the
     *     profile has no groups
     */
    public int group() {
        VifQueue q = queues[0];
        return host.profile == EngineProfile.LINUX_2010 && q.context != null ? q.context.index : -1;
    }

    /**
     * @param queue a queue number
     * @return the execution context serving that queue (see {@link Netback#contextStatistics()}), or
     *     -1 when it has none (a 2010 vif that is down)
     */
    public int context(int queue) {
        RxContext c = queues[queue].context;
        return c == null ? -1 : c.index;
    }

    /**
     * {@code netbk_queue_full} / {@code xenvif_rx_ring_full} of queue 0: whether the ring cannot take
     * a worst-case packet beyond what is already reserved.
     *
     * @return whether the ring counts as full
     */
    public boolean queueFull() {
        return queues[0].ringFull();
    }

    /** @return whether queue 0 is stopped ({@code netif_queue_stopped}) */
    public boolean queueStopped() {
        return queues[0].stopped();
    }

    /**
     * @param queue a queue number
     * @return whether that queue is stopped
     */
    public boolean queueStopped(int queue) {
        return queues[queue].stopped();
    }

    /** @return the number of packets queued and not yet on the ring, over all queues */
    public int queuedPackets() {
        int n = 0;
        for (VifQueue q : queues) {
            n += q.queuedPackets;
        }
        return n;
    }

    /**
     * The bytes of the packets queued ({@code rx_queue_len} of {@code rx.c}).
     *
     * @return bytes queued, over all queues
     */
    public long queuedBytes() {
        long n = 0;
        for (VifQueue q : queues) {
            n += q.queuedBytes;
        }
        return n;
    }

    /** @return {@code rx_req_cons_peek} of queue 0: where {@code req_cons} will be once the queue is drained */
    public int reqConsPeek() {
        return queues[0].peek();
    }

    /** @return {@code max_required_rx_slots} of this vif */
    public int maxRequiredRxSlots() {
        return maxRequiredRxSlots;
    }

    /** @return the packing policy */
    public PackingPolicy policy() {
        return packer.policy();
    }

    /** @return the engine profile */
    public EngineProfile profile() {
        return host.profile;
    }

    /** @return the estimate the engine reserves or checks per packet */
    public SlotEstimator estimator() {
        return packer.estimator();
    }

    /** @return the error that disabled a ring of the vif, if one is disabled */
    public Optional<RingProtocolException> disabledBy() {
        for (VifQueue q : queues) {
            if (q.disabledBy() != null) {
                return Optional.of(q.disabledBy());
            }
        }
        return Optional.empty();
    }

    /**
     * The sum of the counters of {@link #statistics()} that grow only when a packet moves (taken,
     * copied, answered, dropped, errored; the queue stopped or woken), over the vif's queues: every
     * counter but {@link VifStatistics#batches()}, which an action counts even when it takes nothing
     * ({@code xenvif_rx_action} runs while packets wait for slots the guest never posts). The counters
     * only grow, so the sum changes exactly when a packet moved: a cheap test of progress, for a
     * driver that steps until nothing moves. Allocates nothing.
     *
     * @return the sum
     */
    public long eventCount() {
        long n = 0;
        for (VifQueue q : queues) {
            n += q.packetsSent
                    + q.bytesSent
                    + q.packetsErrored
                    + q.packetsDropped
                    + q.slotsUsed
                    + q.copyOps
                    + q.failedCopyOps
                    + q.hypercalls
                    + q.notifications
                    + q.queueStops
                    + q.queueWakes
                    + q.copyArrayOverflows
                    + q.estimateOverruns;
        }
        return n;
    }

    /** @return a snapshot of the counters, summed over the vif's queues */
    public VifStatistics statistics() {
        long[] s = new long[14];
        for (VifQueue q : queues) {
            add(s, q);
        }
        return statistics(s);
    }

    /**
     * @param queue a queue number
     * @return a snapshot of that queue's counters
     */
    public VifStatistics statistics(int queue) {
        long[] s = new long[14];
        add(s, queues[queue]);
        return statistics(s);
    }

    private static void add(long[] s, VifQueue q) {
        s[0] += q.packetsSent;
        s[1] += q.bytesSent;
        s[2] += q.packetsErrored;
        s[3] += q.packetsDropped;
        s[4] += q.slotsUsed;
        s[5] += q.copyOps;
        s[6] += q.failedCopyOps;
        s[7] += q.hypercalls;
        s[8] += q.batches;
        s[9] += q.notifications;
        s[10] += q.queueStops;
        s[11] += q.queueWakes;
        s[12] += q.copyArrayOverflows;
        s[13] += q.estimateOverruns;
    }

    private static VifStatistics statistics(long[] s) {
        return new VifStatistics(
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
    }

    /**
     * The last action of queue 0's context that put packets on the ring, op by op, with the 2010
     * attribution beside the model's (2010 and 3.13; empty for the other generations). Allocates;
     * meant for tests and tools.
     *
     * @return the report (empty lists before the first batch or after an action that ended a batch
     *     before its first packet)
     */
    public BatchReport lastBatch() {
        RxContext c = queues[0].context;
        return c == null ? RxEngine.NO_BATCH : c.engine.lastBatch();
    }

    /** @return e.g. {@code Vif[0 -> domain 1, 2010, coalesce, up]} */
    @Override
    public String toString() {
        return "Vif[" + number + " -> domain " + frontendDomid + ", " + host.profile.label() + ", "
                + policy().label() + (queues.length > 1 ? ", " + queues.length + " queues" : "")
                + (up ? ", up]" : ", down]");
    }

    /**
     * Configures a {@link Vif}: per-guest settings here; the kernel's constants ({@code
     * MAX_SKB_FRAGS}, the copy-op array) and the profile belong to the {@link Netback} and can be set
     * here only for a vif made with {@link Vif#builder} (which makes its own backend).
     */
    public static final class Builder {
        private final Netback host;
        private final Hypervisor hypervisor;
        private final Domain backend;
        private final int frontendDomid;
        private final List<RxRing.BackRing> rings = new ArrayList<>();
        private final List<EventChannel.Endpoint> ports = new ArrayList<>();
        private final List<Integer> irqs = new ArrayList<>();
        private Domain peer;
        private EngineProfile profile;
        private PackingPolicy policy;
        private SlotEstimator estimator;
        private FrontendFeatures features;
        private int mtu = 1500;
        private boolean scatterGather = true;
        private boolean canQueue = true;
        private int maxSkbFrags;
        private int copyOpArraySize;
        private int rxQueueMax = KernelLimits.RX_QUEUE_MAX_DEFAULT;
        private VifListener listener = VifListener.NONE;
        private EventSink events;

        Builder(
                Netback host,
                Hypervisor hypervisor,
                Domain backend,
                int frontendDomid,
                RxRing.BackRing ring,
                EventChannel.Endpoint port) {
            this.host = host;
            this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
            this.backend = Objects.requireNonNull(backend, "backend");
            this.frontendDomid = frontendDomid;
            rings.add(Objects.requireNonNull(ring, "ring"));
            ports.add(Objects.requireNonNull(port, "port"));
            irqs.add(-1);
        }

        /**
         * Adds a queue ({@code rx.c} multi-queue): its own ring and event channel.
         *
         * @param ring the back view of the queue's RX ring
         * @param port the backend's end of the queue's event channel
         * @return this
         */
        public Builder queue(RxRing.BackRing ring, EventChannel.Endpoint port) {
            rings.add(Objects.requireNonNull(ring, "ring"));
            ports.add(Objects.requireNonNull(port, "port"));
            irqs.add(-1);
            return this;
        }

        /**
         * @param irq the irq number of queue 0's event channel (default: the backend numbers its
         *     rings 0, 1, 2, ... in build order); the 2010 action notifies each irq once per action
         *     even when vifs share it
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder irq(int irq) {
            return irq(0, irq);
        }

        /**
         * @param queue a queue added so far (0 is the first)
         * @param irq the irq number of that queue's event channel (see {@link #irq(int)})
         * @return this
         * @throws IllegalArgumentException if negative or there is no such queue
         */
        public Builder irq(int queue, int irq) {
            inRange("queue", queue, 0, irqs.size() - 1);
            irqs.set(queue, inRange("irq", irq, 0, Integer.MAX_VALUE));
            return this;
        }

        /**
         * @param p the domain foreign fragments come from (it grants them to the backend)
         * @return this
         */
        public Builder peer(Domain p) {
            this.peer = p;
            return this;
        }

        /**
         * @param p the engine profile (default {@link EngineProfile#LINUX_2010}); only for a vif
         *     made with {@link Vif#builder} (a shared backend has its own)
         * @return this
         */
        public Builder profile(EngineProfile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            return this;
        }

        /**
         * @param e the estimate the profile reserves or checks (default {@link
         *     EngineProfile#defaultEstimator(PackingPolicy)})
         * @return this
         */
        public Builder estimator(SlotEstimator e) {
            this.estimator = Objects.requireNonNull(e, "estimator");
            return this;
        }

        /**
         * @param f what the front end negotiated ({@code gso_mask}, {@code gso_prefix_mask}, hash;
         *     default {@link FrontendFeatures#DEFAULT})
         * @return this
         */
        public Builder features(FrontendFeatures f) {
            this.features = Objects.requireNonNull(f, "features");
            return this;
        }

        /**
         * @param bytes {@code rx_queue_max} of the {@code rx.c} profile: the internal queue's byte
         *     bound (default {@link KernelLimits#RX_QUEUE_MAX_DEFAULT}), at least 1
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder rxQueueMax(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("rxQueueMax: " + bytes + " bytes, must be at least 1");
            }
            this.rxQueueMax = bytes;
            return this;
        }

        /**
         * @param p the packing policy (default the profile's, {@link EngineProfile#defaultPolicy()})
         * @return this
         */
        public Builder policy(PackingPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * @param m the device MTU (default 1500), 68 .. 65535; it enters the 3.x {@code
         *     max_required_rx_slots} (the 2010 one has no MTU term)
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder mtu(int m) {
            this.mtu = inRange("mtu", m, 68, 65535);
            return this;
        }

        /**
         * @param sg whether scatter-gather/GSO is on (default true): the worst case {@code
         *     max_required_rx_slots} then counts {@code MAX_SKB_FRAGS} fragments
         * @return this
         */
        public Builder scatterGather(boolean sg) {
            this.scatterGather = sg;
            return this;
        }

        /**
         * @param c {@code can_queue} (default true): whether {@code start_xmit} may stop the queue when
         *     the ring is full (2010, 3.13); without it later packets are dropped instead
         * @return this
         */
        public Builder canQueue(boolean c) {
            this.canQueue = c;
            return this;
        }

        /**
         * @param n {@code MAX_SKB_FRAGS} (default the profile's: 18 for the 2010 kernels, 17 later), 1 ..
         *     64; only for a vif made with {@link Vif#builder}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxSkbFrags(int n) {
            this.maxSkbFrags = inRange("maxSkbFrags", n, 1, 64);
            return this;
        }

        /**
         * @param n ops the copy-op array holds (default the profile's, {@link
         *     EngineProfile#defaultCopyOpArraySize()}), 1 .. 65536; only for a vif made with {@link
         *     Vif#builder}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder copyOpArraySize(int n) {
            this.copyOpArraySize = inRange("copyOpArraySize", n, 1, 65536);
            return this;
        }

        /**
         * @param sink where the engine's event log goes (default none); only for a vif made with
         *     {@link Vif#builder}
         * @return this
         */
        public Builder events(EventSink sink) {
            this.events = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @param l told what became of each packet (default: nothing)
         * @return this
         */
        public Builder listener(VifListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        static int inRange(String setting, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(setting + ": " + value + " outside " + min + ".." + max);
            }
            return value;
        }

        /**
         * @return the vif, up, its peek counters starting at each ring's current {@code req_cons}
         * @throws IllegalArgumentException if the guest's domain id is not a domain of the host other
         *     than the backend, there are more queues than the backend allows (or several under a
         *     profile without multi-queue), or a backend-wide setting was given for a vif of a shared
         *     backend
         */
        public Vif build() {
            if (frontendDomid < 0 || frontendDomid >= Hypervisor.DOMID_SELF) {
                throw new IllegalArgumentException("frontendDomid: " + frontendDomid
                        + " is not a domain id (0 .. 0x7fef): the copies into the guest would name no domain");
            }
            if (hypervisor.findDomain(frontendDomid).isEmpty()) {
                throw new IllegalArgumentException(
                        "frontendDomid: no domain " + frontendDomid + " on this host to copy into");
            }
            if (frontendDomid == backend.domid()) {
                throw new IllegalArgumentException("frontendDomid: " + frontendDomid + " is the backend domain itself");
            }
            Netback h = host;
            if (h == null) {
                Netback.Builder nb = Netback.builder(hypervisor, backend)
                        .profile(profile == null ? EngineProfile.LINUX_2010 : profile)
                        .maxQueues(Math.max(1, rings.size()));
                if (maxSkbFrags != 0) {
                    nb.maxSkbFrags(maxSkbFrags);
                }
                if (copyOpArraySize != 0) {
                    nb.copyOpArraySize(copyOpArraySize);
                }
                if (events != null) {
                    nb.events(events);
                }
                h = nb.build();
            } else if (profile != null || maxSkbFrags != 0 || copyOpArraySize != 0 || events != null) {
                throw new IllegalArgumentException("profile, maxSkbFrags, copyOpArraySize and events belong to the"
                        + " backend: set them on its Netback.Builder");
            }
            if (rings.size() > 1 && !h.profile.multiQueue()) {
                throw new IllegalArgumentException(rings.size() + " queues: profile " + h.profile.label()
                        + " has one ring per vif (multi-queue came with rx.c)");
            }
            if (rings.size() > h.maxQueues()) {
                throw new IllegalArgumentException(rings.size() + " queues: the backend allows at most " + h.maxQueues()
                        + " (multi-queue-max-queues)");
            }
            Vif v = new Vif(this, h);
            int[] irq = new int[irqs.size()];
            for (int k = 0; k < irq.length; k++) {
                irq[k] = irqs.get(k);
            }
            h.register(v, irq);
            return v;
        }
    }
}
