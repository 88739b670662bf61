package io.github.netbackrx.examples.cloudsimplus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.TimedReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adapter's hook: packets between hosts, packets that cannot be one frame. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NetbackRxNetworkTest {
    /** Two hosts of one PE each on one edge switch, a VM on each, a client on the first sending to the second. */
    private static final class TwoHosts {
        final CloudSimPlus sim = new CloudSimPlus(1e-4);
        final NetworkHost first;
        final NetworkHost second;
        final NetworkVm client = new NetworkVm(0, 1000, 1);
        final NetworkVm server = new NetworkVm(1, 1000, 1);
        final NetbackRxNetwork network;
        final DatagramReceiveTask receive;
        final NetworkCloudlet sink;

        TwoHosts(int packets, long bytes) {
            Log.setLevel(Level.WARN);
            first = host();
            second = host();
            NetworkDatacenter dc = new NetworkDatacenter(sim, List.of(first, second));
            EdgeSwitch edge = new EdgeSwitch(sim, dc);
            dc.addSwitch(edge);
            edge.connectHost(first);
            edge.connectHost(second);
            network = new NetbackRxNetwork(sim, s -> s.backend(n -> n.profile(EngineProfile.LINUX_2010)), t -> {});
            DatacenterBroker broker = new DatacenterBrokerSimple(sim);
            for (NetworkVm v : List.of(client, server)) {
                v.setRam(512).setBw(1000).setSize(1000);
                network.install(v);
            }
            broker.submitVmList(List.of(client, server));
            sink = new NetworkCloudlet(1, 1);
            sink.setVm(server);
            sink.setBroker(broker);
            receive = new DatagramReceiveTask(0, client, packets);
            sink.addTask(receive);
            sink.addTask(new CloudletExecutionTask(1, 1));
            NetworkCloudlet source = new NetworkCloudlet(0, 1);
            source.setVm(client);
            source.setBroker(broker);
            source.addTask(new CloudletExecutionTask(0, 10));
            CloudletSendTask send = new CloudletSendTask(1);
            source.addTask(send);
            for (int i = 0; i < packets; i++) {
                send.addPacket(sink, bytes);
            }
            broker.submitCloudletList(List.of(source, sink));
        }

        private static NetworkHost host() {
            List<Pe> pes = new ArrayList<>();
            pes.add(new PeSimple(1000));
            return new NetworkHost(2048, 100_000, 100_000, pes);
        }
    }

    @Test
    void packetsFromAnotherHostPassThroughTheReceivingHostsModel() {
        TwoHosts t = new TwoHosts(30, 9000);
        t.sim.start();
        // the VMs landed on different hosts (one PE each), so the packets crossed the edge switch
        assertThat(t.client.getHost()).isSameAs(t.first);
        assertThat(t.server.getHost()).isSameAs(t.second);
        TimedReport r = t.network.report(t.second).orElseThrow();
        assertThat(r.arrived()).isEqualTo(30);
        assertThat(r.delivered()).isEqualTo(30);
        assertThat(t.network.traffic(t.server).delivered()).isEqualTo(30);
        assertThat(t.network.traffic(t.server).latency().count()).isEqualTo(30);
        assertThat(t.network.report(t.first)).isEmpty();
        assertThat(t.receive.getPacketsReceived()).hasSize(30);
        assertThat(t.sink.isFinished()).isTrue();
        // every packet reached the sink no earlier than the model delivered it
        long minLatency = t.network.traffic(t.server).latency().min();
        assertThat(minLatency).isPositive();
        t.receive
                .getPacketsReceived()
                .forEach(
                        p -> assertThat(p.getReceiveTime() - p.getSendTime()).isGreaterThanOrEqualTo(minLatency / 1e9));
    }

    @Test
    void aPacketLargerThanOneTsoPacketIsRefused() {
        TwoHosts t = new TwoHosts(1, NetbackRxNetwork.MAX_PACKET_BYTES + 1);
        assertThatThrownBy(t.sim::start)
                .hasStackTraceContaining("VmPacket of " + (NetbackRxNetwork.MAX_PACKET_BYTES + 1) + " bytes")
                .hasStackTraceContaining("send a larger message as several packets");
    }

    @Test
    void aVmIsInstalledOnce() {
        TwoHosts t = new TwoHosts(1, 100);
        assertThatThrownBy(() -> t.network.install(t.client))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("installed already");
    }
}
