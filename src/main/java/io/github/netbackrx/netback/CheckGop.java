package io.github.netbackrx.netback;

import java.util.Objects;

/**
 * Which packets of a batch a failed grant-copy op is charged to, computed two ways.
 *
 * <p><b>The 2010 rule</b> ({@code netbk_check_gop}): after the hypercall, the response loop walks
 * the copy-op array with one cursor ({@code copy_cons}) and, for each packet, steps over as many
 * ops as the packet used <em>meta slots</em> (data buffers), marking the packet bad when one of
 * those ops failed. But a data buffer can be filled by several ops (the head and small fragments
 * coalesced into one buffer), so the cursor falls behind the packet's real ops and a failure is
 * charged to whichever packet the cursor happens to be on.
 *
 * <p><b>The model's rule</b>: every op records the packet it was issued for (as later netback
 * does with a ring index per op), so a failure is charged to its own packet.
 */
public final class CheckGop {
    private CheckGop() {}

    /**
     * The 2010 {@code netbk_check_gop} attribution. Where the cursor runs past the issued ops
     * (it cannot in the driver, whose packets use at least one op per meta slot) the missing ops
     * count as okay.
     *
     * @param metaSlotsUsed per packet in batch order, its data buffers ({@code meta_slots_used})
     * @param opStatus per op in issue order, its {@code GNTST} status
     * @return per packet, whether the 2010 rule marks it {@code NETIF_RSP_ERROR}
     */
    public static boolean[] seedAttribution(int[] metaSlotsUsed, int[] opStatus) {
        Objects.requireNonNull(metaSlotsUsed, "metaSlotsUsed");
        Objects.requireNonNull(opStatus, "opStatus");
        boolean[] bad = new boolean[metaSlotsUsed.length];
        int copyCons = 0;
        for (int p = 0; p < metaSlotsUsed.length; p++) {
            for (int i = 0; i < metaSlotsUsed[p]; i++) {
                int op = copyCons++;
                if (op < opStatus.length && opStatus[op] != 0) {
                    bad[p] = true;
                }
            }
        }
        return bad;
    }

    /**
     * The model's attribution: an op's failure marks the packet it was issued for.
     *
     * @param opPacket per op, the index of its packet in the batch
     * @param opStatus per op, its {@code GNTST} status
     * @param packets the number of packets in the batch
     * @return per packet, whether any of its own ops failed
     * @throws IllegalArgumentException if the arrays differ in length or a packet index is out of
     *     range
     */
    public static boolean[] modelAttribution(int[] opPacket, int[] opStatus, int packets) {
        if (opPacket.length != opStatus.length) {
            throw new IllegalArgumentException(
                    "opPacket has " + opPacket.length + " entries but opStatus has " + opStatus.length);
        }
        boolean[] bad = new boolean[packets];
        for (int i = 0; i < opPacket.length; i++) {
            if (opPacket[i] < 0 || opPacket[i] >= packets) {
                throw new IllegalArgumentException(
                        "op " + i + ": packet " + opPacket[i] + " outside 0.." + (packets - 1));
            }
            if (opStatus[i] != 0) {
                bad[opPacket[i]] = true;
            }
        }
        return bad;
    }
}
