package io.github.netbackrx.examples.cloudsimplus;

import ch.qos.logback.classic.Level;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.LatencyHistogram;
import io.github.netbackrx.sim.TimedReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cloudsimplus.brokers.DatacenterBroker;
import org.cloudsimplus.brokers.DatacenterBrokerSimple;
import org.cloudsimplus.cloudlets.network.CloudletExecutionTask;
import org.cloudsimplus.cloudlets.network.CloudletSendTask;
import org.cloudsimplus.cloudlets.network.NetworkCloudlet;
import org.cloudsimplus.core.CloudSimPlus;
import org.cloudsimplus.datacenters.network.NetworkDatacenter;
import org.cloudsimplus.hosts.network.NetworkHost;
import org.cloudsimplus.network.switches.EdgeSwitch;
import org.cloudsimplus.resources.Pe;
import org.cloudsimplus.resources.PeSimple;
import org.cloudsimplus.util.Log;
import org.cloudsimplus.vms.network.NetworkVm;

/**
 * The noisy-neighbour scenario: one CloudSim Plus host, four VMs. A quiet VM receives a few MTU
 * frames every tick from its client VM; a noisy VM receives bursts of 64 KiB TSO packets from its
 * client VM, a bigger burst each run. Every packet goes through netback-rx ({@link
 * NetbackRxNetwork}). With the 2010 backend both VMs share one group (one {@code net_rx_action}),
 * so the quiet VM's frames queue behind the noisy VM's bursts: their latency rises with the burst
 * until the noisy VM's ring is full (about 14 packets of 18 slots each in its 256). From then on
 * the noisy vif's {@code start_xmit} stops its queue, the rest of a burst waits in its qdisc (32
 * packets), which the quiet frames do not queue behind, so their latency stays there; and what does
 * not fit in the qdisc is dropped. With 3.14's thread per vif (and a backend CPU per thread) the
 * quiet VM is untouched.
 *
 * <p>Run: {@code mvn -q compile exec:java} in this directory, or {@code mvn -q compile exec:java
 * -Dexec.args="3.14"} for a generation (src/examples/README.md).
 */
public final class NoisyNeighbour {
    /** A full-MTU Ethernet frame. */
    static final int MTU_FRAME = 1514;

    /** A 64 KiB TSO packet with its Ethernet header: the largest the adapter carries. */
    static final int TSO_PACKET = NetbackRxNetwork.MAX_PACKET_BYTES;

    /** The sender cloudlets' tick: an execution task of this many MI on a 1000-MIPS PE, 10 ms. */
    static final long TICK_MI = 10;

    private NoisyNeighbour() {}

    /**
     * One run's settings.
     *
     * @param profile the backend's generation
     * @param groups its groups (2010) or ignored (one context per vif later)
     * @param ticks how many ticks each sender runs
     * @param quietPerTick MTU frames the quiet VM receives per tick
     * @param noisyPerTick TSO packets the noisy VM receives per tick (0: the noisy client stays silent)
     */
    public record Config(EngineProfile profile, int groups, int ticks, int quietPerTick, int noisyPerTick) {
        /** @return the noisy VM's offered rate in packets per second (a tick is 10 ms) */
        public double noisyPps() {
            return noisyPerTick * 1000.0 / TICK_MI;
        }
    }

    /**
     * What one run measured.
     *
     * @param config the settings
     * @param quiet the quiet VM's traffic
     * @param noisy the noisy VM's traffic
     * @param report the host's timed report
     * @param quietLost packets its receive task gave up on (dropped)
     * @param cloudlets the cloudlets that ran (two per client that sent something)
     * @param finishedCloudlets those that finished (all, when no receiver waited in vain)
     * @param clock the simulation's end time in seconds
     */
    public record Result(
            Config config,
            VmTraffic quiet,
            VmTraffic noisy,
            TimedReport report,
            long quietLost,
            int cloudlets,
            int finishedCloudlets,
            double clock) {}

    /**
     * Runs one scenario.
     *
     * @param c the settings
     * @return what it measured
     */
    public static Result run(Config c) {
        Log.setLevel(Level.WARN);
        CloudSimPlus sim = new CloudSimPlus(1e-4);
        List<Pe> pes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pes.add(new PeSimple(1000));
        }
        NetworkHost host = new NetworkHost(65_536, 10_000_000, 1_000_000, pes);
        NetworkDatacenter dc = new NetworkDatacenter(sim, List.of(host));
        EdgeSwitch edge = new EdgeSwitch(sim, dc);
        dc.addSwitch(edge);
        edge.connectHost(host);

        NetbackRxNetwork network = new NetbackRxNetwork(
                sim, s -> s.backend(n -> n.profile(c.profile()).groups(c.groups())), t -> {});
        DatacenterBroker broker = new DatacenterBrokerSimple(sim);

        // the noisy client comes first: at a tick its burst reaches the host before the quiet frames
        NetworkVm noisyClient = vm(0);
        NetworkVm quietClient = vm(1);
        NetworkVm noisy = vm(2);
        NetworkVm quiet = vm(3);
        List<NetworkVm> vms = List.of(noisyClient, quietClient, noisy, quiet);
        for (NetworkVm v : vms) {
            network.install(v);
        }
        broker.submitVmList(vms);

        List<NetworkCloudlet> cloudlets = new ArrayList<>();
        DatagramReceiveTask quietReceive =
                pair(quietClient, quiet, broker, c.ticks(), c.quietPerTick(), MTU_FRAME, cloudlets);
        pair(noisyClient, noisy, broker, c.ticks(), c.noisyPerTick(), TSO_PACKET, cloudlets);
        broker.submitCloudletList(cloudlets);
        // a receiver waiting for a packet the model neither delivered nor dropped would keep CloudSim
        // Plus updating for ever: stop one simulated second after the last tick in any case (the
        // result then shows the packets still in flight and the cloudlets that did not finish)
        sim.terminateAt(c.ticks() * (TICK_MI / 1000.0 + 0.0101) + 1);
        sim.start();
        int finished =
                (int) cloudlets.stream().filter(NetworkCloudlet::isFinished).count();
        return new Result(
                c,
                network.traffic(quiet),
                network.traffic(noisy),
                network.report(host).orElseThrow(),
                quietReceive == null ? 0 : quietReceive.lost(),
                cloudlets.size(),
                finished,
                sim.clock());
    }

    private static NetworkVm vm(int id) {
        NetworkVm v = new NetworkVm(id, 1000, 1);
        v.setRam(1024).setBw(1000).setSize(10_000);
        return v;
    }

    /** A cloudlet on {@code vm}, bound to it (CloudSim Plus wants the broker set to add packets). */
    private static NetworkCloudlet cloudlet(NetworkVm vm, DatacenterBroker broker) {
        NetworkCloudlet c = new NetworkCloudlet((int) vm.getId(), 1);
        c.setVm(vm);
        c.setBroker(broker);
        return c;
    }

    /**
     * A client cloudlet on {@code client} that, every tick, works a tick and then sends {@code perTick}
     * packets of {@code bytes} to a sink cloudlet on {@code server}, which receives them as datagrams.
     * Nothing when {@code perTick} is 0.
     *
     * @return the sink's receive task, or {@code null} if there is none
     */
    private static DatagramReceiveTask pair(
            NetworkVm client,
            NetworkVm server,
            DatacenterBroker broker,
            int ticks,
            int perTick,
            int bytes,
            List<NetworkCloudlet> cloudlets) {
        if (perTick == 0) {
            return null;
        }
        NetworkCloudlet sink = cloudlet(server, broker);
        DatagramReceiveTask receive = new DatagramReceiveTask(0, client, (long) ticks * perTick);
        sink.addTask(receive);
        // then a little work on what arrived (a cloudlet ends when its execution tasks are done)
        sink.addTask(new CloudletExecutionTask(1, 1));
        cloudlets.add(sender(client, broker, sink, ticks, perTick, bytes));
        cloudlets.add(sink);
        return receive;
    }

    /** A client: every tick, a tick of work and then {@code perTick} packets of {@code bytes} to {@code sink}. */
    private static NetworkCloudlet sender(
            NetworkVm vm, DatacenterBroker broker, NetworkCloudlet sink, int ticks, int perTick, int bytes) {
        NetworkCloudlet c = cloudlet(vm, broker);
        int id = 0;
        for (int t = 0; t < ticks; t++) {
            c.addTask(new CloudletExecutionTask(id++, TICK_MI));
            CloudletSendTask send = new CloudletSendTask(id++);
            c.addTask(send);
            for (int p = 0; p < perTick; p++) {
                send.addPacket(sink, bytes);
            }
        }
        return c;
    }

    /** The noisy VM's packets per tick in the runs of {@link #main}: 0 to 16,000 packets per second. */
    static final int[] NOISY_PER_TICK = {0, 2, 5, 10, 20, 40, 80, 160};

    /** Ticks per run of {@link #main}. */
    static final int TICKS = 20;

    /** MTU frames per tick to the quiet VM. */
    static final int QUIET_PER_TICK = 2;

    /**
     * Prints, for each noisy rate, the quiet VM's latency and drops and the noisy VM's deliveries and
     * drops: with the 2010 backend (both VMs in one group) and with 3.14's thread per vif, or with the
     * generations given.
     *
     * @param args generation labels ({@code 2010}, {@code 3.13}, {@code 3.14}, {@code rx.c}, {@code
     *     freebsd}); default {@code 2010 3.14}
     */
    public static void main(String[] args) {
        List<EngineProfile> profiles = new ArrayList<>();
        for (String a : args.length > 0 ? args : new String[] {"2010", "3.14"}) {
            profiles.add(EngineProfile.fromLabel(a));
        }
        System.out.printf(
                Locale.ROOT,
                "netback-rx under CloudSim Plus: one host, four VMs; every %d ms the quiet VM receives %d MTU frames"
                        + " and the noisy VM a burst of 64 KiB packets; %d ticks%n",
                TICK_MI,
                QUIET_PER_TICK,
                TICKS);
        for (EngineProfile profile : profiles) {
            System.out.printf(
                    Locale.ROOT,
                    "%n%s backend (%s)%n",
                    profile.label(),
                    profile == EngineProfile.LINUX_2010 ? "one group for all VIFs" : "its own execution contexts");
            System.out.printf(
                    Locale.ROOT,
                    "%9s | %8s %9s %9s %9s %5s | %8s %8s %6s | %15s | %s%n",
                    "noisy pps",
                    "quiet rx",
                    "p50 us",
                    "p99 us",
                    "max us",
                    "lost",
                    "noisy rx",
                    "dropped",
                    "drop%",
                    "busiest context",
                    "cloudlets done");
            for (int perTick : NOISY_PER_TICK) {
                Result r = run(new Config(profile, 1, TICKS, QUIET_PER_TICK, perTick));
                LatencyHistogram q = r.quiet().latency();
                double busiest = r.report().utilisation().stream()
                        .mapToDouble(Double::doubleValue)
                        .max()
                        .orElse(0);
                System.out.printf(
                        Locale.ROOT,
                        "%9.0f | %8d %9.1f %9.1f %9.1f %5d | %8d %8d %5.1f%% | %14.1f%% | %d/%d%n",
                        r.config().noisyPps(),
                        r.quiet().delivered(),
                        q.percentile(50) / 1e3,
                        q.percentile(99) / 1e3,
                        q.max() / 1e3,
                        r.quiet().dropped(),
                        r.noisy().delivered(),
                        r.noisy().dropped(),
                        r.noisy().arrived() == 0
                                ? 0
                                : 100.0 * r.noisy().dropped() / r.noisy().arrived(),
                        100 * busiest,
                        r.finishedCloudlets(),
                        r.cloudlets());
            }
        }
    }
}
