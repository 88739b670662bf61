package io.github.netbackrx.sim;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.ContextStatistics;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.Netback;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.trace.Workload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A host of guests in simulated time: a deterministic discrete-event driver around a {@link
 * GuestRxSimulation}. Packets arrive at given times (one by one with {@link #send(long, int, Skb,
 * byte[])}, or from {@link #addSource sources} with an {@link Arrivals} process); the backend's
 * execution contexts and the guests' vCPUs are servers whose work is priced by a {@link CostModel};
 * every packet reaches its guest at a delivery time, and the host reports latency, throughput,
 * utilisation and drops ({@link #report()}, {@link Builder#interval}). No wall clock, no thread:
 * whoever drives it owns time. Times are nanoseconds from the start of the run, as {@code long}.
 *
 * <h2>The servers</h2>
 *
 * <ul>
 *   <li><b>Execution contexts.</b> Each context of the backend ({@link Netback}: a 2010 group, the
 *       thread of a 3.x or FreeBSD vif, the thread of an {@code rx.c} queue) runs one action at a
 *       time. An action runs in the model when it starts ({@link Netback#runAction(int)}); its
 *       service time is what it did — the difference of the context's counters around it — priced
 *       by {@link CostModel#backendNanos}: one action, its hypercalls, copy ops, bytes copied,
 *       responses written and notifications sent. The responses it wrote become visible to the
 *       guest when it ends. A context is kicked by a packet admitted to its queue ({@code
 *       start_xmit}), and, for the generations whose front-end event kicks the thread ({@link
 *       EngineProfile#interruptRunsAction()}), by the guest's event; when an action ends, the
 *       context runs again at once if its queue holds packets and the action made progress (took or
 *       dropped a packet) or it was kicked meanwhile; otherwise it waits for a kick.
 *   <li><b>Backend CPUs.</b> An action needs one of the backend's {@link Builder#backendCpus CPUs}
 *       for its whole service time. By default there is one per context, so contexts never wait for
 *       one another ("CPUs suffice"). With fewer CPUs than contexts, a context with work waits in
 *       one first-come first-served queue for a CPU, and an action is never preempted: the contexts
 *       then interfere even when each guest has its own.
 *   <li><b>Guest vCPUs.</b> Each guest ring (one per guest, one per queue of a multi-queue guest)
 *       has its own vCPU, which does nothing else. The backend's notification reaches it {@link
 *       CostModel#eventChannelLatency()} after the action that sent it ends; if the vCPU is idle it
 *       takes the interrupt ({@link CostModel#guestPerInterrupt()}) and polls: netfront consumes
 *       every response published by then, and the vCPU spends {@link CostModel#guestPerSlot()} per
 *       slot and {@link CostModel#guestPerPacket()} per delivered packet, in ring order. Each packet
 *       is delivered when its share is done (its <i>delivery time</i>); a packet whose action had
 *       not ended when the poll found it is processed no earlier than that end plus an event-channel
 *       latency and an interrupt. When the batch is done, netfront posts a buffer for every slot it
 *       consumed (so a slow guest holds its ring full and the backend waits: backpressure), its
 *       event reaches the backend an event-channel latency later, and the vCPU polls again without
 *       a new interrupt (NAPI) or goes idle. A notification that arrives while the vCPU is busy
 *       costs nothing more.
 *   <li><b>The host stack.</b> A packet's arrival hands it to the host stack at once: its vif's
 *       {@code start_xmit}, or the qdisc in front of a stopped queue ({@link
 *       GuestRxSimulation.Builder#txQueueLen}); that work is the sender's and is not priced. Packets
 *       waiting in a qdisc go to {@code start_xmit} when the queue runs again (after an action ends
 *       or the guest's event arrives).
 * </ul>
 *
 * <p>What is not modelled: the 2010 {@code tx_queue_timeout} (500 ms; the guest's refill event wakes
 * a stopped queue first whenever the guest posts, and a timed host's guests always post); 3.14's
 * drain timer; preemption, cache effects and interrupt affinity beyond the rules above; the guest
 * faults of {@link GuestRxSimulation}. {@link GuestRxSimulation.Builder#actionsPerRound} has no
 * meaning here (time is the budget) and is ignored.
 *
 * <h2>Driving it from a simulator's event loop</h2>
 *
 * The caller owns time: the host never moves past the time it is given. {@link #nextEventTime()} is
 * the time of the host's earliest pending event ({@link #NEVER} when it has none); {@link
 * #advanceTo(long)} processes every event up to and including that time, in time order (events at
 * the same time in the order they were scheduled), then sets {@link #now()} to it. Arrivals may be
 * scheduled at {@link #now()} or later; an arrival in the past is refused with an exception (time
 * does not go back). {@link #run()} processes events until none is left. The {@link PacketListener}
 * of the simulation's builder is told each packet's lifecycle during these calls, at the simulated
 * time it happens ({@link #now()} during the call). Everything is deterministic: the same inputs in
 * the same order give the same events at the same times, bit for bit (arrival processes are seeded).
 *
 * <p>Not thread-safe. Memory is bounded by the host's queues (rings, qdiscs, backend queues) and
 * the arrivals scheduled ahead by the caller; sources generate their packets one at a time.
 */
public final class TimedHost {
    /** What {@link #nextEventTime()} returns when no event is pending. */
    public static final long NEVER = Long.MAX_VALUE;

    private final GuestRxSimulation sim;
    private final Netback netback;
    private final CostModel costs;
    private final PacketListener listener;
    private final boolean payloadFree;
    private final boolean interruptRunsAction;
    private final long eventLatency;
    private final PriorityQueue<Event> events =
            new PriorityQueue<>(Comparator.comparingLong((Event e) -> e.time).thenComparingLong(e -> e.seq));
    private final ContextServer[] contexts;
    private final GuestQueue[][] rings;
    private final ArrayDeque<ContextServer> ready = new ArrayDeque<>();
    private final int cpus;
    private int freeCpus;
    private long now;
    private long seq;
    private GuestQueue polling;
    private final List<Source> sources = new ArrayList<>();

    // what the report counts
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram[] guestLatency;
    private final Map<DropReason, Long> droppedBy = new EnumMap<>(DropReason.class);
    private final Map<RejectReason, Long> rejectedBy = new EnumMap<>(RejectReason.class);
    private long firstArrival = -1;
    private long lastDelivery = -1;
    private long arrived;
    private long delivered;
    private long deliveredBytes;
    private long dropped;
    private long errored;
    private long rejected;

    // the time series
    private final long interval;
    private final IntervalListener intervalListener;
    private long intervalStart;
    private long intervalIndex;
    private final LatencyHistogram intervalLatency = new LatencyHistogram();
    private final long[] intervalBusy;
    private long iArrived;
    private long iDelivered;
    private long iDropped;
    private long iErrored;

    private TimedHost(Builder b) {
        GuestRxSimulation.Builder sb = GuestRxSimulation.builder();
        b.simulation.accept(sb);
        if (sb.isReplayable()) {
            throw new IllegalArgumentException("replayable: a timed host drives its simulation event by event, which"
                    + " GuestRxSimulation.copy() cannot replay; leave replayable off");
        }
        this.listener = sb.listener();
        sb.keepReceived(false);
        this.sim = sb.build();
        this.netback = sim.netback();
        this.costs = b.costs;
        this.payloadFree = sim.payloadFree();
        this.interruptRunsAction = netback.profile().interruptRunsAction();
        this.eventLatency = nanos(costs.eventChannelLatency());
        sim.lifecycle = new Timing();
        sim.holdPosting();
        int n = netback.contexts();
        contexts = new ContextServer[n];
        for (int c = 0; c < n; c++) {
            contexts[c] = new ContextServer(c);
        }
        int guests = sim.guests();
        int queues = sim.queues();
        rings = new GuestQueue[guests][queues];
        guestLatency = new LatencyHistogram[guests];
        for (int g = 0; g < guests; g++) {
            guestLatency[g] = new LatencyHistogram();
            for (int k = 0; k < queues; k++) {
                int c = sim.vif(g).context(k);
                rings[g][k] = new GuestQueue(g, k, c);
                if (c >= 0) {
                    contexts[c].rings.add(rings[g][k]);
                    if (!contexts[c].guests.contains(g)) {
                        contexts[c].guests.add(g);
                    }
                }
            }
        }
        this.cpus = b.backendCpus == 0 ? Math.max(1, n) : b.backendCpus;
        this.freeCpus = cpus;
        this.interval = b.interval;
        this.intervalListener = b.intervalListener;
        this.intervalBusy = new long[n];
    }

    /** @return a builder: one guest, the 2010 profile, {@link CostModel#DEFAULTS}, one CPU per context */
    public static Builder builder() {
        return new Builder();
    }

    private static long nanos(double ns) {
        return Math.round(ns);
    }

    // ---- the event queue ---------------------------------------------------------------------------

    /** Something that happens at a time; each object is in the queue at most once. */
    private abstract static class Event {
        long time;
        long seq;
        boolean scheduled;

        abstract void fire();
    }

    private void schedule(Event e, long time) {
        e.time = time;
        e.seq = seq++;
        e.scheduled = true;
        events.add(e);
    }

    /** Schedules {@code e} at {@code time} unless it is already pending (then it happens at its earlier time). */
    private void scheduleOnce(Event e, long time) {
        if (!e.scheduled) {
            schedule(e, time);
        }
    }

    /** @return the current simulated time in nanoseconds (0 at the start) */
    public long now() {
        return now;
    }

    /**
     * @return the time of the earliest pending event (an arrival, the end of an action, a delivery,
     *     an event-channel notification), or {@link #NEVER} when nothing is pending: the host then
     *     changes only when the caller sends a packet
     */
    public long nextEventTime() {
        Event e = events.peek();
        return e == null ? NEVER : e.time;
    }

    /**
     * Processes every event at or before {@code time}, in time order, and sets the clock to {@code
     * time}. Listener calls happen here, each at its event's time ({@link #now()}).
     *
     * @param time the time to advance to, at least {@link #now()}
     * @throws IllegalArgumentException if {@code time} is before {@link #now()}
     */
    public void advanceTo(long time) {
        if (time < now) {
            throw new IllegalArgumentException(
                    "advanceTo(" + time + "): the host is at " + now + " ns already; time does not go back");
        }
        while (!events.isEmpty() && events.peek().time <= time) {
            Event e = events.poll();
            e.scheduled = false;
            closeIntervals(e.time);
            now = e.time;
            e.fire();
        }
        closeIntervals(time);
        now = time;
    }

    /**
     * Processes events until none is left (every source exhausted, every packet delivered, dropped or
     * errored, every server idle), then reports the last, partial interval of the time series.
     * Never returns if a source has no end.
     *
     * @return the time of the last event ({@link #now()})
     */
    public long run() {
        while (!events.isEmpty()) {
            advanceTo(events.peek().time);
        }
        if (intervalListener != null && (now > intervalStart || iArrived + iDelivered + iDropped + iErrored > 0)) {
            emitInterval(now);
        }
        return now;
    }

    // ---- arrivals ----------------------------------------------------------------------------------

    /**
     * A packet for a guest arrives at the host stack at {@code time}.
     *
     * @param time when, at least {@link #now()}
     * @param guest the guest, {@code 0 .. guests - 1}
     * @param skb the packet's layout
     * @param data its bytes ({@code skb.length()}; copied; only their length is checked when the
     *     simulation is payload-free)
     * @return the packet's id (the one every lifecycle call and the delivered packet carry)
     * @throws IllegalArgumentException if {@code time} is in the past, there is no such guest, or
     *     {@code data} does not hold {@code skb.length()} bytes
     */
    public long send(long time, int guest, Skb skb, byte[] data) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(skb, "skb");
        if (data.length != skb.length()) {
            throw new IllegalArgumentException(
                    "send: " + data.length + " data bytes for a packet of length " + skb.length());
        }
        return schedule(time, guest, skb, payloadFree ? null : data.clone());
    }

    /**
     * A packet without bytes for a guest arrives at {@code time}, in a payload-free simulation
     * ({@link GuestRxSimulation.Builder#payloadFree(boolean)}).
     *
     * @param time when, at least {@link #now()}
     * @param guest the guest
     * @param skb the packet's layout
     * @return the packet's id
     * @throws IllegalArgumentException if {@code time} is in the past or there is no such guest
     * @throws IllegalStateException if the simulation carries bytes
     */
    public long send(long time, int guest, Skb skb) {
        Objects.requireNonNull(skb, "skb");
        if (!payloadFree) {
            throw new IllegalStateException(
                    "send without bytes: this host carries and checks every byte; build its simulation payloadFree(true)");
        }
        return schedule(time, guest, skb, null);
    }

    private long schedule(long time, int guest, Skb skb, byte[] data) {
        checkTime(time);
        checkGuest(guest);
        long id = sim.reserveId();
        schedule(new Arrival(id, guest, skb, data), time);
        return id;
    }

    private void checkTime(long time) {
        if (time < now) {
            throw new IllegalArgumentException(
                    "arrival at " + time + " ns is in the past: the host is at " + now + " ns (time does not go back)");
        }
    }

    private void checkGuest(int guest) {
        if (guest < 0 || guest >= sim.guests()) {
            throw new IllegalArgumentException(
                    "guest " + guest + " does not exist (the host has " + sim.guests() + ")");
        }
    }

    /** One packet sent with {@link #send}. */
    private final class Arrival extends Event {
        final long id;
        final int guest;
        final Skb skb;
        final byte[] data;

        Arrival(long id, int guest, Skb skb, byte[] data) {
            this.id = id;
            this.guest = guest;
            this.skb = skb;
            this.data = data;
        }

        @Override
        void fire() {
            arrive(id, guest, skb, data);
        }
    }

    private void arrive(long id, int guest, Skb skb, byte[] data) {
        GuestRxSimulation.Pending p = sim.newPending(id, guest, skb, data);
        p.arrivedAt = now;
        if (firstArrival < 0) {
            firstArrival = now;
        }
        arrived++;
        iArrived++;
        sim.arrive(p);
    }

    /**
     * Where a source's packets come from: the layout of its packet number {@code index} (0, 1, 2,
     * ...) and, unless the simulation is payload-free, its bytes.
     */
    public interface Feed {
        /**
         * @param index the source's packet number, 0, 1, 2, ... in order
         * @return its layout
         */
        Skb packet(long index);

        /**
         * The bytes of the packet just returned (not asked for in a payload-free simulation).
         *
         * @param index its number
         * @param skb its layout
         * @return {@code skb.length()} bytes (default: zeros)
         */
        default byte[] payload(long index, Skb skb) {
            return new byte[skb.length()];
        }

        /**
         * @param workload a seeded workload
         * @return its packets with its own bytes
         */
        static Feed of(Workload workload) {
            Objects.requireNonNull(workload, "workload");
            return new Feed() {
                @Override
                public Skb packet(long index) {
                    return workload.next();
                }

                @Override
                public byte[] payload(long index, Skb skb) {
                    return workload.payload(index, skb.length());
                }
            };
        }
    }

    /**
     * Adds a source of packets for a guest: {@code count} packets from {@code feed}, arriving at the
     * times {@code arrivals} gives (from {@link #now()} on: a time before it is moved to it). The
     * source makes one packet at a time, as it arrives, so memory does not grow with {@code count}.
     *
     * @param guest the guest
     * @param arrivals when the packets arrive (used by this source only)
     * @param feed what they are
     * @param count how many, at least 0 ({@link Long#MAX_VALUE}: as long as {@code arrivals} gives times)
     * @throws IllegalArgumentException if there is no such guest or {@code count} is negative
     */
    public void addSource(int guest, Arrivals arrivals, Feed feed, long count) {
        checkGuest(guest);
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " packets is negative");
        }
        Source s = new Source(
                guest, Objects.requireNonNull(arrivals, "arrivals"), Objects.requireNonNull(feed, "feed"), count);
        sources.add(s);
        s.next();
    }

    /** A source: its process, its feed, what is left. */
    private final class Source extends Event {
        final int guest;
        final Arrivals arrivals;
        final Feed feed;
        final long count;
        long made;

        Source(int guest, Arrivals arrivals, Feed feed, long count) {
            this.guest = guest;
            this.arrivals = arrivals;
            this.feed = feed;
            this.count = count;
        }

        /** Schedules the next arrival, if any. */
        void next() {
            if (made >= count) {
                return;
            }
            long t = arrivals.next();
            if (t == Arrivals.END) {
                return;
            }
            schedule(this, Math.max(t, now));
        }

        @Override
        void fire() {
            long index = made++;
            Skb skb = feed.packet(index);
            byte[] data = null;
            if (!payloadFree) {
                data = feed.payload(index, skb);
                if (data.length != skb.length()) {
                    throw new IllegalArgumentException(
                            "feed: " + data.length + " bytes for packet " + index + " of length " + skb.length());
                }
            }
            arrive(sim.reserveId(), guest, skb, data);
            next();
        }
    }

    // ---- the backend's contexts --------------------------------------------------------------------

    /** One execution context as a server. */
    private final class ContextServer extends Event {
        final int index;
        final List<GuestQueue> rings = new ArrayList<>();
        final List<Integer> guests = new ArrayList<>();
        final List<GuestRxSimulation.Pending> responded = new ArrayList<>();
        boolean busy;
        boolean waiting;
        boolean kicked;
        boolean progress;
        long actionStart;
        long busyNanos;
        long actions;

        ContextServer(int index) {
            this.index = index;
        }

        /** The action ends. */
        @Override
        void fire() {
            complete(this);
        }
    }

    /** A packet was admitted to the context's queue, or its ring's event arrived: it should run. */
    private void kick(int context) {
        if (context < 0) {
            return;
        }
        ContextServer c = contexts[context];
        if (c.busy || c.waiting) {
            c.kicked = true;
            return;
        }
        if (netback.queued(context) == 0) {
            return;
        }
        c.waiting = true;
        ready.addLast(c);
        dispatch();
    }

    /** Gives free CPUs to the contexts waiting for one, first come first served. */
    private void dispatch() {
        while (freeCpus > 0 && !ready.isEmpty()) {
            ContextServer c = ready.pollFirst();
            c.waiting = false;
            if (netback.queued(c.index) > 0) {
                start(c);
            }
        }
    }

    private void start(ContextServer c) {
        freeCpus--;
        c.busy = true;
        c.kicked = false;
        c.actionStart = now;
        c.actions++;
        ContextStatistics before = netback.contextStatistics(c.index);
        netback.runAction(c.index);
        ContextStatistics d = netback.contextStatistics(c.index).minus(before);
        long service = Math.max(
                0,
                nanos(costs.backendNanos(
                        d.actions(), d.hypercalls(), d.copyOps(), d.bytes(), d.responses(), d.notifications())));
        c.progress = d.packets() > 0 || d.queued() < 0;
        for (GuestRxSimulation.Pending p : c.responded) {
            p.visibleAt = now + service;
        }
        schedule(c, now + service);
    }

    private void complete(ContextServer c) {
        c.busy = false;
        freeCpus++;
        c.busyNanos += now - c.actionStart;
        intervalBusy[c.index] += now - Math.max(c.actionStart, intervalStart);
        for (GuestRxSimulation.Pending p : c.responded) {
            listener.responded(p.id, p.guest, p.slots, p.error);
        }
        c.responded.clear();
        if (!c.waiting && netback.queued(c.index) > 0 && (c.progress || c.kicked)) {
            c.waiting = true;
            ready.addLast(c);
        }
        for (GuestQueue r : c.rings) {
            if (sim.guestEventPending(r.guest, r.queue)) {
                scheduleOnce(r.irq, now + eventLatency);
            }
        }
        for (int g : c.guests) {
            sim.feedWaiting(g);
        }
        dispatch();
    }

    // ---- the guests' vCPUs ---------------------------------------------------------------------------

    /** A packet netfront consumed, with what became of it and when the guest is done with it. */
    private static final class Done {
        static final int DELIVERED = 0;
        static final int ERRORED = 1;
        static final int REJECTED = 2;

        final GuestRxSimulation.Pending p;
        final int outcome;
        final RejectReason reason;
        final ReceivedPacket packet;
        long at;

        Done(GuestRxSimulation.Pending p, int outcome, RejectReason reason, ReceivedPacket packet) {
            this.p = p;
            this.outcome = outcome;
            this.reason = reason;
            this.packet = packet;
        }
    }

    /** The vCPU of one guest ring. */
    private final class GuestQueue {
        final int guest;
        final int queue;
        final int context;
        final ArrayDeque<Done> pending = new ArrayDeque<>();
        final List<Done> batch = new ArrayList<>();
        boolean busy;
        long busyNanos;

        /** The backend's notification arrives. */
        final Event irq = new Event() {
            @Override
            void fire() {
                if (!busy && sim.guestEventPending(guest, queue)) {
                    poll(true);
                }
            }
        };

        /** The next packet's delivery time. */
        final Event deliver = new Event() {
            @Override
            void fire() {
                deliverDue();
            }
        };

        /** The vCPU finished its batch: refill, tell the backend, poll again. */
        final Event batchEnd = new Event() {
            @Override
            void fire() {
                deliverDue();
                sim.guestRefill(guest, queue);
                if (sim.backendEventPending(guest, queue)) {
                    scheduleOnce(backendEvent, now + eventLatency);
                }
                busy = false;
                poll(false);
            }
        };

        /** The guest's event reaches the backend. */
        final Event backendEvent = new Event() {
            @Override
            void fire() {
                sim.takeBackendEvent(guest, queue);
                if (interruptRunsAction) {
                    kick(context);
                }
                sim.feedWaiting(guest);
            }
        };

        GuestQueue(int guest, int queue, int context) {
            this.guest = guest;
            this.queue = queue;
            this.context = context;
        }

        /** netfront polls now and the vCPU prices what it found, packet by packet. */
        void poll(boolean interrupt) {
            polling = this;
            sim.guestPoll(guest, queue);
            polling = null;
            long t = now;
            long work = 0;
            if (interrupt) {
                long irqCost = nanos(costs.guestPerInterrupt());
                t += irqCost;
                work += irqCost;
            }
            if (batch.isEmpty()) {
                busyNanos += work;
                return;
            }
            for (Done d : batch) {
                if (t < d.p.visibleAt) {
                    // found before its action ended: the guest is done first, then takes that action's event
                    long irqCost = nanos(costs.guestPerInterrupt());
                    t = d.p.visibleAt + eventLatency + irqCost;
                    work += irqCost;
                }
                long cost = nanos(costs.guestNanos(d.p.slots, d.outcome == Done.DELIVERED ? 1 : 0, 0));
                t += cost;
                work += cost;
                d.at = t;
                pending.addLast(d);
            }
            batch.clear();
            busyNanos += work;
            busy = true;
            schedule(batchEnd, t);
            scheduleOnce(deliver, pending.peekFirst().at);
        }

        /** Reports every processed packet whose delivery time has come. */
        void deliverDue() {
            while (!pending.isEmpty() && pending.peekFirst().at <= now) {
                finish(pending.pollFirst());
            }
            if (!pending.isEmpty()) {
                scheduleOnce(deliver, pending.peekFirst().at);
            }
        }
    }

    private void finish(Done d) {
        GuestRxSimulation.Pending p = d.p;
        switch (d.outcome) {
            case Done.DELIVERED -> {
                long l = now - p.arrivedAt;
                latency.record(l);
                guestLatency[p.guest].record(l);
                intervalLatency.record(l);
                delivered++;
                iDelivered++;
                deliveredBytes += d.packet.length();
                lastDelivery = now;
                listener.delivered(p.id, p.guest, d.packet);
            }
            case Done.ERRORED -> {
                errored++;
                iErrored++;
                listener.errored(p.id, p.guest);
            }
            default -> {
                rejected++;
                iDropped++;
                rejectedBy.merge(d.reason, 1L, Long::sum);
                listener.rejected(p.id, p.guest, d.reason);
            }
        }
    }

    /** The simulation's lifecycle, put in time. */
    private final class Timing implements GuestRxSimulation.Lifecycle {
        @Override
        public void admitted(GuestRxSimulation.Pending p) {
            listener.admitted(p.id, p.guest, p.queue);
            kick(rings[p.guest][p.queue].context);
        }

        @Override
        public void dropped(GuestRxSimulation.Pending p, DropReason reason) {
            dropped++;
            iDropped++;
            droppedBy.merge(reason, 1L, Long::sum);
            listener.dropped(p.id, p.guest, reason);
        }

        @Override
        public void taken(GuestRxSimulation.Pending p, int context, long action) {
            listener.taken(p.id, p.guest, context, action);
        }

        @Override
        public void responded(GuestRxSimulation.Pending p) {
            contexts[rings[p.guest][p.queue].context].responded.add(p);
        }

        @Override
        public void delivered(GuestRxSimulation.Pending p, ReceivedPacket packet) {
            polling.batch.add(new Done(p, Done.DELIVERED, null, packet));
        }

        @Override
        public void errored(GuestRxSimulation.Pending p, RejectReason reason) {
            polling.batch.add(new Done(p, Done.ERRORED, reason, null));
        }

        @Override
        public void rejected(GuestRxSimulation.Pending p, RejectReason reason) {
            polling.batch.add(new Done(p, Done.REJECTED, reason, null));
        }
    }

    // ---- the time series ---------------------------------------------------------------------------

    /**
     * Told the counts of each interval of a run ({@link Builder#interval}).
     */
    @FunctionalInterface
    public interface IntervalListener {
        /**
         * @param interval what happened in one interval, in time order
         */
        void interval(Interval interval);
    }

    /**
     * What happened in one interval {@code [start, end)} of a run.
     *
     * @param index the interval's number, 0, 1, 2, ...
     * @param start its start in nanoseconds
     * @param end its end (exclusive); the last interval of {@link #run()} ends at the last event
     * @param arrived packets that arrived in it
     * @param delivered packets delivered in it (at their delivery times)
     * @param dropped packets dropped in it: before the ring (when they were dropped) or rejected by
     *     netfront (when the guest processed them)
     * @param errored packets the guest dropped in it for {@code NETIF_RSP_ERROR}
     * @param latencyP99 the 99th percentile of the latency of the packets delivered in it, in
     *     nanoseconds ({@link LatencyHistogram#RELATIVE_ERROR}); -1 when none was
     * @param latencyMax the largest of those latencies; -1 when none was
     * @param utilisation per execution context, the fraction of the interval it was running an
     *     action (0 to 1)
     */
    public record Interval(
            long index,
            long start,
            long end,
            long arrived,
            long delivered,
            long dropped,
            long errored,
            long latencyP99,
            long latencyMax,
            List<Double> utilisation) {
        /**
         * Copies the list.
         *
         * @param index the interval's number
         * @param start its start
         * @param end its end
         * @param arrived packets that arrived
         * @param delivered packets delivered
         * @param dropped packets dropped
         * @param errored packets errored
         * @param latencyP99 the 99th percentile latency, or -1
         * @param latencyMax the largest latency, or -1
         * @param utilisation per context, busy fraction
         */
        public Interval {
            utilisation = List.copyOf(utilisation);
        }
    }

    /** Closes every whole interval that ends at or before {@code time}. */
    private void closeIntervals(long time) {
        if (intervalListener == null) {
            return;
        }
        while (intervalStart + interval <= time) {
            emitInterval(intervalStart + interval);
        }
    }

    private void emitInterval(long end) {
        long length = Math.max(1, end - intervalStart);
        List<Double> util = new ArrayList<>(contexts.length);
        for (ContextServer c : contexts) {
            long busy = intervalBusy[c.index];
            if (c.busy) {
                busy += end - Math.max(c.actionStart, intervalStart);
            }
            util.add(Math.min(1.0, (double) busy / length));
        }
        intervalListener.interval(new Interval(
                intervalIndex++,
                intervalStart,
                end,
                iArrived,
                iDelivered,
                iDropped,
                iErrored,
                intervalLatency.count() == 0 ? -1 : intervalLatency.percentile(99),
                intervalLatency.max(),
                util));
        Arrays.fill(intervalBusy, 0);
        intervalLatency.clear();
        iArrived = 0;
        iDelivered = 0;
        iDropped = 0;
        iErrored = 0;
        intervalStart = end;
    }

    // ---- results -----------------------------------------------------------------------------------

    /** @return the simulation's counters over all guests (as {@link GuestRxSimulation#statistics()}) */
    public SimulationStatistics statistics() {
        return sim.statistics();
    }

    /**
     * @param guest a guest
     * @return its counters
     */
    public SimulationStatistics statistics(int guest) {
        return sim.statistics(guest);
    }

    /** @return every execution context's counters */
    public List<ContextStatistics> contextStatistics() {
        return sim.contextStatistics();
    }

    /** @return the number of guests */
    public int guests() {
        return sim.guests();
    }

    /**
     * @param guest a guest
     * @return its vif (its policy, queues, counters)
     * @throws IndexOutOfBoundsException if there is no such guest
     */
    public io.github.netbackrx.netback.Vif vif(int guest) {
        return sim.vif(guest);
    }

    /** @return the backend */
    public Netback netback() {
        return netback;
    }

    /** @return the backend CPUs the contexts share */
    public int backendCpus() {
        return cpus;
    }

    /** @return the cost model pricing the work */
    public CostModel costs() {
        return costs;
    }

    /**
     * What the run did so far, from the first arrival to {@link #now()}.
     *
     * @return a snapshot (independent of later events)
     */
    public TimedReport report() {
        long start = Math.max(0, firstArrival);
        long window = Math.max(0, now - start);
        List<TimedReport.ContextLoad> loads = new ArrayList<>(contexts.length);
        for (ContextServer c : contexts) {
            long busy = c.busyNanos + (c.busy ? now - c.actionStart : 0);
            ContextStatistics s = netback.contextStatistics(c.index);
            loads.add(new TimedReport.ContextLoad(
                    c.index, s.kind(), busy, c.actions, window == 0 ? 0 : Math.min(1.0, (double) busy / window)));
        }
        List<Double> guestLoad = new ArrayList<>(rings.length);
        for (GuestQueue[] queues : rings) {
            long busy = 0;
            for (GuestQueue q : queues) {
                busy += q.busyNanos;
            }
            guestLoad.add(window == 0 ? 0 : Math.min(1.0, (double) busy / ((double) window * queues.length)));
        }
        List<LatencyHistogram> perGuest = new ArrayList<>(guestLatency.length);
        for (LatencyHistogram h : guestLatency) {
            perGuest.add(h.copy());
        }
        return new TimedReport(
                start,
                now,
                lastDelivery,
                arrived,
                delivered,
                deliveredBytes,
                dropped,
                errored,
                rejected,
                droppedBy,
                rejectedBy,
                latency.copy(),
                perGuest,
                loads,
                guestLoad);
    }

    /** Configures a {@link TimedHost}. */
    public static final class Builder {
        private Consumer<GuestRxSimulation.Builder> simulation = s -> {};
        private CostModel costs = CostModel.DEFAULTS;
        private int backendCpus;
        private long interval;
        private IntervalListener intervalListener;

        private Builder() {}

        /**
         * @param settings applied to the simulation's builder: guests, queues, the backend (profile,
         *     groups), the vifs, the qdisc length, payload-free, the lifecycle listener (default:
         *     nothing, one guest under 2010); not {@code replayable}
         * @return this
         */
        public Builder simulation(Consumer<GuestRxSimulation.Builder> settings) {
            this.simulation = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param model the costs of the work (default {@link CostModel#DEFAULTS})
         * @return this
         */
        public Builder costs(CostModel model) {
            this.costs = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * @param n the backend domain's CPUs that run the contexts' actions, at least 1 (default: one
         *     per execution context, so no context waits for another)
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder backendCpus(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("backendCpus: " + n + ", must be at least 1");
            }
            this.backendCpus = n;
            return this;
        }

        /**
         * Reports a time series: every {@code nanos} of simulated time from 0, the listener is told
         * what happened in that interval ({@link Interval}); the last, partial interval is reported
         * by {@link TimedHost#run()}.
         *
         * @param nanos the interval's length, at least 1
         * @param listener told each interval, in order
         * @return this
         * @throws IllegalArgumentException if {@code nanos} is below 1
         */
        public Builder interval(long nanos, IntervalListener listener) {
            if (nanos < 1) {
                throw new IllegalArgumentException("interval: " + nanos + " ns, must be at least 1");
            }
            this.interval = nanos;
            this.intervalListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the host at time 0, its guests' buffers posted, nothing pending
         * @throws IllegalArgumentException if a setting is out of range or the simulation is replayable
         */
        public TimedHost build() {
            return new TimedHost(this);
        }
    }
}
