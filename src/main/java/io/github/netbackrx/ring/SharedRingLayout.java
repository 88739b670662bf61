package io.github.netbackrx.ring;

/**
 * Descriptor of the shared-ring page header that Xen's {@code DEFINE_RING_TYPES} (public header
 * {@code io/ring.h}) lays out at the start of every ring page ({@code struct name_sring}), and of
 * the ring-size rule {@code __CONST_RING_SIZE}.
 *
 * <p>All indices are little-endian {@code RING_IDX} values (unsigned 32-bit, free-running).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         req_prod                              |  0
 *  +---------------------------------------------------------------+
 *  |                         req_event                             |  4
 *  +---------------------------------------------------------------+
 *  |                         rsp_prod                              |  8
 *  +---------------------------------------------------------------+
 *  |                         rsp_event                             | 12
 *  +---------------------------------------------------------------+
 *  |                 pvt (4-byte union, e.g. smartpoll_active)     | 16
 *  +---------------------------------------------------------------+
 *  |                 __pad[44]                                     | 20 .. 63
 *  +---------------------------------------------------------------+
 *  |                 ring[0]  (one 8-byte entry for netif RX)      | 64
 *  |                 ring[1]                                       | 72
 *  |                 ...                                           |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Descriptor-style holder: no instances.
 */
public final class SharedRingLayout {
    private SharedRingLayout() {}

    /** Offset of {@code req_prod}: the request producer index published by the front end. */
    public static final int REQ_PROD_OFFSET = 0;
    /** Offset of {@code req_event}: the back end wants a notification when {@code req_prod} passes it. */
    public static final int REQ_EVENT_OFFSET = 4;
    /** Offset of {@code rsp_prod}: the response producer index published by the back end. */
    public static final int RSP_PROD_OFFSET = 8;
    /** Offset of {@code rsp_event}: the front end wants a notification when {@code rsp_prod} passes it. */
    public static final int RSP_EVENT_OFFSET = 12;
    /** Offset of the 4-byte private union {@code pvt}. */
    public static final int PVT_OFFSET = 16;
    /** Offset of {@code __pad}. */
    public static final int PAD_OFFSET = 20;
    /** Length of {@code __pad} in bytes. */
    public static final int PAD_LENGTH = 44;
    /** Offset of {@code ring[]}, the first entry: {@code offsetof(struct name_sring, ring)}. */
    public static final int RING_OFFSET = 64;

    /**
     * {@code __RD32}: rounds a 32-bit value down to a power of two (0 stays 0), so that a slot is
     * found by masking with {@code size - 1}.
     *
     * @param value a non-negative value
     * @return the largest power of two not above {@code value}, or 0 for 0
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static int roundDownToPowerOfTwo(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("__RD32: value " + value + " is negative");
        }
        return Integer.highestOneBit(value);
    }

    /**
     * {@code __CONST_RING_SIZE}: the number of entries of a ring page, {@code __RD32((pageSize -
     * 64) / entrySize)}.
     *
     * @param pageSize the page size in bytes (at least 64 + entrySize)
     * @param entrySize {@code sizeof} one ring entry (the union of request and response), positive
     * @return the ring size, a power of two
     * @throws IllegalArgumentException if the page cannot hold one entry after the header
     */
    public static int ringSize(int pageSize, int entrySize) {
        if (entrySize <= 0 || pageSize < RING_OFFSET + entrySize) {
            throw new IllegalArgumentException("__CONST_RING_SIZE: page of " + pageSize
                    + " bytes cannot hold a 64-byte header and one entry of " + entrySize + " bytes");
        }
        return roundDownToPowerOfTwo((pageSize - RING_OFFSET) / entrySize);
    }
}
