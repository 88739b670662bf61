package io.github.netbackrx.core;

/**
 * The numbers each netback generation fixes when its kernel is built, in one place: fragment
 * limits, the RX ring size of a 4 KiB ring page, the copy-op arrays and batch sizes. Engines,
 * estimators, the bug catalogue and the packet model take them from here; none repeats them as a
 * literal.
 *
 * <p>Descriptor-style holder: no instances. Each value names the kernel constant it models.
 */
public final class KernelLimits {
    private KernelLimits() {}

    /**
     * {@code NET_RX_RING_SIZE} / {@code XEN_NETIF_RX_RING_SIZE} for a 4 KiB ring page: {@code
     * __CONST_RING_SIZE(netif_rx, 4096)} = 256 (the ring package derives the same value from the
     * page layout and a test checks that the two agree).
     */
    public static final int NET_RX_RING_SIZE = 256;

    /**
     * {@code MAX_SKB_FRAGS} of the 2010 kernels with 4 KiB pages: {@code 65536 / PAGE_SIZE + 2} = 18.
     */
    public static final int MAX_SKB_FRAGS_2010 = 18;

    /**
     * {@code MAX_SKB_FRAGS} of later kernels (3.x onwards) with 4 KiB pages: {@code 65536 / PAGE_SIZE
     * + 1} = 17. It caps the 3.14 worst-case estimate and limits current Linux netfront.
     */
    public static final int MAX_SKB_FRAGS_LATER = 17;

    /** The 2010 group's copy-op array: {@code grant_copy_op[2 * NET_RX_RING_SIZE]} = 512 ops. */
    public static final int COPY_OP_ARRAY_2010 = 2 * NET_RX_RING_SIZE;

    /**
     * The copy-op array of a Linux 3.12–3.13 vif: {@code grant_copy_op[2 * XEN_NETIF_RX_RING_SIZE]}
     * in {@code struct xenvif} (the group's array of 2010 moved into each vif by the 1:1 model) = 512.
     */
    public static final int COPY_OP_ARRAY_3_13 = 2 * NET_RX_RING_SIZE;

    /**
     * {@code MAX_GRANT_COPY_OPS} of Linux 3.14: {@code MAX_SKB_FRAGS * XEN_NETIF_RX_RING_SIZE} = 17 ×
     * 256 = 4352.
     */
    public static final int MAX_GRANT_COPY_OPS_3_14 = MAX_SKB_FRAGS_LATER * NET_RX_RING_SIZE;

    /** {@code COPY_BATCH_SIZE} of {@code rx.c}: copy ops gathered before a flush (64). */
    public static final int COPY_BATCH_SIZE = 64;

    /** {@code RX_BATCH_SIZE} of {@code rx.c}: packets per {@code xenvif_rx_action} (64). */
    public static final int RX_BATCH_SIZE = 64;

    /**
     * {@code tx_queue_len} of a netback vif device: {@code netbk_queue_length} (2010, default 32) and
     * {@code XENVIF_QUEUE_LENGTH} (3.x and later, 32). The qdisc in front of the vif holds at most
     * this many packets while the vif's queue is stopped; more are dropped.
     */
    public static final int VIF_TX_QUEUE_LEN = 32;

    /**
     * FreeBSD netback's send queue: {@code ifp->if_snd.ifq_maxlen = NET_RX_RING_SIZE - 1} (255) in
     * {@code create_netdev}; {@code IFQ_ENQUEUE} fails beyond it.
     */
    public static final int FREEBSD_IF_SND_MAXLEN = NET_RX_RING_SIZE - 1;

    /** {@code XENVIF_RX_QUEUE_BYTES}: the default {@code rx_queue_max} of {@code rx.c}, 128 pages = 512 KiB. */
    public static final int RX_QUEUE_MAX_DEFAULT = 128 * Netif.PAGE_SIZE;
}
