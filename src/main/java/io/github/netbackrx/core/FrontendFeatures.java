package io.github.netbackrx.core;

import java.util.Objects;

/**
 * What the frontend negotiated through xenstore that changes how a packet is laid onto the RX
 * ring, as one value handed to {@link RxPacker.Builder#features(FrontendFeatures)}.
 *
 * <ul>
 *   <li>{@code gsoMask}: the GSO types the frontend accepts as a GSO extra after the first data
 *       slot ({@code feature-gso-tcpv4}, {@code feature-gso-tcpv6}; netback's {@code vif->gso_mask},
 *       tested as {@code (1 << type) & gso_mask}). A GSO packet of a type not in either mask gets no
 *       extra slot and no {@code extra_info} flag.
 *   <li>{@code gsoPrefixMask}: the GSO types the frontend wants in the prefix mode of the 3.x
 *       drivers ({@code feature-gso-tcpv4-prefix}, {@code feature-gso-tcpv6-prefix}; {@code
 *       vif->gso_prefix_mask}): a prefix response before the data instead of an extra after it.
 *       xenbus refuses a type in both masks, and so does this record. Only the coalesce family
 *       (Linux up to 3.19) has the mode; {@code rx.c} retired it.
 *   <li>{@code hash}: whether the frontend configured a hash algorithm through the control ring, so
 *       that netback sets {@code skb->sw_hash} and {@code rx.c} sends a hash extra for a packet with
 *       a hash ({@link Skb#hasHash()}). Only {@link PackingPolicy#FULL_PAGE} sends it; the older
 *       generations ignore it.
 * </ul>
 *
 * <p>Masks use the wire values of {@link GsoType} as bit numbers: bit 1 for TCPv4, bit 2 for TCPv6.
 *
 * @param gsoMask GSO types accepted as an extra, as {@code 1 << wireValue} bits
 * @param gsoPrefixMask GSO types wanted as a prefix, as {@code 1 << wireValue} bits
 * @param hash whether a packet's hash is sent as a hash extra (full-page only)
 */
public record FrontendFeatures(int gsoMask, int gsoPrefixMask, boolean hash) {
    /** Bits of every GSO type the model knows. */
    static final int ALL_GSO = bit(GsoType.TCPV4) | bit(GsoType.TCPV6);

    /** The default: both GSO types as extras, no prefix mode, hash extras on. */
    public static final FrontendFeatures DEFAULT = new FrontendFeatures(ALL_GSO, 0, true);

    /**
     * Creates and validates a feature set.
     *
     * @param gsoMask GSO types accepted as an extra
     * @param gsoPrefixMask GSO types wanted as a prefix
     * @param hash whether hash extras are sent
     * @throws IllegalArgumentException if a mask has a bit other than 1 and 2, or a type is in both
     *     masks (xenbus refuses {@code feature-gso-tcpvN} together with {@code
     *     feature-gso-tcpvN-prefix})
     */
    public FrontendFeatures {
        checkMask("gso_mask", gsoMask);
        checkMask("gso_prefix_mask", gsoPrefixMask);
        int both = gsoMask & gsoPrefixMask;
        if (both != 0) {
            throw new IllegalArgumentException("gso_mask 0x" + Integer.toHexString(gsoMask) + " and gso_prefix_mask 0x"
                    + Integer.toHexString(gsoPrefixMask) + " share 0x" + Integer.toHexString(both)
                    + ": a GSO type is negotiated either as an extra or as a prefix, not both (xenbus refuses it)");
        }
    }

    private static void checkMask(String name, int mask) {
        if ((mask & ~ALL_GSO) != 0) {
            throw new IllegalArgumentException(
                    name + " 0x" + Integer.toHexString(mask) + " has bits other than 1 (tcpv4) and 2 (tcpv6)");
        }
    }

    /**
     * The mask bit of a GSO type.
     *
     * @param type the type, not null
     * @return {@code 1 << type.wireValue()}
     */
    public static int bit(GsoType type) {
        return 1 << Objects.requireNonNull(type, "type").wireValue();
    }

    /**
     * A copy with other GSO types accepted as extras.
     *
     * @param mask the new {@code gso_mask}
     * @return the new feature set
     * @throws IllegalArgumentException as the constructor
     */
    public FrontendFeatures withGsoMask(int mask) {
        return new FrontendFeatures(mask, gsoPrefixMask, hash);
    }

    /**
     * A copy with other GSO types in prefix mode.
     *
     * @param mask the new {@code gso_prefix_mask}
     * @return the new feature set
     * @throws IllegalArgumentException as the constructor
     */
    public FrontendFeatures withGsoPrefixMask(int mask) {
        return new FrontendFeatures(gsoMask, mask, hash);
    }

    /**
     * A copy with hash extras switched on or off.
     *
     * @param on whether hash extras are sent
     * @return the new feature set
     */
    public FrontendFeatures withHash(boolean on) {
        return new FrontendFeatures(gsoMask, gsoPrefixMask, on);
    }

    /**
     * Whether a packet's GSO goes into a GSO extra after the first data slot.
     *
     * @param skb the packet
     * @return true if it has GSO of a type in {@code gsoMask}
     */
    public boolean gsoExtra(Skb skb) {
        return (gsoMask & skb.gsoBit) != 0;
    }

    /**
     * Whether a packet's GSO goes into a prefix response before the data.
     *
     * @param skb the packet
     * @return true if it has GSO of a type in {@code gsoPrefixMask}
     */
    public boolean gsoPrefix(Skb skb) {
        return (gsoPrefixMask & skb.gsoBit) != 0;
    }

    /**
     * Whether a packet's hash goes into a hash extra (under {@link PackingPolicy#FULL_PAGE}).
     *
     * @param skb the packet
     * @return true if hash extras are on and the packet has a hash ({@code skb->sw_hash})
     */
    public boolean hashExtra(Skb skb) {
        return hash && skb.hasHash();
    }
}
