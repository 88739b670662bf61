package io.github.netbackrx.ring;

/**
 * Descriptor of {@code struct netif_rx_response} (Xen {@code io/netif.h}): the 8-byte response
 * the back end writes over the request it consumed, little-endian.
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +-------------------------------+-------------------------------+
 *  |            id (u16)           |          offset (u16)         |  0
 *  +-------------------------------+-------------------------------+
 *  |  flags (u16, NETRXF_*)        |  status (s16: bytes or RSP_*) |  4
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p>{@code status} is signed: negative values are {@code NETIF_RSP_*} (or, in Linux {@code rx.c},
 * a raw {@code GNTST_*}), a positive value is the number of bytes in the slot.
 *
 * <p>Descriptor-style holder: no instances.
 */
public final class RxResponseLayout {
    private RxResponseLayout() {}

    /** Offset of {@code id} (u16). */
    public static final int ID_OFFSET = 0;
    /** Offset of {@code offset} (u16): where the data starts in the buffer. */
    public static final int OFFSET_OFFSET = 2;
    /** Offset of {@code flags} (u16): {@code NETRXF_*} bits. */
    public static final int FLAGS_OFFSET = 4;
    /** Offset of {@code status} (s16). */
    public static final int STATUS_OFFSET = 6;
    /** {@code sizeof(struct netif_rx_response)}: 8 bytes. */
    public static final int SIZE = 8;
}
