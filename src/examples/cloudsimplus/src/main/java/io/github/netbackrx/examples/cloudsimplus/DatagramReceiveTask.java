package io.github.netbackrx.examples.cloudsimplus;

import org.cloudsimplus.cloudlets.network.CloudletReceiveTask;
import org.cloudsimplus.network.VmPacket;
import org.cloudsimplus.vms.Vm;

/**
 * A receive task for datagrams: it waits for its expected packets from one VM, like CloudSim Plus's
 * {@link CloudletReceiveTask}, but a packet that netback-rx dropped is lost for good (nothing
 * resends it), so it stops waiting for that one ({@link #lose}). It ends when every expected packet
 * was received or lost. {@link #lost()} says how many were lost.
 */
public final class DatagramReceiveTask extends CloudletReceiveTask {
    private long lost;

    /**
     * @param id the task's id
     * @param sourceVm the VM the packets come from
     * @param expected how many packets it waits for
     */
    public DatagramReceiveTask(int id, Vm sourceVm, long expected) {
        super(id, sourceVm);
        setExpectedPacketsToReceive(expected);
    }

    /** @return the packets lost on the way (dropped by netback-rx) */
    public long lost() {
        return lost;
    }

    /**
     * A packet for this task was dropped: it waits for one packet fewer, and ends if that was the
     * last one it waited for.
     *
     * @param packet the dropped packet
     * @return whether the packet was this task's (its cloudlet, its source VM, and the task still
     *     waiting)
     */
    boolean lose(VmPacket packet) {
        if (isFinished() || packet.getReceiverCloudlet() != getCloudlet() || packet.getSource() != getSourceVm()) {
            return false;
        }
        lost++;
        setExpectedPacketsToReceive(getExpectedPacketsToReceive() - 1);
        if (getPacketsReceived().size() >= getExpectedPacketsToReceive()) {
            setFinished(true);
        }
        return true;
    }
}
