package io.github.netbackrx.netback;

import java.util.List;

/**
 * What the last {@code net_rx_action} batch did, op by op, for inspection in tests and tools.
 *
 * @param tags per packet in batch order, the caller's tag
 * @param opPacket per copy op in issue order, the index of the packet it was issued for
 * @param opStatus per copy op, its {@code GNTST} status
 * @param metaSlots per packet, its data buffers ({@code meta_slots_used} of the 2010 driver)
 * @param errored per packet, whether the model wrote {@code NETIF_RSP_ERROR} (its own op failed)
 * @param seedErrored per packet, what the 2010 {@code netbk_check_gop} would have concluded
 */
public record BatchReport(
        List<Long> tags,
        List<Integer> opPacket,
        List<Integer> opStatus,
        List<Integer> metaSlots,
        List<Boolean> errored,
        List<Boolean> seedErrored) {
    /**
     * Copies the lists.
     *
     * @param tags per packet in batch order, the caller's tag
     * @param opPacket per copy op in issue order, the index of the packet it was issued for
     * @param opStatus per copy op, its {@code GNTST} status
     * @param metaSlots per packet, its data buffers
     * @param errored per packet, whether the model wrote {@code NETIF_RSP_ERROR}
     * @param seedErrored per packet, what the 2010 {@code netbk_check_gop} would have concluded
     */
    public BatchReport {
        tags = List.copyOf(tags);
        opPacket = List.copyOf(opPacket);
        opStatus = List.copyOf(opStatus);
        metaSlots = List.copyOf(metaSlots);
        errored = List.copyOf(errored);
        seedErrored = List.copyOf(seedErrored);
    }
}
