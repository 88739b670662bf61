package io.github.netbackrx.ring;

/**
 * Descriptor of {@code struct netif_extra_info} (Xen {@code io/netif.h}): the 8-byte auxiliary
 * record a back end writes over a response slot after the first data slot when that slot carries
 * {@code NETRXF_extra_info}; little-endian.
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------+---------------+-------------------------------+
 *  |   type (u8)   |  flags (u8)   |  u.gso.size (u16)             |  0
 *  +---------------+---------------+-------------------------------+
 *  | u.gso.type(u8)| u.gso.pad(u8) |  u.gso.features (u16)         |  4
 *  +---------------+---------------+-------------------------------+
 *
 *  other members of the 6-byte union u at offset 2:
 *    u.mcast.addr[6]                       bytes 2..7
 *    u.hash.type (u8) @2, u.hash.algorithm (u8) @3, u.hash.value[4] @4..7 (LSB first)
 * </pre>
 *
 * <p>Descriptor-style holder: no instances.
 */
public final class ExtraInfoLayout {
    private ExtraInfoLayout() {}

    /** Offset of {@code type} (u8): {@code XEN_NETIF_EXTRA_TYPE_*}. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of {@code flags} (u8): {@code XEN_NETIF_EXTRA_FLAG_*}. */
    public static final int FLAGS_OFFSET = 1;
    /** Offset of the 6-byte union {@code u}. */
    public static final int UNION_OFFSET = 2;
    /** Length of the union {@code u}. */
    public static final int UNION_LENGTH = 6;

    /** Offset of {@code u.gso.size} (u16): the segment size (the path MSS for TCP). */
    public static final int GSO_SIZE_OFFSET = 2;
    /** Offset of {@code u.gso.type} (u8): {@code XEN_NETIF_GSO_TYPE_*}. */
    public static final int GSO_TYPE_OFFSET = 4;
    /** Offset of {@code u.gso.pad} (u8). */
    public static final int GSO_PAD_OFFSET = 5;
    /** Offset of {@code u.gso.features} (u16): Linux netback writes 0. */
    public static final int GSO_FEATURES_OFFSET = 6;

    /** Offset of {@code u.mcast.addr}: a 6-byte Ethernet address. */
    public static final int MCAST_ADDR_OFFSET = 2;
    /** Length of {@code u.mcast.addr}. */
    public static final int MCAST_ADDR_LENGTH = 6;

    /** Offset of {@code u.hash.type} (u8). */
    public static final int HASH_TYPE_OFFSET = 2;
    /** Offset of {@code u.hash.algorithm} (u8). */
    public static final int HASH_ALGORITHM_OFFSET = 3;
    /** Offset of {@code u.hash.value}: 4 bytes, least significant first. */
    public static final int HASH_VALUE_OFFSET = 4;
    /** Length of {@code u.hash.value}. */
    public static final int HASH_VALUE_LENGTH = 4;

    /**
     * Offset of {@code u.xdp.headroom} (u16): the bytes {@code rx.c} leaves before the data of slot
     * 0 when the frontend asked for XDP headroom ({@code XEN_NETIF_EXTRA_TYPE_XDP}).
     */
    public static final int XDP_HEADROOM_OFFSET = 2;

    /** {@code sizeof(struct netif_extra_info)}: 8 bytes. */
    public static final int SIZE = 8;
}
