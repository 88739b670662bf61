package io.github.netbackrx.examples.cloudsimplus;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.cloudsimplus.cloudlets.network.CloudletReceiveTask;
import org.cloudsimplus.cloudlets.network.CloudletTask;
import org.cloudsimplus.cloudlets.network.NetworkCloudlet;
import org.cloudsimplus.network.VmPacket;
import org.cloudsimplus.schedulers.cloudlet.network.CloudletTaskSchedulerSimple;
import org.cloudsimplus.vms.Vm;

/**
 * A VM's task scheduler whose received packets go through netback-rx first: CloudSim Plus's {@code
 * addPacketToListOfPacketsSentFromVm} (which it calls for every packet to the VM, from another host
 * or the same one) hands the packet to the {@link NetbackRxNetwork}; the cloudlets see it only when
 * the adapter {@link #deliver delivers} it at the model's delivery time. Everything else is CloudSim
 * Plus's {@link CloudletTaskSchedulerSimple}. Installed by {@link NetbackRxNetwork#install}.
 */
public final class NetbackRxTaskScheduler extends CloudletTaskSchedulerSimple {
    private final NetbackRxNetwork network;
    // packets delivered, per receiver cloudlet and source VM (by identity, as CloudSim Plus's hash
    // codes change)
    private final Map<NetworkCloudlet, Map<Vm, Long>> delivered = new IdentityHashMap<>();

    NetbackRxTaskScheduler(NetbackRxNetwork network) {
        this.network = Objects.requireNonNull(network, "network");
    }

    /**
     * Hands the packet to netback-rx instead of the VM's cloudlets.
     *
     * @param packet a packet for this scheduler's VM
     * @return {@code true}: the packet was taken (it may still be dropped by the model)
     */
    @Override
    public boolean addPacketToListOfPacketsSentFromVm(VmPacket packet) {
        network.arrive(this, packet);
        return true;
    }

    /** The model delivered the packet: the VM's cloudlets may take it now. */
    void deliver(VmPacket packet) {
        delivered
                .computeIfAbsent(packet.getReceiverCloudlet(), c -> new IdentityHashMap<>())
                .merge(packet.getSource(), 1L, Long::sum);
        super.addPacketToListOfPacketsSentFromVm(packet);
    }

    /**
     * @param task a receive task of a cloudlet on this scheduler's VM
     * @return the packets from the task's source VM delivered to its cloudlet and not yet taken by
     *     any of the cloudlet's receive tasks (CloudSim Plus moves them into a task at its next
     *     update of the VM's cloudlets)
     */
    long waiting(CloudletReceiveTask task) {
        NetworkCloudlet cloudlet = task.getCloudlet();
        Map<Vm, Long> bySource = delivered.get(cloudlet);
        long n = bySource == null ? 0 : bySource.getOrDefault(task.getSourceVm(), 0L);
        for (CloudletTask t : cloudlet.getTasks()) {
            if (t instanceof CloudletReceiveTask r && r.getSourceVm() == task.getSourceVm()) {
                n -= r.getPacketsReceived().size();
            }
        }
        return n;
    }
}
