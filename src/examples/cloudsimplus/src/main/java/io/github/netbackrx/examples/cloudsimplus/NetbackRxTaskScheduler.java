package io.github.netbackrx.examples.cloudsimplus;

import java.util.Objects;
import org.cloudsimplus.network.VmPacket;
import org.cloudsimplus.schedulers.cloudlet.network.CloudletTaskSchedulerSimple;

/**
 * A VM's task scheduler whose received packets go through netback-rx first: CloudSim Plus's {@code
 * addPacketToListOfPacketsSentFromVm} (which it calls for every packet to the VM, from another host
 * or the same one) hands the packet to the {@link NetbackRxNetwork}; the cloudlets see it only when
 * the adapter {@link #deliver delivers} it at the model's delivery time. Everything else is CloudSim
 * Plus's {@link CloudletTaskSchedulerSimple}. Installed by {@link NetbackRxNetwork#install}.
 */
public final class NetbackRxTaskScheduler extends CloudletTaskSchedulerSimple {
    private final NetbackRxNetwork network;

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
        super.addPacketToListOfPacketsSentFromVm(packet);
    }
}
