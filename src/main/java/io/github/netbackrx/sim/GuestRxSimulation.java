package io.github.netbackrx.sim;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotEstimator;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.Vif;
import io.github.netbackrx.netback.VifListener;
import io.github.netbackrx.netfront.GuestKernel;
import io.github.netbackrx.netfront.Netfront;
import io.github.netbackrx.netfront.NetfrontListener;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole guest-RX path wired together, for simulators (a CloudSim Plus or PeerSim adapter) and
 * tests: a {@link Hypervisor} with the backend domain 0, the guest domain 1 and a peer domain 2
 * (source of foreign fragments), the RX ring, an event channel, a {@link Vif} and a {@link
 * Netfront}; netfront posts its buffers at construction.
 *
 * <p>{@link #send} puts a packet in a host-side backlog (the qdisc): packets wait there while the
 * vif's queue is stopped, so flow control loses nothing. {@link #step()} is one round: notify
 * events to the backend are delivered ({@code netif_be_int}), the backlog feeds {@code startXmit}
 * while the queue runs, {@code net_rx_action} runs until it has nothing more to put on the ring,
 * the guest takes its event and polls (consuming and refilling), and the backend takes the
 * guest's event. {@link #drain()} steps until nothing changes. Every packet netfront accepts is
 * compared with what was sent: bytes, GSO size and type, and checksum state (a GSO packet reaches
 * the guest as PARTIAL).
 *
 * <p>Deterministic: no randomness, threads or clock. {@link #copy()} gives an independent copy
 * of the whole state by replaying the recorded inputs on a fresh simulation; it needs {@link
 * Builder#replayable(boolean) replayable(true)}, which keeps every input (and so memory grows with
 * the run).
 */
public final class GuestRxSimulation {
    /** Domain id of the backend (driver domain). */
    public static final int BACKEND_DOMID = 0;
    /** Domain id of the guest. */
    public static final int GUEST_DOMID = 1;
    /** Domain id of the peer whose pages foreign fragments are. */
    public static final int PEER_DOMID = 2;

    private final Builder config;
    private final Hypervisor hypervisor = new Hypervisor();
    private final Domain backend;
    private final Domain guest;
    private final RxRing.BackRing back;
    private final EventChannel channel;
    private final Vif vif;
    private final Netfront netfront;

    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    private final Map<Long, Pending> queued = new HashMap<>();
    private final ArrayDeque<Pending> onRing = new ArrayDeque<>();
    private final List<ReceivedPacket> received = new ArrayList<>();
    private final List<Object[]> history = new ArrayList<>();

    private long nextId;
    private long delivered;
    private long deliveredBytes;
    private long mismatched;
    private long dropped;
    private long errored;

    private GuestRxSimulation(Builder b) {
        this.config = b.copyOf();
        backend = hypervisor.createDomain(BACKEND_DOMID);
        guest = hypervisor.createDomain(GUEST_DOMID, b.grantTableSize);
        Domain peer = hypervisor.createDomain(PEER_DOMID);
        RxRing ring = RxRing.startingAt(b.ringStartIndex);
        back = ring.attachBack(b.ringStartIndex);
        channel = hypervisor.bindInterdomain(backend, guest);
        Vif.Builder vb = Vif.builder(hypervisor, backend, GUEST_DOMID, back, channel.first())
                .peer(peer)
                .profile(b.profile)
                .mtu(b.mtu)
                .rxQueueMax(b.rxQueueMax);
        if (b.policy != null) {
            vb.policy(b.policy);
        }
        if (b.estimator != null) {
            vb.estimator(b.estimator);
        }
        if (b.maxSkbFrags != 0) {
            vb.maxSkbFrags(b.maxSkbFrags);
        }
        if (b.copyOpArraySize != 0) {
            vb.copyOpArraySize(b.copyOpArraySize);
        }
        vif = vb.listener(new VifListener() {
                    @Override
                    public void responded(long tag, boolean error, int slots) {
                        Pending p = queued.remove(tag);
                        if (slots == 0) {
                            // answered with no response at all (FreeBSD's 16-bit size wrapped to 0):
                            // the guest never sees it
                            dropped++;
                            return;
                        }
                        p.error = error;
                        onRing.addLast(p);
                    }

                    @Override
                    public void dropped(long tag, DropReason reason) {
                        queued.remove(tag);
                        dropped++;
                    }
                })
                .build();
        netfront = new Netfront(
                guest,
                BACKEND_DOMID,
                ring.attachFront(b.ringStartIndex),
                channel.second(),
                new NetfrontListener() {
                    @Override
                    public void received(ReceivedPacket packet) {
                        accept(packet);
                    }

                    @Override
                    public void rejected(RejectReason reason) {
                        Pending p = onRing.pollFirst();
                        if (p != null && p.error) {
                            errored++;
                        } else {
                            dropped++;
                        }
                    }
                },
                b.guest);
        netfront.refill();
    }

    /** @return a builder with the defaults (2010 profile with coalesce, ring index 0, MTU 1500) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Hands a packet to the host stack for the guest; it waits in the backlog until the vif's
     * queue runs.
     *
     * @param skb the packet's layout
     * @param data its bytes ({@code skb.length()} of them; copied)
     * @return the packet's number (0, 1, 2, ...)
     * @throws IllegalArgumentException if {@code data} does not hold {@code skb.length()} bytes
     */
    public long send(Skb skb, byte[] data) {
        Objects.requireNonNull(skb, "skb");
        if (data.length != skb.length()) {
            throw new IllegalArgumentException(
                    "send: " + data.length + " data bytes for a packet of length " + skb.length());
        }
        byte[] copy = data.clone();
        record("send", skb, copy);
        long id = nextId++;
        backlog.addLast(new Pending(id, skb, copy));
        return id;
    }

    /**
     * One round (see the class comment).
     *
     * @return the number of packets delivered in this round
     */
    public int step() {
        record("step");
        long before = delivered;
        if (channel.first().takePending()) {
            vif.frontendEvent();
        }
        while (!backlog.isEmpty() && (!vif.queueStopped() || vif.disabledBy().isPresent())) {
            Pending p = backlog.pollFirst();
            queued.put(p.id, p);
            vif.startXmit(p.skb, p.data, p.id);
        }
        while (vif.rxAction() > 0) {
            // net_rx_action reschedules itself while packets remain and fit
        }
        if (channel.second().takePending()) {
            netfront.poll();
        }
        netfront.refill();
        if (channel.first().takePending()) {
            vif.frontendEvent();
        }
        return (int) (delivered - before);
    }

    /**
     * Steps until a round changes nothing (everything delivered, or stuck, e.g. while the guest
     * does not post).
     *
     * @return the number of rounds run
     */
    public int drain() {
        int rounds = 0;
        long last = -1;
        while (true) {
            step();
            rounds++;
            long now = progress();
            if (now == last) {
                return rounds;
            }
            last = now;
        }
    }

    private long progress() {
        return delivered * 31
                + dropped * 17
                + errored * 13
                + backlog.size() * 7
                + queued.size() * 3
                + onRing.size()
                + vif.statistics().slotsUsed() * 101
                + netfront.statistics().requestsPosted() * 103;
    }

    /**
     * @return the packets delivered since the last call, in order (only kept with {@link
     *     Builder#keepReceived(boolean) keepReceived(true)}, the default)
     */
    public List<ReceivedPacket> takeReceived() {
        List<ReceivedPacket> out = List.copyOf(received);
        received.clear();
        return out;
    }

    /** @return combined counters */
    public SimulationStatistics statistics() {
        return new SimulationStatistics(
                nextId,
                delivered,
                deliveredBytes,
                mismatched,
                dropped,
                errored,
                backlog.size() + queued.size() + onRing.size(),
                vif.statistics(),
                netfront.statistics());
    }

    /** @return the backend's vif */
    public Vif vif() {
        return vif;
    }

    /** @return the guest's netfront */
    public Netfront netfront() {
        return netfront;
    }

    /** @return the host */
    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** @return packets waiting in the host backlog */
    public int backlog() {
        return backlog.size();
    }

    // ---- faults (recorded, so copies replay them) ----------------------------------------------

    /** The guest stops posting buffers. */
    public void stopGuestPosting() {
        record("stop");
        netfront.faults().stopPosting();
    }

    /** The guest posts buffers again (from the next round). */
    public void resumeGuestPosting() {
        record("resume");
        netfront.faults().resumePosting();
    }

    /** The guest revokes the grant of the next request the backend will consume. */
    public void revokeNextGrant() {
        record("revoke");
        netfront.faults().revokeGrant(back.reqCons());
    }

    /** The guest replaces the next request's grant by a read-only one. */
    public void readOnlyNextGrant() {
        record("readonly");
        netfront.faults().makeGrantReadOnly(back.reqCons());
    }

    /** The guest grants the next request's buffer to a domain other than the backend. */
    public void wrongDomainNextGrant() {
        record("wrongdomain");
        netfront.faults().grantToWrongDomain(back.reqCons(), PEER_DOMID);
    }

    /** The guest puts a grant reference beyond its table in the next request. */
    public void grefBeyondTableNextGrant() {
        record("beyond");
        netfront.faults().setGrefBeyondTable(back.reqCons());
    }

    /**
     * The guest writes an arbitrary {@code req_prod}.
     *
     * @param value the value
     */
    public void writeReqProd(int value) {
        record("reqprod", value);
        netfront.faults().writeReqProd(value);
    }

    /** @return the index of the next request the backend will consume ({@code req_cons}) */
    public int nextRequestIndex() {
        return back.reqCons();
    }

    /**
     * An independent copy of the whole state, made by replaying every recorded input on a fresh
     * simulation with the same configuration (deterministic, so the copy is exact).
     *
     * @return the copy
     * @throws IllegalStateException if the simulation was not built {@code replayable(true)}
     */
    public GuestRxSimulation copy() {
        if (!config.replayable) {
            throw new IllegalStateException("copy: build the simulation with replayable(true) to record its inputs");
        }
        GuestRxSimulation c = new GuestRxSimulation(config);
        for (Object[] h : history) {
            switch ((String) h[0]) {
                case "send" -> c.send((Skb) h[1], (byte[]) h[2]);
                case "step" -> c.step();
                case "stop" -> c.stopGuestPosting();
                case "resume" -> c.resumeGuestPosting();
                case "revoke" -> c.revokeNextGrant();
                case "readonly" -> c.readOnlyNextGrant();
                case "wrongdomain" -> c.wrongDomainNextGrant();
                case "beyond" -> c.grefBeyondTableNextGrant();
                default -> c.writeReqProd((Integer) h[1]);
            }
        }
        c.received.clear();
        c.received.addAll(received);
        return c;
    }

    private void record(Object... entry) {
        if (config.replayable) {
            history.add(entry);
        }
    }

    private void accept(ReceivedPacket packet) {
        Pending p = onRing.pollFirst();
        delivered++;
        deliveredBytes += packet.length();
        if (p == null || !matches(p, packet)) {
            mismatched++;
        }
        if (config.keepReceived) {
            received.add(packet);
        }
    }

    private boolean matches(Pending p, ReceivedPacket r) {
        ChecksumState expected =
                p.skb.hasGso() && netfront.kernel() == GuestKernel.CURRENT ? ChecksumState.PARTIAL : p.skb.checksum();
        if (expected == ChecksumState.UNNECESSARY && vif.policy() == PackingPolicy.FREEBSD) {
            // xnb_mbufc2pkt sets data_validated only together with csum_blank, for CSUM_DELAY_DATA
            expected = ChecksumState.NONE;
        }
        return r.contentEquals(p.data)
                && r.gsoSize() == p.skb.gsoSize()
                && r.gsoType() == p.skb.gsoType()
                && r.checksum() == expected;
    }

    private static final class Pending {
        final long id;
        final Skb skb;
        final byte[] data;
        boolean error;

        Pending(long id, Skb skb, byte[] data) {
            this.id = id;
            this.skb = skb;
            this.data = data;
        }
    }

    /** Configures a {@link GuestRxSimulation}. */
    public static final class Builder {
        private EngineProfile profile = EngineProfile.LINUX_2010;
        private PackingPolicy policy;
        private SlotEstimator estimator;
        private int rxQueueMax = KernelLimits.RX_QUEUE_MAX_DEFAULT;
        private int ringStartIndex;
        private int mtu = 1500;
        private int grantTableSize = Hypervisor.DEFAULT_NR_GRANT_ENTRIES;
        private int maxSkbFrags;
        private int copyOpArraySize;
        private boolean replayable;
        private boolean keepReceived = true;
        private GuestKernel guest = GuestKernel.CURRENT;

        private Builder() {}

        private Builder copyOf() {
            Builder b = new Builder();
            b.profile = profile;
            b.policy = policy;
            b.estimator = estimator;
            b.rxQueueMax = rxQueueMax;
            b.ringStartIndex = ringStartIndex;
            b.mtu = mtu;
            b.grantTableSize = grantTableSize;
            b.maxSkbFrags = maxSkbFrags;
            b.copyOpArraySize = copyOpArraySize;
            b.replayable = replayable;
            b.keepReceived = keepReceived;
            b.guest = guest;
            return b;
        }

        /**
         * @param p the vif's engine profile (default {@link EngineProfile#LINUX_2010})
         * @return this
         */
        public Builder profile(EngineProfile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            return this;
        }

        /**
         * @param e the estimate the engine reserves or checks (default the profile's)
         * @return this
         */
        public Builder estimator(SlotEstimator e) {
            this.estimator = Objects.requireNonNull(e, "estimator");
            return this;
        }

        /**
         * @param bytes {@code rx_queue_max} of the {@code rx.c} profile (default {@link
         *     io.github.netbackrx.core.KernelLimits#RX_QUEUE_MAX_DEFAULT})
         * @return this
         */
        public Builder rxQueueMax(int bytes) {
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
         * @param index the ring's starting {@code RING_IDX} (default 0; near 2^32 to test the wrap)
         * @return this
         */
        public Builder ringStartIndex(int index) {
            this.ringStartIndex = index;
            return this;
        }

        /**
         * @param m the vif's MTU (default 1500)
         * @return this
         */
        public Builder mtu(int m) {
            this.mtu = m;
            return this;
        }

        /**
         * @param n the guest's grant-table size (default 1024; at least 256 + the faults' extra grants)
         * @return this
         */
        public Builder grantTableSize(int n) {
            this.grantTableSize = n;
            return this;
        }

        /**
         * @param n {@code MAX_SKB_FRAGS} (default the profile's: 18 for 2010, 17 later)
         * @return this
         */
        public Builder maxSkbFrags(int n) {
            this.maxSkbFrags = n;
            return this;
        }

        /**
         * @param n the vif's copy-op array size (default the profile's)
         * @return this
         */
        public Builder copyOpArraySize(int n) {
            this.copyOpArraySize = n;
            return this;
        }

        /**
         * @param k the guest's kernel, whose netfront limits apply (default {@link GuestKernel#CURRENT})
         * @return this
         */
        public Builder guest(GuestKernel k) {
            this.guest = Objects.requireNonNull(k, "guest");
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

        /**
         * @param k whether to keep delivered packets for {@link GuestRxSimulation#takeReceived()}
         *     (default true; turn off for long runs)
         * @return this
         */
        public Builder keepReceived(boolean k) {
            this.keepReceived = k;
            return this;
        }

        /**
         * @return the simulation, with netfront's buffers posted
         * @throws IllegalArgumentException if a setting is out of range
         */
        public GuestRxSimulation build() {
            return new GuestRxSimulation(this);
        }
    }
}
