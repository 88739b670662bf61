package io.github.netbackrx.sim;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.ContextStatistics;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.Netback;
import io.github.netbackrx.netback.Vif;
import io.github.netbackrx.netback.VifListener;
import io.github.netbackrx.netfront.GuestKernel;
import io.github.netbackrx.netfront.Netfront;
import io.github.netbackrx.netfront.NetfrontListener;
import io.github.netbackrx.netfront.PacketView;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The whole guest-RX path of one host wired together, for simulators (a CloudSim Plus or PeerSim
 * adapter) and tests: a {@link Hypervisor} with the backend domain 0, N guest domains ({@code 1 ..
 * N}) and a peer domain ({@link #PEER_DOMID}, source of foreign fragments); one {@link Netback} with
 * the generation's execution contexts; per guest a {@link Vif} with its RX ring(s) and event
 * channel(s), and one {@link Netfront} per ring (a multi-queue {@code rx.c} guest has one per
 * queue). Every netfront posts its buffers at construction. With one guest (the default) this is
 * the one-guest simulation, and the methods without a guest number act on guest 0.
 *
 * <h2>Rounds</h2>
 *
 * {@link #send(int, Skb, byte[])} hands a packet to the host stack for a guest. {@link #step()} is
 * one round:
 *
 * <ol>
 *   <li>the backend takes the guests' events ({@code netif_be_int} / {@code xenvif_interrupt}); where
 *       the interrupt kicks the ring's thread ({@link
 *       io.github.netbackrx.netback.EngineProfile#interruptRunsAction()}) that ring's action runs
 *       (unless a CPU budget is set: the kicked thread then waits for its run of step 3);
 *   <li>the packets sent since the last round go, in send order, to their vif's {@code start_xmit},
 *       unless the vif's queue is stopped: then they wait in the host's queue in front of it (the
 *       qdisc), which holds at most {@link Builder#txQueueLen} packets ({@code tx_queue_len} of the
 *       vif device, {@link KernelLimits#VIF_TX_QUEUE_LEN}); a packet arriving at a full qdisc is
 *       dropped and counted ({@link SimulationStatistics#qdiscDropped()}). Waiting packets go first
 *       once the queue runs again;
 *   <li>every execution context with packets runs its action, again and again until none makes
 *       progress — or at most {@link Builder#actionsPerRound(int)} times, which models a backend CPU
 *       budget (each context's tasklet or thread gets that many runs per round);
 *   <li>each guest takes its event and polls (consuming and refilling), and the backend takes the
 *       guests' events again (as in 1).
 * </ol>
 *
 * {@link #drain()} steps until a round moves no packet (none sent, taken, answered, delivered,
 * dropped or errored, no buffer posted or consumed). Every packet a netfront accepts is
 * compared with what was sent to that guest, in order: bytes, GSO size and type, and checksum state
 * (a GSO packet reaches the guest as PARTIAL).
 *
 * <h2>Configuration</h2>
 *
 * The builder takes the backend's settings as a {@link Builder#backend(Consumer) customizer of
 * Netback.Builder} (profile, CPUs, groups, kernel constants, the event log) and the vifs' as a
 * {@link Builder#vif(Consumer) customizer of Vif.Builder} (policy, estimator, MTU, front end
 * features), applied to every guest; it adds only what the wiring itself decides (guests, queues,
 * ring start, grant-table size, the qdisc length).
 *
 * <p>Deterministic: no randomness, threads or clock. {@link #copy()} gives an independent copy of
 * the whole state by replaying the recorded inputs on a fresh simulation; it needs {@link
 * Builder#replayable(boolean) replayable(true)}, which keeps every input (and so memory grows with
 * the run).
 */
public final class GuestRxSimulation {
    /** Domain id of the backend (driver domain). */
    public static final int BACKEND_DOMID = 0;
    /** Domain id of guest 0; guest {@code g} is domain {@code GUEST_DOMID + g}. */
    public static final int GUEST_DOMID = 1;
    /** Domain id of the peer whose pages foreign fragments are: the highest real domain id, clear of the guests'. */
    public static final int PEER_DOMID = Hypervisor.DOMID_SELF - 1;
    /** Most guests a simulation may have (their domain ids must stay below {@link #PEER_DOMID}). */
    public static final int MAX_GUESTS = 4096;

    private final Builder config;
    private final Hypervisor hypervisor = new Hypervisor();
    private final Domain backend;
    private final Domain peer;
    private final Netback netback;
    private final Guest[] guests;
    private final ArrayDeque<Pending> arrivals = new ArrayDeque<>();
    private final List<Input> history = new ArrayList<>();
    private final boolean payloadFree;
    /** Where each packet's lifecycle goes: the builder's listener at once, or a timed host in front of it. */
    Lifecycle lifecycle;

    private long nextId;
    /** Records and byte arrays of finished packets, for reuse (see {@link #finished}). */
    private final Pending[] pendingPool = new Pending[PayloadPool.MAX_KEPT];

    private int freePendings;
    private final PayloadPool payloads = new PayloadPool();
    private Pending lastEnqueued;
    /** {@link #drain}'s last snapshot. */
    private long[] drainInFlight;

    private int[] drainArriving;
    private long drainSum = -1;

    private GuestRxSimulation(Builder b) {
        this.config = b;
        this.payloadFree = b.payloadFree;
        this.lifecycle = new Direct(b.listener);
        backend = hypervisor.createDomain(BACKEND_DOMID);
        peer = hypervisor.createDomain(PEER_DOMID);
        Netback.Builder nb = Netback.builder(hypervisor, backend);
        if (b.queues > 1) {
            nb.maxQueues(b.queues);
        }
        b.backend.accept(nb);
        netback = nb.build();
        guests = new Guest[b.guests];
        for (int g = 0; g < b.guests; g++) {
            guests[g] = new Guest(g);
        }
        for (Guest g : guests) {
            for (Netfront nf : g.netfronts) {
                nf.refill();
            }
        }
    }

    /** @return a builder with the defaults (one guest, 2010 profile with coalesce, ring index 0, MTU 1500) */
    public static Builder builder() {
        return new Builder();
    }

    // ---- one guest -----------------------------------------------------------------------------

    /**
     * A packet sent and not yet delivered, dropped or errored: its id, guest, queue, layout, bytes
     * (null when payload-free) and what the backend did with it.
     */
    static final class Pending {
        long id;
        int guest;
        int queue;
        Skb skb;
        byte[] data;
        /** Whether {@link #data} came from the simulation's {@link PayloadPool} (and goes back to it). */
        boolean pooledData;
        /** Its responses carry {@code NETIF_RSP_ERROR}. */
        boolean error;
        /** Ring slots its responses took (set when they were written). */
        int slots;
        /** The timed host's: when it arrived, and when the action that wrote its responses ended. */
        long arrivedAt;

        long visibleAt;

        Pending(long id, int guest, int queue, Skb skb, byte[] data) {
            set(id, guest, queue, skb, data);
        }

        void set(long id, int guest, int queue, Skb skb, byte[] data) {
            this.id = id;
            this.guest = guest;
            this.queue = queue;
            this.skb = skb;
            this.data = data;
            this.pooledData = false;
            this.error = false;
            this.slots = 0;
            this.arrivedAt = 0;
            this.visibleAt = 0;
        }
    }

    /**
     * Where the simulation reports each packet's lifecycle. {@link Direct} tells the builder's
     * {@link PacketListener} at once; a {@link TimedHost} puts itself in front of it and tells it
     * each step at the simulated time it happens.
     */
    interface Lifecycle {
        /** {@code start_xmit} queued the packet. */
        void admitted(Pending p);

        /** The packet was dropped before reaching the ring (at the qdisc, by {@code start_xmit} or later by the backend). */
        void dropped(Pending p, DropReason reason);

        /** An action took the packet ({@link VifListener#taken}). */
        void taken(Pending p, int context, long action);

        /** Its responses were written and pushed ({@code p.slots}, {@code p.error} are set). */
        void responded(Pending p);

        /** Netfront accepted it ({@code packet} carries its id). */
        void delivered(Pending p, ReceivedPacket packet);

        /**
         * @return whether {@link #delivered} needs the packet: when not, and the simulation keeps
         *     no packets, a delivered packet is never copied out of the guest's buffers and {@link
         *     #delivered} is not called
         */
        default boolean wantsPackets() {
            return true;
        }

        /** Netfront dropped it because its responses carry {@code NETIF_RSP_ERROR}. */
        void errored(Pending p, RejectReason reason);

        /** Netfront dropped it by one of its rules. */
        void rejected(Pending p, RejectReason reason);
    }

    /** Tells the listener at once. */
    private record Direct(PacketListener listener) implements Lifecycle {
        @Override
        public boolean wantsPackets() {
            return listener != PacketListener.NONE;
        }

        @Override
        public void admitted(Pending p) {
            listener.admitted(p.id, p.guest, p.queue);
        }

        @Override
        public void dropped(Pending p, DropReason reason) {
            listener.dropped(p.id, p.guest, reason);
        }

        @Override
        public void taken(Pending p, int context, long action) {
            listener.taken(p.id, p.guest, context, action);
        }

        @Override
        public void responded(Pending p) {
            listener.responded(p.id, p.guest, p.slots, p.error);
        }

        @Override
        public void delivered(Pending p, ReceivedPacket packet) {
            listener.delivered(p.id, p.guest, packet);
        }

        @Override
        public void errored(Pending p, RejectReason reason) {
            listener.errored(p.id, p.guest);
        }

        @Override
        public void rejected(Pending p, RejectReason reason) {
            listener.rejected(p.id, p.guest, reason);
        }
    }

    /** One guest: its domain, vif, rings, netfronts, qdiscs and counters. */
    private final class Guest {
        final int index;
        final Domain domain;
        final RxRing.BackRing[] backs;
        final EventChannel[] channels;
        final Netfront[] netfronts;
        final Vif vif;
        final List<ArrayDeque<Pending>> qdisc = new ArrayList<>();
        final List<ArrayDeque<Pending>> onRing = new ArrayList<>();
        final PendingMap queued = new PendingMap();
        final List<ReceivedPacket> received = new ArrayList<>();
        final Map<DropReason, Long> droppedBy = new EnumMap<>(DropReason.class);
        long sent;
        long delivered;
        long deliveredBytes;
        long mismatched;
        long dropped;
        long errored;
        long qdiscDropped;

        Guest(int index) {
            this.index = index;
            Builder b = config;
            int q = b.queues;
            domain = hypervisor.createDomain(GUEST_DOMID + index, b.grantTableSize);
            backs = new RxRing.BackRing[q];
            channels = new EventChannel[q];
            netfronts = new Netfront[q];
            RxRing.FrontRing[] fronts = new RxRing.FrontRing[q];
            for (int k = 0; k < q; k++) {
                RxRing ring = RxRing.startingAt(b.ringStartIndex);
                backs[k] = ring.attachBack(b.ringStartIndex);
                fronts[k] = ring.attachFront(b.ringStartIndex);
                channels[k] = hypervisor.bindInterdomain(backend, domain);
                qdisc.add(new ArrayDeque<>());
                onRing.add(new ArrayDeque<>());
            }
            Vif.Builder vb = netback.vif(GUEST_DOMID + index, backs[0], channels[0].first());
            for (int k = 1; k < q; k++) {
                vb.queue(backs[k], channels[k].first());
            }
            b.vif.accept(vb);
            vif = vb.peer(peer)
                    .listener(new VifListener() {
                        @Override
                        public void taken(long tag, int context, long action) {
                            lifecycle.taken(queued.get(tag), context, action);
                        }

                        @Override
                        public void responded(long tag, boolean error, int slots) {
                            Pending p = queued.remove(tag);
                            p.slots = slots;
                            if (slots == 0) {
                                // answered with no response at all (FreeBSD's 16-bit size wrapped to
                                // 0): the guest never sees it
                                dropped++;
                                finished(p);
                                return;
                            }
                            p.error = error;
                            onRing.get(p.queue).addLast(p);
                            lifecycle.responded(p);
                        }

                        @Override
                        public void dropped(long tag, DropReason reason) {
                            drop(queued.remove(tag), reason);
                        }
                    })
                    .build();
            for (int k = 0; k < q; k++) {
                int queue = k;
                netfronts[k] = new Netfront(
                        domain,
                        BACKEND_DOMID,
                        fronts[k],
                        channels[k].second(),
                        new NetfrontListener() {
                            @Override
                            public void accepted(PacketView view) {
                                accept(queue, view);
                            }

                            @Override
                            public void rejected(RejectReason reason) {
                                Pending p = onRing.get(queue).pollFirst();
                                if (p != null && p.error) {
                                    errored++;
                                    lifecycle.errored(p, reason);
                                } else {
                                    dropped++;
                                    if (p != null) {
                                        lifecycle.rejected(p, reason);
                                    }
                                }
                                if (p != null) {
                                    finished(p);
                                }
                            }
                        },
                        b.guestKernel);
            }
        }

        /** Counts a packet dropped before the ring and reports it. */
        void drop(Pending p, DropReason reason) {
            dropped++;
            droppedBy.merge(reason, 1L, Long::sum);
            lifecycle.dropped(p, reason);
            finished(p);
        }

        /**
         * Netfront accepted a packet: it is checked where it lies in the guest's buffers (nothing
         * copied), and copied out only to be kept or handed to a listener that wants it.
         */
        private void accept(int queue, PacketView view) {
            Pending p = onRing.get(queue).pollFirst();
            delivered++;
            deliveredBytes += view.length();
            if (p == null || !matches(p, view, vif.policy(), netfronts[queue].kernel())) {
                mismatched++;
            }
            if (p == null) {
                // more packets than were put on the ring: counted as mismatched, no one to report
                if (config.keepReceived) {
                    received.add(view.toPacket());
                }
                return;
            }
            if (config.keepReceived || lifecycle.wantsPackets()) {
                ReceivedPacket identified = view.toPacket().withId(p.id);
                if (config.keepReceived) {
                    received.add(identified);
                }
                lifecycle.delivered(p, identified);
            }
            finished(p);
        }

        /** The backend takes this guest's events; a kicked thread runs its ring's action. */
        void backendEvents() {
            for (int k = 0; k < channels.length; k++) {
                if (channels[k].first().takePending()) {
                    vif.frontendEvent(k);
                    if (netback.profile().interruptRunsAction() && config.actionsPerRound == Integer.MAX_VALUE) {
                        vif.rxAction(k);
                    }
                }
            }
        }

        /** Feeds the qdiscs' waiting packets to {@code start_xmit} while their queues run. */
        void feedWaiting() {
            for (int k = 0; k < qdisc.size(); k++) {
                while (!qdisc.get(k).isEmpty() && runs(k)) {
                    xmit(qdisc.get(k).pollFirst());
                }
            }
        }

        boolean runs(int k) {
            return !vif.queueStopped(k) || vif.disabledBy().isPresent();
        }

        /** A packet arriving from the stack: straight to {@code start_xmit}, or into the qdisc (tail drop when full). */
        void arrive(Pending p) {
            ArrayDeque<Pending> q = qdisc.get(p.queue);
            if (q.isEmpty() && runs(p.queue)) {
                xmit(p);
            } else if (q.size() < config.txQueueLen) {
                q.addLast(p);
            } else {
                qdiscDropped++;
                drop(p, DropReason.QDISC_FULL);
            }
        }

        void xmit(Pending p) {
            queued.put(p.id, p);
            boolean admitted = p.data == null ? vif.startXmit(p.skb, p.id) : vif.startXmit(p.skb, p.data, p.id);
            if (admitted) {
                lifecycle.admitted(p);
            }
        }

        void poll() {
            for (int k = 0; k < netfronts.length; k++) {
                if (channels[k].second().takePending()) {
                    netfronts[k].poll();
                }
                netfronts[k].refill();
            }
        }

        int waiting() {
            int n = 0;
            for (int k = 0; k < qdisc.size(); k++) {
                n += qdisc.get(k).size();
            }
            return n;
        }

        int onRings() {
            int n = 0;
            for (int k = 0; k < onRing.size(); k++) {
                n += onRing.get(k).size();
            }
            return n;
        }

        SimulationStatistics statistics(int arriving) {
            List<io.github.netbackrx.netfront.NetfrontStatistics> nfs = new ArrayList<>();
            for (Netfront nf : netfronts) {
                nfs.add(nf.statistics());
            }
            return new SimulationStatistics(
                    sent,
                    delivered,
                    deliveredBytes,
                    mismatched,
                    dropped,
                    errored,
                    arriving + waiting() + queued.size() + onRings(),
                    qdiscDropped,
                    droppedBy,
                    vif.statistics(),
                    Sums.netfront(nfs));
        }
    }

    /** Whether the guest got what was sent: the bytes (when carried, else the length), GSO and checksum state. */
    private static boolean matches(Pending p, PacketView r, PackingPolicy policy, GuestKernel kernel) {
        ChecksumState expected =
                p.skb.hasGso() && kernel == GuestKernel.CURRENT ? ChecksumState.PARTIAL : p.skb.checksum();
        if (expected == ChecksumState.UNNECESSARY && policy == PackingPolicy.FREEBSD) {
            // xnb_mbufc2pkt sets data_validated only together with csum_blank, for CSUM_DELAY_DATA
            expected = ChecksumState.NONE;
        }
        return (p.data == null ? r.length() == p.skb.length() : r.contentEquals(p.data))
                && r.gsoSize() == p.skb.gsoSize()
                && r.gsoType() == p.skb.gsoType()
                && r.checksum() == expected;
    }

    private Guest guest(int g) {
        if (g < 0 || g >= guests.length) {
            throw new IllegalArgumentException(
                    "guest " + g + " does not exist (the simulation has " + guests.length + ")");
        }
        return guests[g];
    }

    // ---- inputs --------------------------------------------------------------------------------

    /**
     * Hands a packet to the host stack for guest 0 (see {@link #send(int, Skb, byte[])}).
     *
     * @param skb the packet's layout
     * @param data its bytes ({@code skb.length()} of them; copied)
     * @return the packet's number (0, 1, 2, ... over all guests)
     * @throws IllegalArgumentException if {@code data} does not hold {@code skb.length()} bytes
     */
    public long send(Skb skb, byte[] data) {
        return send(0, skb, data);
    }

    /**
     * Hands a packet to the host stack for a guest; it reaches the vif's {@code start_xmit} in the
     * next {@link #step()}. Its queue ({@code rx.c} multi-queue) is chosen now, by {@link
     * Vif#selectQueue(Skb)}.
     *
     * @param guest the guest, {@code 0 .. guests() - 1}
     * @param skb the packet's layout
     * @param data its bytes ({@code skb.length()} of them; copied, or only checked for their length
     *     in a {@link Builder#payloadFree(boolean) payload-free} simulation)
     * @return the packet's number (0, 1, 2, ... over all guests: the {@code pkt=} of the event log),
     *     which every lifecycle event ({@link PacketListener}) and the {@link ReceivedPacket#id()} of
     *     the delivered packet carry
     * @throws IllegalArgumentException if there is no such guest or {@code data} does not hold {@code
     *     skb.length()} bytes
     */
    public long send(int guest, Skb skb, byte[] data) {
        Objects.requireNonNull(skb, "skb");
        Objects.requireNonNull(data, "data");
        guest(guest);
        if (data.length != skb.length()) {
            throw new IllegalArgumentException(
                    "send: " + data.length + " data bytes for a packet of length " + skb.length());
        }
        if (payloadFree) {
            return enqueue(guest, skb, null);
        }
        if (config.replayable) {
            return enqueue(guest, skb, data.clone()); // the replay log keeps it
        }
        // the sender's bytes, copied once into an array of the pool that goes back when the packet is done
        byte[] copy = payloads.take(data.length);
        System.arraycopy(data, 0, copy, 0, data.length);
        long id = enqueue(guest, skb, copy);
        lastEnqueued.pooledData = true;
        return id;
    }

    /**
     * Hands a packet without its bytes to the host stack for guest 0 (payload-free, see {@link
     * #send(int, Skb)}).
     *
     * @param skb the packet's layout
     * @return the packet's number
     * @throws IllegalStateException if the simulation carries bytes ({@link Builder#payloadFree})
     */
    public long send(Skb skb) {
        return send(0, skb);
    }

    /**
     * Hands a packet without its bytes to the host stack for a guest, in a {@link
     * Builder#payloadFree(boolean) payload-free} simulation: everything happens as for {@link
     * #send(int, Skb, byte[])}, but no packet data is carried.
     *
     * @param guest the guest, {@code 0 .. guests() - 1}
     * @param skb the packet's layout
     * @return the packet's number (0, 1, 2, ... over all guests)
     * @throws IllegalArgumentException if there is no such guest
     * @throws IllegalStateException if the simulation carries bytes: a packet without bytes would
     *     fail its byte-for-byte check
     */
    public long send(int guest, Skb skb) {
        Objects.requireNonNull(skb, "skb");
        guest(guest);
        if (!payloadFree) {
            throw new IllegalStateException(
                    "send without bytes: this simulation carries and checks every byte; build it payloadFree(true)");
        }
        return enqueue(guest, skb, null);
    }

    /** @return whether the simulation carries no packet bytes ({@link Builder#payloadFree(boolean)}) */
    public boolean payloadFree() {
        return payloadFree;
    }

    private long enqueue(int guest, Skb skb, byte[] data) {
        if (config.replayable) {
            record(new Send(guest, skb, data));
        }
        Pending p = newPending(nextId++, guest, skb, data);
        arrivals.addLast(p);
        lastEnqueued = p;
        return p.id;
    }

    // ---- what the timed host drives (package-private) --------------------------------------------

    /** @return a fresh packet id */
    long reserveId() {
        return nextId++;
    }

    /** A packet sent to a guest, counted, its queue chosen; it is not yet given to the host stack. */
    Pending newPending(long id, int guest, Skb skb, byte[] data) {
        Guest g = guests[guest];
        g.sent++;
        int queue = g.vif.selectQueue(skb);
        if (freePendings > 0) {
            Pending p = pendingPool[--freePendings];
            pendingPool[freePendings] = null;
            p.set(id, guest, queue, skb, data);
            return p;
        }
        return new Pending(id, guest, queue, skb, data);
    }

    /**
     * A packet's life ended (delivered, dropped, errored, rejected): its record and its bytes are
     * reused for a later packet — unless a timed host stands in front of the listener, which may
     * still hold the record.
     */
    void finished(Pending p) {
        if (!(lifecycle instanceof Direct)) {
            return;
        }
        if (p.pooledData) {
            payloads.give(p.data);
        }
        p.data = null;
        p.skb = null;
        if (freePendings < pendingPool.length) {
            pendingPool[freePendings++] = p;
        }
    }

    /** The packet reaches the host stack now: {@code start_xmit} or the qdisc. */
    void arrive(Pending p) {
        guests[p.guest].arrive(p);
    }

    /** Feeds a guest's qdiscs to {@code start_xmit} while their queues run. */
    void feedWaiting(int guest) {
        guests[guest].feedWaiting();
    }

    /** @return whether the guest notified the backend on that queue and the backend has not taken it */
    boolean backendEventPending(int guest, int queue) {
        return guests[guest].channels[queue].first().pending();
    }

    /** The backend takes the guest's event on one queue ({@code netif_be_int}, ...); no action runs here. */
    void takeBackendEvent(int guest, int queue) {
        Guest g = guests[guest];
        if (g.channels[queue].first().takePending()) {
            g.vif.frontendEvent(queue);
        }
    }

    /** @return whether the backend notified the guest on that queue and the guest has not polled since */
    boolean guestEventPending(int guest, int queue) {
        return guests[guest].channels[queue].second().pending();
    }

    /** The guest's netfront on one queue takes its event and polls (consumes what is published). */
    void guestPoll(int guest, int queue) {
        Guest g = guests[guest];
        g.channels[queue].second().takePending();
        g.netfronts[queue].poll();
    }

    /** The guest's netfront posts a buffer for every slot it consumed, then holds posting again. */
    void guestRefill(int guest, int queue) {
        Netfront nf = guests[guest].netfronts[queue];
        nf.faults().resumePosting();
        nf.refill();
        nf.faults().stopPosting();
    }

    /** Every netfront posts only when {@link #guestRefill} says so (the timed host refills after processing). */
    void holdPosting() {
        for (Guest g : guests) {
            for (int k = 0; k < g.netfronts.length; k++) {
                g.netfronts[k].faults().stopPosting();
                g.channels[k].first().takePending(); // the buffers posted at build time need no event
            }
        }
    }

    /** @return the queues (rings) per guest */
    int queues() {
        return config.queues;
    }

    /**
     * One round (see the class comment).
     *
     * @return the number of packets delivered in this round, over all guests
     */
    public int step() {
        if (config.replayable) {
            record(new Step());
        }
        long before = totalDelivered();
        for (Guest g : guests) {
            g.backendEvents();
        }
        for (Guest g : guests) {
            g.feedWaiting();
        }
        while (!arrivals.isEmpty()) {
            Pending p = arrivals.pollFirst();
            guests[p.guest].arrive(p);
        }
        for (int a = 0; a < config.actionsPerRound && netback.runActions() > 0; a++) {
            // every context runs again while one makes progress, within the budget
        }
        for (Guest g : guests) {
            g.poll();
        }
        for (Guest g : guests) {
            g.backendEvents();
        }
        return (int) (totalDelivered() - before);
    }

    private long totalDelivered() {
        long n = 0;
        for (Guest g : guests) {
            n += g.delivered;
        }
        return n;
    }

    /**
     * Steps until a round moves no packet: everything delivered, or stuck, e.g. while a guest does
     * not post. Progress is a packet moving (sent, taken, answered, delivered, dropped, errored) or a
     * buffer posted or consumed, never an action that ran and took nothing ({@code rx.c}'s {@code
     * xenvif_rx_action} runs, and counts a batch, every round while packets wait for slots), so drain
     * always returns; the packets that cannot move stay counted in {@link
     * SimulationStatistics#inFlight()}.
     *
     * @return the number of rounds run
     */
    public int drain() {
        int rounds = 0;
        boolean first = true;
        while (true) {
            step();
            rounds++;
            // the statistics compared without building them: every counter of packet movement only
            // grows, so their sum changes exactly when one of them does (batches are not among them)
            boolean changed = snapshotChanged();
            if (!changed && !first) {
                return rounds;
            }
            first = false;
        }
    }

    /** Takes the per-guest packets in flight and the sum of every growing counter; whether either changed. */
    private boolean snapshotChanged() {
        if (drainInFlight == null) {
            drainInFlight = new long[guests.length];
            drainArriving = new int[guests.length];
        }
        java.util.Arrays.fill(drainArriving, 0);
        if (!arrivals.isEmpty()) { // a step leaves none, unless a listener sent during it
            for (Pending p : arrivals) {
                drainArriving[p.guest]++;
            }
        }
        boolean changed = false;
        long sum = 0;
        for (int i = 0; i < guests.length; i++) {
            Guest g = guests[i];
            long inFlight = drainArriving[i] + g.waiting() + g.queued.size() + g.onRings();
            if (inFlight != drainInFlight[i]) {
                drainInFlight[i] = inFlight;
                changed = true;
            }
            sum += g.sent
                    + g.delivered
                    + g.deliveredBytes
                    + g.mismatched
                    + g.dropped
                    + g.errored
                    + g.qdiscDropped
                    + g.vif.eventCount();
            for (Netfront nf : g.netfronts) {
                sum += nf.eventCount();
            }
        }
        if (sum != drainSum) {
            drainSum = sum;
            changed = true;
        }
        return changed;
    }

    // ---- results -------------------------------------------------------------------------------

    /**
     * @return guest 0's packets delivered since the last call, in order (only kept with {@link
     *     Builder#keepReceived(boolean) keepReceived(true)}, the default)
     */
    public List<ReceivedPacket> takeReceived() {
        return takeReceived(0);
    }

    /**
     * @param guest a guest
     * @return its packets delivered since the last call, in order (queue by queue as they arrived)
     */
    public List<ReceivedPacket> takeReceived(int guest) {
        Guest g = guest(guest);
        List<ReceivedPacket> out = List.copyOf(g.received);
        g.received.clear();
        return out;
    }

    /**
     * @return the counters over all guests (the vif and netfront counters summed; note that a 2010
     *     group's hypercall serving several vifs counts once for each of them: {@link
     *     Netback#hypercalls()} counts hypercalls)
     */
    public SimulationStatistics statistics() {
        return Sums.simulation(guestStatistics());
    }

    /**
     * @param guest a guest
     * @return that guest's counters
     */
    public SimulationStatistics statistics(int guest) {
        Guest g = guest(guest);
        return g.statistics(arriving(g.index));
    }

    /** @return every guest's counters, in guest order */
    public List<SimulationStatistics> guestStatistics() {
        List<SimulationStatistics> out = new ArrayList<>(guests.length);
        for (Guest g : guests) {
            out.add(g.statistics(arriving(g.index)));
        }
        return out;
    }

    private int arriving(int guest) {
        int n = 0;
        for (Pending p : arrivals) {
            n += p.guest == guest ? 1 : 0;
        }
        return n;
    }

    /** @return each execution context's counters (groups, vif threads or queue threads) */
    public List<ContextStatistics> contextStatistics() {
        return netback.contextStatistics();
    }

    /**
     * @param guest a guest
     * @return that guest's drops before the ring, by reason: its vif's, and its qdisc's as {@link
     *     DropReason#QDISC_FULL} (the same as {@link SimulationStatistics#droppedBy()})
     */
    public Map<DropReason, Long> dropReasons(int guest) {
        return Map.copyOf(guest(guest).droppedBy);
    }

    /** @return the number of guests */
    public int guests() {
        return guests.length;
    }

    /** @return the backend */
    public Netback netback() {
        return netback;
    }

    /** @return guest 0's vif */
    public Vif vif() {
        return vif(0);
    }

    /**
     * @param guest a guest
     * @return its vif
     */
    public Vif vif(int guest) {
        return guest(guest).vif;
    }

    /** @return guest 0's netfront (of queue 0) */
    public Netfront netfront() {
        return netfront(0, 0);
    }

    /**
     * @param guest a guest
     * @param queue one of its queues
     * @return the netfront of that ring
     */
    public Netfront netfront(int guest, int queue) {
        return guest(guest).netfronts[queue];
    }

    /** @return the host */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** @return guest 0's packets waiting in the host: sent and not yet given to {@code start_xmit} */
    public int backlog() {
        return backlog(0);
    }

    /**
     * @param guest a guest
     * @return its packets waiting in the host: sent since the last round, or held in the qdisc
     */
    public int backlog(int guest) {
        return guest(guest).waiting() + arriving(guest);
    }

    /**
     * @param guest a guest
     * @return its packets on the host side of the ring: waiting ({@link #backlog(int)}) or in the
     *     backend's own queue
     */
    public int hostQueued(int guest) {
        return backlog(guest) + guest(guest).vif.queuedPackets();
    }

    // ---- faults and events (recorded, so copies replay them) -----------------------------------

    /** Guest 0 stops posting buffers. */
    public void stopGuestPosting() {
        stopGuestPosting(0);
    }

    /**
     * The guest stops posting buffers (on every queue).
     *
     * @param guest a guest
     */
    public void stopGuestPosting(int guest) {
        for (Netfront nf : guest(guest).netfronts) {
            nf.faults().stopPosting();
        }
        record(new StopPosting(guest));
    }

    /** Guest 0 posts buffers again (from the next round). */
    public void resumeGuestPosting() {
        resumeGuestPosting(0);
    }

    /**
     * The guest posts buffers again (from the next round).
     *
     * @param guest a guest
     */
    public void resumeGuestPosting(int guest) {
        for (Netfront nf : guest(guest).netfronts) {
            nf.faults().resumePosting();
        }
        record(new ResumePosting(guest));
    }

    /** Guest 0 revokes the grant of the next request the backend will consume (queue 0). */
    public void revokeNextGrant() {
        revokeNextGrant(0);
    }

    /**
     * The guest revokes the grant of the next request the backend will consume on queue 0.
     *
     * @param guest a guest
     */
    public void revokeNextGrant(int guest) {
        Guest g = guest(guest);
        g.netfronts[0].faults().revokeGrant(g.backs[0].reqCons());
        record(new Revoke(guest));
    }

    /** Guest 0 replaces the next request's grant by a read-only one. */
    public void readOnlyNextGrant() {
        readOnlyNextGrant(0);
    }

    /**
     * The guest replaces the next request's grant (queue 0) by a read-only one.
     *
     * @param guest a guest
     */
    public void readOnlyNextGrant(int guest) {
        Guest g = guest(guest);
        g.netfronts[0].faults().makeGrantReadOnly(g.backs[0].reqCons());
        record(new ReadOnly(guest));
    }

    /** Guest 0 grants the next request's buffer to a domain other than the backend. */
    public void wrongDomainNextGrant() {
        wrongDomainNextGrant(0);
    }

    /**
     * The guest grants the next request's buffer (queue 0) to a domain other than the backend (the peer).
     *
     * @param guest a guest
     */
    public void wrongDomainNextGrant(int guest) {
        Guest g = guest(guest);
        g.netfronts[0].faults().grantToWrongDomain(g.backs[0].reqCons(), PEER_DOMID);
        record(new WrongDomain(guest));
    }

    /** Guest 0 puts a grant reference beyond its table in the next request. */
    public void grefBeyondTableNextGrant() {
        grefBeyondTableNextGrant(0);
    }

    /**
     * The guest puts a grant reference beyond its table in the next request (queue 0).
     *
     * @param guest a guest
     */
    public void grefBeyondTableNextGrant(int guest) {
        Guest g = guest(guest);
        g.netfronts[0].faults().setGrefBeyondTable(g.backs[0].reqCons());
        record(new Beyond(guest));
    }

    /**
     * Guest 0 writes an arbitrary {@code req_prod}.
     *
     * @param value the value
     */
    public void writeReqProd(int value) {
        writeReqProd(0, value);
    }

    /**
     * The guest writes an arbitrary {@code req_prod} into its queue 0 ring.
     *
     * @param guest a guest
     * @param value the value
     */
    public void writeReqProd(int guest, int value) {
        guest(guest).netfronts[0].faults().writeReqProd(value);
        record(new ReqProd(guest, value));
    }

    /**
     * The guest's vif goes down (carrier off): later packets are dropped; under 2010 it leaves its
     * group (see {@link Vif#down()}).
     *
     * @param guest a guest
     */
    public void vifDown(int guest) {
        guest(guest).vif.down();
        record(new Down(guest));
    }

    /**
     * The guest's vif comes up again; under 2010 it joins the least-loaded group (see {@link Vif#up()}).
     *
     * @param guest a guest
     */
    public void vifUp(int guest) {
        guest(guest).vif.up();
        record(new Up(guest));
    }

    /** @return the index of the next request the backend will consume on guest 0's ring ({@code req_cons}) */
    public int nextRequestIndex() {
        return guests[0].backs[0].reqCons();
    }

    // ---- the replay log ------------------------------------------------------------------------

    /** One recorded input; replaying every input in order on a fresh simulation reproduces the state. */
    private sealed interface Input
            permits Send, Step, StopPosting, ResumePosting, Revoke, ReadOnly, WrongDomain, Beyond, ReqProd, Down, Up {
        void replay(GuestRxSimulation s);
    }

    private record Send(int guest, Skb skb, byte[] data) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.enqueue(guest, skb, data);
        }
    }

    private record Step() implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.step();
        }
    }

    private record StopPosting(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.stopGuestPosting(guest);
        }
    }

    private record ResumePosting(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.resumeGuestPosting(guest);
        }
    }

    private record Revoke(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.revokeNextGrant(guest);
        }
    }

    private record ReadOnly(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.readOnlyNextGrant(guest);
        }
    }

    private record WrongDomain(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.wrongDomainNextGrant(guest);
        }
    }

    private record Beyond(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.grefBeyondTableNextGrant(guest);
        }
    }

    private record ReqProd(int guest, int value) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.writeReqProd(guest, value);
        }
    }

    private record Down(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.vifDown(guest);
        }
    }

    private record Up(int guest) implements Input {
        @Override
        public void replay(GuestRxSimulation s) {
            s.vifUp(guest);
        }
    }

    /** Records an input that took effect (a fault hook that threw is not recorded). */
    private void record(Input input) {
        if (config.replayable) {
            history.add(input);
        }
    }

    /**
     * An independent copy of the whole state, made by replaying every recorded input on a fresh
     * simulation with the same configuration (deterministic, so the copy is exact; the
     * customizers given to the builder must be too).
     *
     * @return the copy
     * @throws IllegalStateException if the simulation was not built {@code replayable(true)}
     */
    public GuestRxSimulation copy() {
        if (!config.replayable) {
            throw new IllegalStateException("copy: build the simulation with replayable(true) to record its inputs");
        }
        GuestRxSimulation c = new GuestRxSimulation(config);
        for (Input in : history) {
            in.replay(c);
        }
        for (int g = 0; g < guests.length; g++) {
            c.guests[g].received.clear();
            c.guests[g].received.addAll(guests[g].received);
        }
        return c;
    }

    /** Configures a {@link GuestRxSimulation}. */
    public static final class Builder {
        private Consumer<Netback.Builder> backend = b -> {};
        private Consumer<Vif.Builder> vif = v -> {};
        private int guests = 1;
        private int queues = 1;
        private int ringStartIndex;
        private int grantTableSize = Hypervisor.DEFAULT_NR_GRANT_ENTRIES;
        private int txQueueLen = KernelLimits.VIF_TX_QUEUE_LEN;
        private int actionsPerRound = Integer.MAX_VALUE;
        private boolean replayable;
        private boolean keepReceived = true;
        private GuestKernel guestKernel = GuestKernel.CURRENT;
        private boolean payloadFree;
        private PacketListener listener = PacketListener.NONE;

        private Builder() {}

        /**
         * @param l told each packet's lifecycle: admitted or dropped, taken by an action, responded,
         *     then delivered, errored or rejected (default: nothing). In a {@link TimedHost} it is told
         *     each at the simulated time it happens.
         * @return this
         */
        public Builder listener(PacketListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** @return the listener set (the timed host puts itself in front of it) */
        PacketListener listener() {
            return listener;
        }

        /**
         * @param free whether to run without packet bytes (default false): packets are sent with
         *     {@link GuestRxSimulation#send(int, Skb)} (bytes given to the other {@code send} are
         *     ignored), frames are allocated and granted, copy ops issued and checked, responses
         *     written and consumed exactly as with bytes, so every counter is the same; what is
         *     checked on delivery is the length, GSO and checksum state, not the bytes. For long runs.
         * @return this
         */
        public Builder payloadFree(boolean free) {
            this.payloadFree = free;
            return this;
        }

        /**
         * @param settings applied to the backend's builder: profile, CPUs, groups, queues allowed,
         *     kernel constants, faithful mode, event log (default: nothing, the 2010 profile)
         * @return this
         */
        public Builder backend(Consumer<Netback.Builder> settings) {
            this.backend = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param settings applied to every guest's vif builder: policy, estimator, MTU, features,
         *     {@code rx_queue_max} (default: nothing); the wiring sets the peer and the listener
         * @return this
         */
        public Builder vif(Consumer<Vif.Builder> settings) {
            this.vif = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param n guests on the host (default 1), 1 .. {@link #MAX_GUESTS}
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder guests(int n) {
            this.guests = range("guests", n, 1, MAX_GUESTS);
            return this;
        }

        /**
         * @param q queues per guest (default 1); more than one needs the {@code rx.c} profile, and
         *     the backend's {@code maxQueues} is raised to it unless the backend settings lower it
         * @return this
         * @throws IllegalArgumentException if outside 1 .. 64
         */
        public Builder queues(int q) {
            this.queues = range("queues", q, 1, 64);
            return this;
        }

        /**
         * @param index every ring's starting {@code RING_IDX} (default 0; near 2^32 to test the wrap)
         * @return this
         */
        public Builder ringStartIndex(int index) {
            this.ringStartIndex = index;
            return this;
        }

        /**
         * @param n each guest's grant-table size (default 1024; at least 256 per queue + the faults' extra grants)
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder grantTableSize(int n) {
            this.grantTableSize = range("grantTableSize", n, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * @param n the qdisc's length in front of each vif queue: packets that may wait while the
         *     queue is stopped (default {@link KernelLimits#VIF_TX_QUEUE_LEN}, the vif device's {@code
         *     tx_queue_len}), at least 1
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder txQueueLen(int n) {
            this.txQueueLen = range("txQueueLen", n, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * @param n actions each execution context may run per round, at least 1 (default: no limit,
         *     every context runs until it makes no progress): a backend CPU budget, under which a
         *     busy context can fall behind and a shared 2010 group shows whose packets it serves
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder actionsPerRound(int n) {
            this.actionsPerRound = range("actionsPerRound", n, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * @param r whether to record inputs so {@link GuestRxSimulation#copy()} works (default false)
         * @return this
         */
        public Builder replayable(boolean r) {
            this.replayable = r;
            return this;
        }

        boolean isReplayable() {
            return replayable;
        }

        /**
         * @param k the guests' kernel, whose netfront limits apply (default {@link GuestKernel#CURRENT})
         * @return this
         */
        public Builder guest(GuestKernel k) {
            this.guestKernel = Objects.requireNonNull(k, "guest");
            return this;
        }

        /**
         * @param k whether to keep delivered packets for {@link GuestRxSimulation#takeReceived()}
         *     (default true; turn off for long runs)
         * @return this
         */
        public Builder keepReceived(boolean k) {
            this.keepReceived = k;
            return this;
        }

        private static int range(String setting, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(setting + ": " + value + " outside " + min + ".." + max);
            }
            return value;
        }

        /**
         * @return the simulation, with every netfront's buffers posted
         * @throws IllegalArgumentException if a setting is out of range (the backend's and the vifs'
         *     builders check theirs)
         */
        public GuestRxSimulation build() {
            return new GuestRxSimulation(this);
        }
    }
}
