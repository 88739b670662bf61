package io.github.netbackrx.core;

/**
 * What a plan writes into one ring slot of the packet: a data response ({@code
 * netif_rx_response}) or an extra-info slot ({@code netif_extra_info}), both overlaying the slot of
 * the request consumed for them.
 */
public sealed interface SlotResponse permits DataResponse, ExtraResponse {
    /** @return the ring slot, relative to the packet's first slot */
    int slot();
}
