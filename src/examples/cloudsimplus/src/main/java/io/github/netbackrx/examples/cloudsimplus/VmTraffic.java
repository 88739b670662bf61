package io.github.netbackrx.examples.cloudsimplus;

import io.github.netbackrx.sim.LatencyHistogram;
import java.util.Map;
import java.util.TreeMap;
import org.cloudsimplus.vms.network.NetworkVm;

/**
 * What one VM received through netback-rx: packets that arrived at its host's stack, were
 * delivered to it, or were dropped (by reason), and the latency of the delivered ones (arrival at
 * the host to delivery to the VM's netfront, in nanoseconds). Updated by the {@link
 * NetbackRxNetwork} as the simulation runs.
 */
public final class VmTraffic {
    private final NetworkVm vm;
    long arrived;
    long delivered;
    long dropped;
    final Map<String, Long> droppedBy = new TreeMap<>();
    final LatencyHistogram latency = new LatencyHistogram();

    VmTraffic(NetworkVm vm) {
        this.vm = vm;
    }

    /** @return the VM */
    public NetworkVm vm() {
        return vm;
    }

    /** @return packets for the VM that reached its host */
    public long arrived() {
        return arrived;
    }

    /** @return packets delivered to the VM */
    public long delivered() {
        return delivered;
    }

    /** @return packets dropped on the way (the sum of {@link #droppedBy()}) */
    public long dropped() {
        return dropped;
    }

    /** @return drops by reason: a netback-rx {@code DropReason} or {@code RejectReason} name, or {@code NETIF_RSP_ERROR} */
    public Map<String, Long> droppedBy() {
        return Map.copyOf(droppedBy);
    }

    /** @return the latency of the delivered packets (a copy) */
    public LatencyHistogram latency() {
        return latency.copy();
    }

    /** @return e.g. {@code Vm 2: arrived 100, delivered 98, dropped 2, latency p50 6100 ns} */
    @Override
    public String toString() {
        return "Vm " + vm.getId() + ": arrived " + arrived + ", delivered " + delivered + ", dropped " + dropped
                + (latency.count() == 0 ? "" : ", latency p50 " + latency.percentile(50) + " ns");
    }
}
