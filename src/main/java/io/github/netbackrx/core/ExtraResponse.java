package io.github.netbackrx.core;

/**
 * An extra-info slot ({@code struct netif_extra_info}) following the first data response, which
 * then carries {@code NETRXF_extra_info}. Extras are chained: every one but the last carries {@link
 * Netif#EXTRA_FLAG_MORE}.
 *
 * @param slot the ring slot, relative to the packet's first slot
 * @param type the extra type: {@link Netif#EXTRA_TYPE_GSO} or {@link Netif#EXTRA_TYPE_HASH}
 * @param flags the extra's flags ({@link Netif#EXTRA_FLAG_MORE} when another extra follows)
 * @param gsoSize for a GSO extra: {@code u.gso.size}; otherwise 0
 * @param gsoType for a GSO extra: {@code u.gso.type}; otherwise {@code null}
 * @param hashValue for a hash extra: {@code u.hash.value} as a 32-bit number; otherwise 0
 * @param hashType for a hash extra: {@code u.hash.type} (the algorithm is always Toeplitz);
 *     otherwise {@code null}
 */
public record ExtraResponse(
        int slot, int type, int flags, int gsoSize, GsoType gsoType, int hashValue, HashType hashType)
        implements SlotResponse {
    /**
     * An extra without hash fields, such as a GSO extra.
     *
     * @param slot the ring slot
     * @param type the extra type
     * @param flags the extra's flags
     * @param gsoSize {@code u.gso.size}
     * @param gsoType {@code u.gso.type}
     */
    public ExtraResponse(int slot, int type, int flags, int gsoSize, GsoType gsoType) {
        this(slot, type, flags, gsoSize, gsoType, 0, null);
    }
}
