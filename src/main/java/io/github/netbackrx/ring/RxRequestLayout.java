package io.github.netbackrx.ring;

/**
 * Descriptor of {@code struct netif_rx_request} (Xen {@code io/netif.h}): the 8-byte buffer a
 * front end posts on the RX ring, little-endian.
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +-------------------------------+-------------------------------+
 *  |            id (u16)           |           pad (u16)           |  0
 *  +-------------------------------+-------------------------------+
 *  |                        gref (grant_ref_t, u32)                |  4
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Descriptor-style holder: no instances.
 */
public final class RxRequestLayout {
    private RxRequestLayout() {}

    /** Offset of {@code id} (u16): echoed in the response. */
    public static final int ID_OFFSET = 0;
    /** Offset of {@code pad} (u16). */
    public static final int PAD_OFFSET = 2;
    /** Offset of {@code gref} (u32): the grant of the guest page the back end copies into. */
    public static final int GREF_OFFSET = 4;
    /** {@code sizeof(struct netif_rx_request)}: 8 bytes. */
    public static final int SIZE = 8;
}
