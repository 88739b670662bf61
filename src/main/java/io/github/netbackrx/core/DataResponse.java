package io.github.netbackrx.core;

/**
 * A data response ({@code struct netif_rx_response}, written by {@code make_rx_response}): the
 * guest buffer of {@code slot} holds {@code status} bytes of the packet starting at {@code offset}.
 *
 * @param slot the ring slot, relative to the packet's first slot
 * @param offset the response offset (0 for every policy modelled)
 * @param status the byte count of the slot on success ({@code NETIF_RSP_*} when negative)
 * @param flags the {@code NETRXF_*} bits ({@link Netif#RXF_MORE_DATA} and friends)
 */
public record DataResponse(int slot, int offset, int status, int flags) implements SlotResponse {}
