package io.github.netbackrx.core;

/**
 * An extra-info slot ({@code struct netif_extra_info}) following the first data response, which
 * then carries {@code NETRXF_extra_info}.
 *
 * @param slot the ring slot, relative to the packet's first slot
 * @param type the extra type, {@link Netif#EXTRA_TYPE_GSO}
 * @param flags the extra's flags ({@link Netif#EXTRA_FLAG_MORE} when another extra follows)
 * @param gsoSize for a GSO extra: {@code u.gso.size}
 * @param gsoType for a GSO extra: {@code u.gso.type}
 */
public record ExtraResponse(int slot, int type, int flags, int gsoSize, GsoType gsoType) implements SlotResponse {}
