package io.github.netbackrx.core;

/**
 * Constants of the Xen network interface protocol, as Xen's public header {@code io/netif.h}
 * defines them for the receive (guest-RX) direction.
 *
 * <p>Descriptor-style holder: no instances. Every value carries the header's name in its javadoc.
 * The RX flag bits differ from the TX ones ({@code NETTXF_*}): here {@code data_validated} is bit
 * 0 and {@code csum_blank} bit 1.
 */
public final class Netif {
    private Netif() {}

    /** Size of a page, of a grant and of a guest RX buffer: 4096 bytes ({@code XEN_PAGE_SIZE}). */
    public static final int PAGE_SIZE = 4096;

    /** The 2010 patch's {@code MAX_BUFFER_OFFSET}: bytes one RX buffer may hold (= {@link #PAGE_SIZE}). */
    public static final int MAX_BUFFER_OFFSET = PAGE_SIZE;

    /** {@code XEN_NETIF_NR_SLOTS_MIN}: slots per packet every peer must support without negotiation. */
    public static final int NR_SLOTS_MIN = 18;

    /** {@code RX_COPY_THRESHOLD} of Linux netfront: a first slot this small allows one more slot. */
    public static final int RX_COPY_THRESHOLD = 256;

    // ---- netif_rx_response.status --------------------------------------------------------------

    /** {@code NETIF_RSP_DROPPED} (-2): the packet was dropped. */
    public static final int RSP_DROPPED = -2;
    /** {@code NETIF_RSP_ERROR} (-1): the slot's copy failed. */
    public static final int RSP_ERROR = -1;
    /** {@code NETIF_RSP_OKAY} (0). */
    public static final int RSP_OKAY = 0;
    /** {@code NETIF_RSP_NULL} (1): no response; used for auxiliary (extra-info) slots. */
    public static final int RSP_NULL = 1;

    // ---- NETRXF_* flags -----------------------------------------------------------------------

    /** {@code NETRXF_data_validated} (bit 0): the protocol checksum was validated. */
    public static final int RXF_DATA_VALIDATED = 0x1;
    /** {@code NETRXF_csum_blank} (bit 1): the checksum is blank (to be filled, CHECKSUM_PARTIAL). */
    public static final int RXF_CSUM_BLANK = 0x2;
    /** {@code NETRXF_more_data} (bit 2): the packet continues in a following slot. */
    public static final int RXF_MORE_DATA = 0x4;
    /** {@code NETRXF_extra_info} (bit 3): extra-info slots follow this first slot. */
    public static final int RXF_EXTRA_INFO = 0x8;
    /** {@code NETRXF_gso_prefix} (bit 4): a GSO prefix descriptor (deprecated, 3.x drivers). */
    public static final int RXF_GSO_PREFIX = 0x10;

    // ---- netif_extra_info ----------------------------------------------------------------------

    /** {@code XEN_NETIF_EXTRA_TYPE_NONE} (0): never used, invalid. */
    public static final int EXTRA_TYPE_NONE = 0;
    /** {@code XEN_NETIF_EXTRA_TYPE_GSO} (1). */
    public static final int EXTRA_TYPE_GSO = 1;
    /** {@code XEN_NETIF_EXTRA_TYPE_MCAST_ADD} (2). */
    public static final int EXTRA_TYPE_MCAST_ADD = 2;
    /** {@code XEN_NETIF_EXTRA_TYPE_MCAST_DEL} (3). */
    public static final int EXTRA_TYPE_MCAST_DEL = 3;
    /** {@code XEN_NETIF_EXTRA_TYPE_HASH} (4). */
    public static final int EXTRA_TYPE_HASH = 4;
    /** {@code XEN_NETIF_EXTRA_TYPE_XDP} (5): Linux's copy of the header only. */
    public static final int EXTRA_TYPE_XDP = 5;
    /** {@code XEN_NETIF_EXTRA_TYPE_MAX} of Linux's header (6): valid types are 1..5. */
    public static final int EXTRA_TYPE_MAX = 6;
    /** {@code XEN_NETIF_EXTRA_FLAG_MORE} (bit 0): another extra-info slot follows. */
    public static final int EXTRA_FLAG_MORE = 0x1;

    /** {@code XEN_NETIF_GSO_TYPE_NONE} (0). */
    public static final int GSO_TYPE_NONE = 0;
    /** {@code XEN_NETIF_GSO_TYPE_TCPV4} (1). */
    public static final int GSO_TYPE_TCPV4 = 1;
    /** {@code XEN_NETIF_GSO_TYPE_TCPV6} (2). */
    public static final int GSO_TYPE_TCPV6 = 2;

    /** Names of the NETRXF flag bits in bit order, as the canonical plan output spells them. */
    private static final String[] RX_FLAG_NAMES = {
        "data_validated", "csum_blank", "more_data", "extra_info", "gso_prefix"
    };

    /**
     * Spells a set of NETRXF flags as the plan format does: the names in bit order joined by
     * {@code ,}, or {@code -} when none is set.
     *
     * @param flags the flag bits (only bits 0..4 are defined)
     * @return the canonical spelling
     * @throws IllegalArgumentException if a bit outside 0..4 is set
     */
    public static String rxFlagNames(int flags) {
        if ((flags & ~0x1F) != 0) {
            throw new IllegalArgumentException("NETRXF flags: undefined bits in 0x" + Integer.toHexString(flags));
        }
        return RX_FLAG_TEXT[flags];
    }

    /** Every spelling, indexed by the flag bits: printing a plan builds no string. */
    private static final String[] RX_FLAG_TEXT = new String[1 << RX_FLAG_NAMES.length];

    static {
        for (int flags = 0; flags < RX_FLAG_TEXT.length; flags++) {
            StringBuilder sb = new StringBuilder();
            for (int bit = 0; bit < RX_FLAG_NAMES.length; bit++) {
                if ((flags & (1 << bit)) != 0) {
                    sb.append(sb.length() > 0 ? "," : "").append(RX_FLAG_NAMES[bit]);
                }
            }
            RX_FLAG_TEXT[flags] = flags == 0 ? "-" : sb.toString();
        }
    }
}
