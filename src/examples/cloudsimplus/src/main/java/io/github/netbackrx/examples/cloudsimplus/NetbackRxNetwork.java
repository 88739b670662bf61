package io.github.netbackrx.examples.cloudsimplus;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.PacketListener;
import io.github.netbackrx.sim.TimedHost;
import io.github.netbackrx.sim.TimedReport;
import io.github.netbackrx.trace.CaptureLayout;
import io.github.netbackrx.trace.CapturedFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.cloudsimplus.cloudlets.network.CloudletReceiveTask;
import org.cloudsimplus.cloudlets.network.CloudletTask;
import org.cloudsimplus.cloudlets.network.NetworkCloudlet;
import org.cloudsimplus.core.CloudSimEntity;
import org.cloudsimplus.core.CloudSimPlus;
import org.cloudsimplus.core.CloudSimTag;
import org.cloudsimplus.core.events.SimEvent;
import org.cloudsimplus.datacenters.Datacenter;
import org.cloudsimplus.hosts.network.NetworkHost;
import org.cloudsimplus.network.VmPacket;
import org.cloudsimplus.vms.network.NetworkVm;

/**
 * Puts the Xen netback guest-RX path of netback-rx under the VMs of a CloudSim Plus simulation: every
 * packet a {@link NetworkVm} receives passes through the netback-rx {@link TimedHost} of its {@link
 * NetworkHost} (one timed host per host, one guest per VM) and reaches the VM's cloudlets when the
 * model delivers it; a packet the model drops never reaches them, and is counted.
 *
 * <h2>Where it hooks in</h2>
 *
 * CloudSim Plus hands every packet for a VM to that VM's {@code CloudletTaskScheduler} ({@code
 * addPacketToListOfPacketsSentFromVm}): packets from another host after the switches' delay ({@code
 * NetworkHost.receivePackets}), and packets from a VM of the same host straight away ({@code
 * NetworkHost.sendPacketsToLocalVms}). {@link #install(NetworkVm)} gives the VM a {@link
 * NetbackRxTaskScheduler}, which passes each packet to this adapter instead: the packet arrives at
 * the timed host's stack at the simulation's current time. A host is not a CloudSim Plus entity and
 * cannot be woken at a time of its own choosing, so the adapter is one: it schedules an event of its
 * own ({@link #TAG}) at each timed host's {@link TimedHost#nextEventTime()}, advances that host to it
 * ({@link TimedHost#advanceTo(long)}), and hands each delivered packet to the real scheduler; when
 * that (or a loss) lets a waiting receive task finish, it asks the datacenter to update its
 * cloudlets (not at every delivery: see {@code receiverCanFinish}). The model's time is nanoseconds from the start of the
 * simulation; CloudSim Plus's clock is seconds.
 *
 * <h2>What a drop means</h2>
 *
 * CloudSim Plus has no loss: a {@code CloudletReceiveTask} waits for its packets for ever. A packet
 * that netback-rx drops (its queue full, netfront rejecting it, a failed copy) is lost for good; the
 * adapter counts it for the VM ({@link VmTraffic}) and tells a receiving {@link DatagramReceiveTask}
 * that waits for it, which then stops waiting. A plain {@code CloudletReceiveTask} keeps waiting.
 *
 * <h2>What a packet looks like</h2>
 *
 * A {@link VmPacket} has only a size. The adapter makes it one Ethernet frame of that many bytes
 * laid out as a captured frame ({@link CaptureLayout#defaults()}: a 128-byte linear head, 4 KiB page
 * fragments, and segmentation offload for frames above the 1500-byte MTU), carried without its bytes
 * (the timed host is payload-free). A {@code VmPacket} of more than {@value #MAX_PACKET_BYTES} bytes
 * is refused: it must be sent as several packets, as a real stack would segment it.
 *
 * <p>The VMs' guest numbers are fixed when a host's timed host is built, at the first packet for one
 * of its VMs: the installed VMs then placed on that host, in the order they were installed. A VM
 * placed there later (a migration, a late creation) is refused with an exception.
 */
public final class NetbackRxNetwork extends CloudSimEntity {
    /** The tag of the adapter's own events (outside the range of {@link CloudSimTag}'s constants). */
    public static final int TAG = 0x6e62_7278;

    /** The largest {@link VmPacket} one packet can carry: a 64 KiB TSO packet and its Ethernet header. */
    public static final int MAX_PACKET_BYTES = 65_535 + 14;

    private final Consumer<GuestRxSimulation.Builder> backend;
    private final Consumer<TimedHost.Builder> timing;
    // by identity: CloudSim Plus's VMs and hosts change their hash codes when they get a broker
    private final Map<NetworkVm, VmTraffic> traffic = new IdentityHashMap<>();
    private final List<NetworkVm> installed = new ArrayList<>();
    private final Map<NetworkHost, HostModel> hosts = new IdentityHashMap<>();
    private final Map<Long, Skb> layouts = new HashMap<>();
    private final Map<Datacenter, Double> updateRequested = new IdentityHashMap<>();

    /**
     * @param simulation the simulation
     * @param backend the backend of every host ({@code profile}, {@code groups} of {@link
     *     io.github.netbackrx.netback.Netback.Builder}, {@code txQueueLen}, ...); the adapter sets the
     *     number of guests, the payload-free mode and the listener itself
     * @param timing the cost model and the backend CPUs of every host ({@link TimedHost.Builder#costs},
     *     {@link TimedHost.Builder#backendCpus}); not {@code simulation}, which the adapter sets
     */
    public NetbackRxNetwork(
            CloudSimPlus simulation, Consumer<GuestRxSimulation.Builder> backend, Consumer<TimedHost.Builder> timing) {
        super(simulation);
        this.backend = Objects.requireNonNull(backend, "backend");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    /**
     * Makes a VM's received packets pass through netback-rx: gives it a {@link
     * NetbackRxTaskScheduler}. Call it before the VM is submitted (a {@code NetworkHost} only sets a
     * task scheduler of its own on a VM that has none).
     *
     * @param vm the VM
     * @return its traffic counts, updated as the simulation runs
     * @throws IllegalStateException if the VM was installed already
     */
    public VmTraffic install(NetworkVm vm) {
        Objects.requireNonNull(vm, "vm");
        if (traffic.containsKey(vm)) {
            throw new IllegalStateException(vm + " is installed already");
        }
        VmTraffic t = new VmTraffic(vm);
        traffic.put(vm, t);
        installed.add(vm);
        vm.getCloudletScheduler().setTaskScheduler(new NetbackRxTaskScheduler(this));
        return t;
    }

    /**
     * @param vm an installed VM
     * @return its traffic counts
     */
    public VmTraffic traffic(NetworkVm vm) {
        VmTraffic t = traffic.get(vm);
        if (t == null) {
            throw new IllegalArgumentException(vm + " is not installed");
        }
        return t;
    }

    /** @return the traffic counts of every installed VM, in the order they were installed */
    public List<VmTraffic> traffic() {
        return installed.stream().map(traffic::get).toList();
    }

    /**
     * @param host a host
     * @return the report of its timed host so far (latency, throughput, utilisation, drops), or
     *     nothing if none of its VMs received a packet yet
     */
    public Optional<TimedReport> report(NetworkHost host) {
        HostModel h = hosts.get(host);
        return h == null ? Optional.empty() : Optional.of(h.timed.report());
    }

    /**
     * @param host a host
     * @return its timed host, if one of its VMs received a packet yet (to read its counters; do not
     *     send to it or advance it: the adapter does)
     */
    public Optional<TimedHost> timedHost(NetworkHost host) {
        HostModel h = hosts.get(host);
        return h == null ? Optional.empty() : Optional.of(h.timed);
    }

    @Override
    protected void startInternal() {
        // nothing to do until a packet arrives
    }

    @Override
    public void processEvent(SimEvent evt) {
        if (evt.getTag() != TAG) {
            return;
        }
        Wake w = (Wake) evt.getData();
        HostModel h = w.host;
        if (h.wakeAt == w.at) {
            h.wakeAt = TimedHost.NEVER;
        }
        h.advance(Math.max(w.at, h.timed.now()));
    }

    /** The adapter's event: advance {@code host} to {@code at}. */
    private record Wake(HostModel host, long at) {}

    /** A packet handed to the timed host and not yet delivered or dropped. */
    private record InFlight(VmPacket packet, NetbackRxTaskScheduler scheduler, long arrivedAt) {}

    /** Called by a VM's {@link NetbackRxTaskScheduler} for each packet CloudSim Plus gives it. */
    void arrive(NetbackRxTaskScheduler scheduler, VmPacket packet) {
        NetworkVm vm = packet.getDestination();
        VmTraffic t = traffic.get(vm);
        if (t == null) {
            throw new IllegalStateException(vm + " has a netback-rx task scheduler but was not installed");
        }
        Skb skb = layout(packet.getSize());
        HostModel h = hosts.computeIfAbsent(vm.getHost(), HostModel::new);
        Integer guest = h.guests.get(vm);
        if (guest == null) {
            throw new IllegalStateException(vm + " is on " + vm.getHost() + ", whose timed host was built with "
                    + h.guests.size() + " guests before it came: VM placement after the first packet is not modelled");
        }
        long now = Math.max(nanos(getSimulation().clock()), h.timed.now());
        h.advance(now);
        long id = h.timed.send(now, guest, skb);
        h.inFlight.put(id, new InFlight(packet, scheduler, now));
        t.arrived++;
        h.wake();
    }

    /** The layout of a frame of {@code size} bytes, made once per size. */
    private Skb layout(long size) {
        if (size < 1 || size > MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("VmPacket of " + size + " bytes: netback-rx carries a packet of 1 to "
                    + MAX_PACKET_BYTES + " bytes (a 64 KiB TSO packet); send a larger message as several packets");
        }
        return layouts.computeIfAbsent(
                size, s -> CaptureLayout.defaults().toSkb(new CapturedFrame(0, s.intValue(), new byte[s.intValue()])));
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    /** One NetworkHost: its timed host, its guests, the packets in flight. */
    private final class HostModel implements PacketListener {
        final NetworkHost host;
        final Map<NetworkVm, Integer> guests = new IdentityHashMap<>();
        final List<NetworkVm> vms = new ArrayList<>();
        final TimedHost timed;
        final Map<Long, InFlight> inFlight = new HashMap<>();
        final Set<Datacenter> toUpdate = new LinkedHashSet<>();
        long wakeAt = TimedHost.NEVER;

        HostModel(NetworkHost host) {
            this.host = host;
            for (NetworkVm vm : installed) {
                if (vm.getHost() == host) {
                    guests.put(vm, vms.size());
                    vms.add(vm);
                }
            }
            TimedHost.Builder b = TimedHost.builder();
            timing.accept(b);
            this.timed = b.simulation(s -> {
                        backend.accept(s);
                        s.guests(vms.size()).payloadFree(true).listener(this);
                    })
                    .build();
        }

        /** Runs the timed host to {@code time}, then lets the cloudlets see what it delivered. */
        void advance(long time) {
            timed.advanceTo(time);
            double clock = getSimulation().clock();
            for (Datacenter dc : toUpdate) {
                // as CloudletTaskSchedulerSimple does when a task ends: the datacenter updates its
                // cloudlets, and a receiving task takes its packets; once per datacenter and instant
                Double last = updateRequested.get(dc);
                if (last == null || last < clock) {
                    updateRequested.put(dc, clock);
                    dc.schedule(dc, 0, CloudSimTag.VM_UPDATE_CLOUDLET_PROCESSING);
                }
            }
            toUpdate.clear();
            wake();
        }

        /** Makes sure an event of the adapter comes at the timed host's next event. */
        void wake() {
            long next = timed.nextEventTime();
            if (next == TimedHost.NEVER || next >= wakeAt) {
                return;
            }
            wakeAt = next;
            double delay = Math.max(0, next / 1e9 - getSimulation().clock());
            schedule(NetbackRxNetwork.this, delay, TAG, new Wake(this, next));
        }

        @Override
        public void delivered(long id, int guest, ReceivedPacket packet) {
            InFlight f = inFlight.remove(id);
            VmTraffic t = traffic.get(vms.get(guest));
            t.delivered++;
            t.latency.record(timed.now() - f.arrivedAt);
            f.scheduler.deliver(f.packet);
            if (receiverCanFinish(f)) {
                toUpdate.add(host.getDatacenter());
            }
        }

        @Override
        public void dropped(long id, int guest, DropReason reason) {
            lost(id, guest, reason.name());
        }

        @Override
        public void errored(long id, int guest) {
            lost(id, guest, "NETIF_RSP_ERROR");
        }

        @Override
        public void rejected(long id, int guest, RejectReason reason) {
            lost(id, guest, reason.name());
        }

        private void lost(long id, int guest, String reason) {
            InFlight f = inFlight.remove(id);
            VmTraffic t = traffic.get(vms.get(guest));
            t.dropped++;
            t.droppedBy.merge(reason, 1L, Long::sum);
            for (CloudletTask task : f.packet.getReceiverCloudlet().getTasks()) {
                if (task instanceof DatagramReceiveTask d && d.lose(f.packet)) {
                    if (receiverCanFinish(f)) {
                        toUpdate.add(host.getDatacenter());
                    }
                    break;
                }
            }
        }

        /**
         * Whether the receiver of {@code f}'s packet waits in a receive task that the packets handed
         * to its VM so far (or a loss) let finish: only then does the datacenter need to update its
         * cloudlets now. Updating them at every delivery instead would stall the simulation: CloudSim
         * Plus credits a cloudlet with whole MI only ({@code CloudletSchedulerAbstract
         * .updateCloudletProcessing} truncates {@code mips * timeSpan} to a {@code long}) and restarts
         * the time span at each update, so a VM updated every 100 us at 1000 MIPS (0.1 MI each time)
         * never finishes an execution task: its senders stop sending.
         */
        private boolean receiverCanFinish(InFlight f) {
            NetworkCloudlet receiver = f.packet.getReceiverCloudlet();
            if (!(receiver.getCurrentTask().orElse(null) instanceof CloudletReceiveTask r)) {
                return false;
            }
            if (r.isFinished()) {
                return true;
            }
            return r.getPacketsReceived().size() + f.scheduler.waiting(r) >= r.getExpectedPacketsToReceive();
        }
    }

    /** @return e.g. {@code NetbackRxNetwork[4 VMs, 1 hosts]} */
    @Override
    public String toString() {
        return "NetbackRxNetwork[" + traffic.size() + " VMs, " + hosts.size() + " hosts]";
    }
}
