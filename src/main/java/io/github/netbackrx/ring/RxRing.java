package io.github.netbackrx.ring;

import io.github.netbackrx.core.Netif;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The shared netif RX ring: one 4096-byte little-endian page laid out exactly as Xen's {@code
 * DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response)} lays it out
 * ({@code io/ring.h}, {@code io/netif.h}), plus the two private views of it: the back end's
 * {@link BackRing} ({@code netif_rx_back_ring}) and the front end's {@link FrontRing} ({@code
 * netif_rx_front_ring}).
 *
 * <pre>
 *  byte 0         16      20          64        72                   4088    4096
 *  +--------------+-------+-----------+---------+-------- ... --------+--------+
 *  | req_prod     | pvt   | __pad[44] | ring[0] | ring[1]   ...       |ring[503]
 *  | req_event    |       |           |         |                     | (unused)
 *  | rsp_prod     |       |           |&lt;- 8-byte entries: request or response
 *  | rsp_event    |       |           |   or netif_extra_info overlay -&gt;
 *  +--------------+-------+-----------+---------+-------- ... --------+--------+
 *                                      only ring[0 .. SIZE-1] = ring[0 .. 255] are used
 * </pre>
 *
 * <p><b>Indices.</b> Every index ({@code RING_IDX}) is a free-running unsigned 32-bit counter held
 * in a Java {@code int}; it wraps at 2^32 and is never reduced modulo the ring size. The slot of
 * index {@code i} is {@code i & (SIZE - 1)}. Distances are plain {@code a - b} (correct modulo
 * 2^32) and are compared with {@link Integer#compareUnsigned}. The central invariant, each
 * inequality taken on unsigned 32-bit differences from {@code rsp_prod_pvt}, is
 *
 * <pre>
 *   rsp_prod_pvt  &lt;=  req_cons  &lt;=  req_prod        (mod 2^32, spans at most SIZE)
 *
 *   ----+==============+~~~~~~~~~~~~~~~~~+---------------------&gt; index
 *       ^ rsp_prod_pvt ^ req_cons        ^ req_prod
 *       |  consumed,   |  posted, not    |  free for the front end
 *       |  response    |  yet consumed   |  (until req_prod - rsp_cons == SIZE)
 *       |  not written |                 |
 * </pre>
 *
 * and symmetrically {@code rsp_cons <= rsp_prod <= req_prod_pvt} on the front end's side. A
 * well-behaved peer keeps it; {@link BackRing#checkedReqProd()} and {@link
 * FrontRing#checkedRspProd()} detect one that does not ({@code RING_REQUEST_PROD_OVERFLOW},
 * {@code RING_RESPONSE_PROD_OVERFLOW}).
 *
 * <p><b>Slot access.</b> The typed accessors on this class ({@link #writeRequest}, {@link
 * #requestGref}, {@link #writeResponse}, {@link #responseStatus}, {@link #writeGsoExtra}, ...)
 * take an index and act on {@code RING_GET_REQUEST}/{@code RING_GET_RESPONSE} of it: both ends
 * see the same shared page, so they live here rather than on the views. A request and its
 * response (or an extra-info record) overlay the same 8-byte slot.
 *
 * <p><b>Memory model.</b> The model is single-threaded: the barriers of {@code ring.h} ({@code
 * wmb()}, {@code mb()}) are program order here. No operation allocates except {@link #pageCopy()}
 * and {@link #pageView()}.
 */
public final class RxRing {
    /** The ring page size: 4096 bytes ({@code XEN_PAGE_SIZE}; ring pages are always 4 KiB). */
    public static final int PAGE_SIZE = Netif.PAGE_SIZE;

    /** {@code sizeof(union netif_rx_sring_entry)}: 8 bytes (request and response are both 8). */
    public static final int ENTRY_SIZE = Math.max(RxRequestLayout.SIZE, RxResponseLayout.SIZE);

    /**
     * {@code NET_RX_RING_SIZE} = {@code __CONST_RING_SIZE(netif_rx, 4096)} = {@code __RD32((4096
     * - 64) / 8)} = {@code __RD32(504)} = 256.
     */
    public static final int SIZE = SharedRingLayout.ringSize(PAGE_SIZE, ENTRY_SIZE);

    private static final int MASK = SIZE - 1;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] page;

    private RxRing(byte[] page) {
        this.page = page;
    }

    /**
     * Allocates a fresh ring page and initialises it with {@code SHARED_RING_INIT}, as a front end
     * does before it grants the page.
     *
     * @return the ring
     */
    public static RxRing create() {
        RxRing ring = new RxRing(new byte[PAGE_SIZE]);
        ring.init();
        return ring;
    }

    /**
     * A ring page that has already carried {@code index} requests and responses and is quiescent:
     * {@code SHARED_RING_INIT}, then {@code req_prod = rsp_prod = index} and {@code req_event =
     * rsp_event = index + 1}. With {@link #attachBack(int)} and {@link #attachFront(int)} at the
     * same index this is the state a ring reaches after {@code index} round trips, which is how
     * tests start a ring just below 2^32.
     *
     * @param index the starting {@code RING_IDX} (any 32-bit value)
     * @return the ring
     */
    public static RxRing startingAt(int index) {
        RxRing ring = create();
        ring.setReqProd(index);
        ring.setRspProd(index);
        ring.setReqEvent(index + 1);
        ring.setRspEvent(index + 1);
        return ring;
    }

    /**
     * Wraps an existing 4096-byte page without initialising it (the page is shared, not copied):
     * a back end mapping the page a front end granted, or a fuzzer handing in arbitrary bytes.
     *
     * @param page exactly 4096 bytes
     * @return the ring over that page
     * @throws IllegalArgumentException if the page is not 4096 bytes long
     */
    public static RxRing wrap(byte[] page) {
        if (page.length != PAGE_SIZE) {
            throw new IllegalArgumentException(
                    "ring page: must be exactly " + PAGE_SIZE + " bytes, got " + page.length);
        }
        return new RxRing(page);
    }

    /**
     * {@code SHARED_RING_INIT}: {@code req_prod = rsp_prod = 0}, {@code req_event = rsp_event = 1},
     * {@code pvt} and {@code __pad} zeroed. The entries are left as they are.
     */
    public void init() {
        Arrays.fill(page, 0, SharedRingLayout.RING_OFFSET, (byte) 0);
        setReqEvent(1);
        setRspEvent(1);
    }

    /** @return {@code RING_SIZE}: the number of slots, {@link #SIZE} (256) */
    public int size() {
        return SIZE;
    }

    /**
     * The slot an index falls in: {@code idx & (RING_SIZE - 1)}.
     *
     * @param index a {@code RING_IDX}
     * @return the slot, 0 .. {@code SIZE - 1}
     */
    public static int slot(int index) {
        return index & MASK;
    }

    /**
     * Byte offset in the page of the entry {@code RING_GET_REQUEST(index)} / {@code
     * RING_GET_RESPONSE(index)} points at: {@code 64 + 8 * slot(index)}.
     *
     * @param index a {@code RING_IDX}
     * @return the offset of the 8-byte entry
     */
    public static int entryOffset(int index) {
        return SharedRingLayout.RING_OFFSET + ENTRY_SIZE * (index & MASK);
    }

    /**
     * The notify rule of {@code RING_PUSH_*_AND_CHECK_NOTIFY}: {@code (u32)(new - event) <
     * (u32)(new - old)}, i.e. {@code event} lies in the half-open window {@code (old, new]} modulo
     * 2^32. Pushing nothing ({@code new == old}) never notifies.
     *
     * @param oldProd the producer index before the push
     * @param newProd the producer index after the push
     * @param event the consumer's event index ({@code req_event} or {@code rsp_event})
     * @return whether the other end must be notified
     */
    public static boolean needsNotify(int oldProd, int newProd, int event) {
        return Integer.compareUnsigned(newProd - event, newProd - oldProd) < 0;
    }

    // ---- raw header fields (what a peer can write) ----------------------------------------------

    /** @return {@code sring->req_prod} as stored in the page */
    public int reqProd() {
        return getInt(SharedRingLayout.REQ_PROD_OFFSET);
    }

    /**
     * Writes {@code sring->req_prod} directly, as a front end (or an ill-behaved one) does.
     *
     * @param value any 32-bit value
     */
    public void setReqProd(int value) {
        putInt(SharedRingLayout.REQ_PROD_OFFSET, value);
    }

    /** @return {@code sring->req_event} as stored in the page */
    public int reqEvent() {
        return getInt(SharedRingLayout.REQ_EVENT_OFFSET);
    }

    /**
     * Writes {@code sring->req_event} directly.
     *
     * @param value any 32-bit value
     */
    public void setReqEvent(int value) {
        putInt(SharedRingLayout.REQ_EVENT_OFFSET, value);
    }

    /** @return {@code sring->rsp_prod} as stored in the page */
    public int rspProd() {
        return getInt(SharedRingLayout.RSP_PROD_OFFSET);
    }

    /**
     * Writes {@code sring->rsp_prod} directly, as a back end (or an ill-behaved one) does.
     *
     * @param value any 32-bit value
     */
    public void setRspProd(int value) {
        putInt(SharedRingLayout.RSP_PROD_OFFSET, value);
    }

    /** @return {@code sring->rsp_event} as stored in the page */
    public int rspEvent() {
        return getInt(SharedRingLayout.RSP_EVENT_OFFSET);
    }

    /**
     * Writes {@code sring->rsp_event} directly.
     *
     * @param value any 32-bit value
     */
    public void setRspEvent(int value) {
        putInt(SharedRingLayout.RSP_EVENT_OFFSET, value);
    }

    /** @return the 4-byte private union {@code sring->pvt} as a little-endian int */
    public int pvt() {
        return getInt(SharedRingLayout.PVT_OFFSET);
    }

    /**
     * Writes the private union {@code sring->pvt}.
     *
     * @param value its 4 bytes as a little-endian int
     */
    public void setPvt(int value) {
        putInt(SharedRingLayout.PVT_OFFSET, value);
    }

    // ---- raw page ---------------------------------------------------------------------------------

    /** @return a copy of the 4096 page bytes */
    public byte[] pageCopy() {
        return page.clone();
    }

    /** @return a read-only little-endian view of the live page (it follows later writes) */
    public ByteBuffer pageView() {
        return ByteBuffer.wrap(page).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- netif_rx_request ---------------------------------------------------------------------

    /**
     * Fills {@code RING_GET_REQUEST(index)}: {@code id}, {@code pad = 0}, {@code gref}.
     *
     * @param index a {@code RING_IDX}
     * @param id the request id, 0 .. 0xFFFF
     * @param gref the grant reference (u32; any int)
     * @throws IllegalArgumentException if {@code id} does not fit 16 bits
     */
    public void writeRequest(int index, int id, int gref) {
        int base = entryOffset(index);
        putShort(base + RxRequestLayout.ID_OFFSET, checkU16("netif_rx_request.id", id));
        putShort(base + RxRequestLayout.PAD_OFFSET, 0);
        putInt(base + RxRequestLayout.GREF_OFFSET, gref);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code RING_GET_REQUEST(index)->id}, unsigned 16-bit
     */
    public int requestId(int index) {
        return getU16(entryOffset(index) + RxRequestLayout.ID_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code RING_GET_REQUEST(index)->gref}, a u32 held in an int
     */
    public int requestGref(int index) {
        return getInt(entryOffset(index) + RxRequestLayout.GREF_OFFSET);
    }

    // ---- netif_rx_response --------------------------------------------------------------------

    /**
     * Fills {@code RING_GET_RESPONSE(index)}, overwriting the request in that slot.
     *
     * @param index a {@code RING_IDX}
     * @param id the response id, 0 .. 0xFFFF
     * @param offset the data offset in the buffer, 0 .. 0xFFFF
     * @param flags {@code NETRXF_*} bits, 0 .. 0xFFFF
     * @param status a byte count or a negative {@code NETIF_RSP_*}/{@code GNTST_*}, -32768 ..
     *     32767
     * @throws IllegalArgumentException if a field does not fit its width
     */
    public void writeResponse(int index, int id, int offset, int flags, int status) {
        int base = entryOffset(index);
        putShort(base + RxResponseLayout.ID_OFFSET, checkU16("netif_rx_response.id", id));
        putShort(base + RxResponseLayout.OFFSET_OFFSET, checkU16("netif_rx_response.offset", offset));
        putShort(base + RxResponseLayout.FLAGS_OFFSET, checkU16("netif_rx_response.flags", flags));
        putShort(base + RxResponseLayout.STATUS_OFFSET, checkS16("netif_rx_response.status", status));
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code RING_GET_RESPONSE(index)->id}, unsigned
     */
    public int responseId(int index) {
        return getU16(entryOffset(index) + RxResponseLayout.ID_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code RING_GET_RESPONSE(index)->offset}, unsigned
     */
    public int responseOffset(int index) {
        return getU16(entryOffset(index) + RxResponseLayout.OFFSET_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code RING_GET_RESPONSE(index)->flags}, unsigned
     */
    public int responseFlags(int index) {
        return getU16(entryOffset(index) + RxResponseLayout.FLAGS_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code RING_GET_RESPONSE(index)->status}, signed 16-bit
     */
    public int responseStatus(int index) {
        return (short) SHORT.get(page, entryOffset(index) + RxResponseLayout.STATUS_OFFSET);
    }

    // ---- netif_extra_info ---------------------------------------------------------------------

    /**
     * Writes a GSO extra ({@code XEN_NETIF_EXTRA_TYPE_GSO}) over {@code RING_GET_RESPONSE(index)},
     * with {@code pad = 0} and {@code features = 0} as Linux netback writes them.
     *
     * @param index a {@code RING_IDX}
     * @param flags {@code XEN_NETIF_EXTRA_FLAG_*} bits, 0 .. 0xFF
     * @param gsoSize {@code u.gso.size}, 0 .. 0xFFFF
     * @param gsoType {@code u.gso.type} ({@code XEN_NETIF_GSO_TYPE_*}), 0 .. 0xFF
     * @throws IllegalArgumentException if a field does not fit its width
     */
    public void writeGsoExtra(int index, int flags, int gsoSize, int gsoType) {
        int base = writeExtraHeader(index, Netif.EXTRA_TYPE_GSO, flags);
        putShort(base + ExtraInfoLayout.GSO_SIZE_OFFSET, checkU16("netif_extra_info.u.gso.size", gsoSize));
        page[base + ExtraInfoLayout.GSO_TYPE_OFFSET] = (byte) checkU8("netif_extra_info.u.gso.type", gsoType);
        page[base + ExtraInfoLayout.GSO_PAD_OFFSET] = 0;
        putShort(base + ExtraInfoLayout.GSO_FEATURES_OFFSET, 0);
    }

    /**
     * Writes a hash extra ({@code XEN_NETIF_EXTRA_TYPE_HASH}) over {@code
     * RING_GET_RESPONSE(index)}.
     *
     * @param index a {@code RING_IDX}
     * @param flags {@code XEN_NETIF_EXTRA_FLAG_*} bits, 0 .. 0xFF
     * @param hashType {@code u.hash.type}, 0 .. 0xFF
     * @param algorithm {@code u.hash.algorithm}, 0 .. 0xFF
     * @param value {@code u.hash.value}, stored least significant byte first
     * @throws IllegalArgumentException if a field does not fit its width
     */
    public void writeHashExtra(int index, int flags, int hashType, int algorithm, int value) {
        int base = writeExtraHeader(index, Netif.EXTRA_TYPE_HASH, flags);
        page[base + ExtraInfoLayout.HASH_TYPE_OFFSET] = (byte) checkU8("netif_extra_info.u.hash.type", hashType);
        page[base + ExtraInfoLayout.HASH_ALGORITHM_OFFSET] =
                (byte) checkU8("netif_extra_info.u.hash.algorithm", algorithm);
        putInt(base + ExtraInfoLayout.HASH_VALUE_OFFSET, value);
    }

    /**
     * Writes an XDP extra ({@code XEN_NETIF_EXTRA_TYPE_XDP}) over {@code RING_GET_RESPONSE(index)},
     * with {@code u.xdp.pad} 0.
     *
     * @param index a {@code RING_IDX}
     * @param flags {@code XEN_NETIF_EXTRA_FLAG_*} bits, 0 .. 0xFF
     * @param headroom {@code u.xdp.headroom}, 0 .. 0xFFFF
     * @throws IllegalArgumentException if a field does not fit its width
     */
    public void writeXdpExtra(int index, int flags, int headroom) {
        int base = writeExtraHeader(index, Netif.EXTRA_TYPE_XDP, flags);
        putShort(base + ExtraInfoLayout.XDP_HEADROOM_OFFSET, checkU16("netif_extra_info.u.xdp.headroom", headroom));
        putShort(base + ExtraInfoLayout.XDP_HEADROOM_OFFSET + 2, 0);
        putShort(base + ExtraInfoLayout.XDP_HEADROOM_OFFSET + 4, 0);
    }

    /**
     * Writes a multicast extra ({@code XEN_NETIF_EXTRA_TYPE_MCAST_ADD} or {@code _DEL}) over
     * {@code RING_GET_RESPONSE(index)}.
     *
     * @param index a {@code RING_IDX}
     * @param type {@link Netif#EXTRA_TYPE_MCAST_ADD} or {@link Netif#EXTRA_TYPE_MCAST_DEL}
     * @param flags {@code XEN_NETIF_EXTRA_FLAG_*} bits, 0 .. 0xFF
     * @param address the 48-bit Ethernet address, {@code addr[0]} in bits 47..40
     * @throws IllegalArgumentException if the type is not a multicast type or a field does not fit
     */
    public void writeMcastExtra(int index, int type, int flags, long address) {
        if (type != Netif.EXTRA_TYPE_MCAST_ADD && type != Netif.EXTRA_TYPE_MCAST_DEL) {
            throw new IllegalArgumentException(
                    "netif_extra_info.type: " + type + " is not MCAST_ADD (2) or MCAST_DEL (3)");
        }
        if ((address >>> 48) != 0) {
            throw new IllegalArgumentException(
                    "netif_extra_info.u.mcast.addr: 0x" + Long.toHexString(address) + " does not fit 48 bits");
        }
        int base = writeExtraHeader(index, type, flags);
        for (int i = 0; i < ExtraInfoLayout.MCAST_ADDR_LENGTH; i++) {
            page[base + ExtraInfoLayout.MCAST_ADDR_OFFSET + i] = (byte) (address >>> (8 * (5 - i)));
        }
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.type} of the slot, unsigned 8-bit
     */
    public int extraType(int index) {
        return page[entryOffset(index) + ExtraInfoLayout.TYPE_OFFSET] & 0xFF;
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.flags} of the slot, unsigned 8-bit
     */
    public int extraFlags(int index) {
        return page[entryOffset(index) + ExtraInfoLayout.FLAGS_OFFSET] & 0xFF;
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.gso.size} of the slot, unsigned 16-bit
     */
    public int extraGsoSize(int index) {
        return getU16(entryOffset(index) + ExtraInfoLayout.GSO_SIZE_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.gso.type} of the slot, unsigned 8-bit
     */
    public int extraGsoType(int index) {
        return page[entryOffset(index) + ExtraInfoLayout.GSO_TYPE_OFFSET] & 0xFF;
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.gso.features} of the slot, unsigned 16-bit
     */
    public int extraGsoFeatures(int index) {
        return getU16(entryOffset(index) + ExtraInfoLayout.GSO_FEATURES_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.xdp.headroom} of the slot, unsigned 16-bit
     */
    public int extraXdpHeadroom(int index) {
        return getU16(entryOffset(index) + ExtraInfoLayout.XDP_HEADROOM_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.hash.type} of the slot, unsigned 8-bit
     */
    public int extraHashType(int index) {
        return page[entryOffset(index) + ExtraInfoLayout.HASH_TYPE_OFFSET] & 0xFF;
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.hash.algorithm} of the slot, unsigned 8-bit
     */
    public int extraHashAlgorithm(int index) {
        return page[entryOffset(index) + ExtraInfoLayout.HASH_ALGORITHM_OFFSET] & 0xFF;
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.hash.value} of the slot (little-endian)
     */
    public int extraHashValue(int index) {
        return getInt(entryOffset(index) + ExtraInfoLayout.HASH_VALUE_OFFSET);
    }

    /**
     * @param index a {@code RING_IDX}
     * @return {@code netif_extra_info.u.mcast.addr} of the slot, {@code addr[0]} in bits 47..40
     */
    public long extraMcastAddress(int index) {
        int base = entryOffset(index) + ExtraInfoLayout.MCAST_ADDR_OFFSET;
        long address = 0;
        for (int i = 0; i < ExtraInfoLayout.MCAST_ADDR_LENGTH; i++) {
            address = (address << 8) | (page[base + i] & 0xFF);
        }
        return address;
    }

    // ---- views --------------------------------------------------------------------------------

    /**
     * {@code BACK_RING_ATTACH}: a back-end view whose {@code rsp_prod_pvt} and {@code req_cons}
     * start at {@code index} ({@code BACK_RING_INIT} is attach at 0). The page is not written.
     *
     * @param index the starting {@code RING_IDX}
     * @return a new back view of this page
     */
    public BackRing attachBack(int index) {
        return new BackRing(this, index);
    }

    /**
     * {@code FRONT_RING_ATTACH}: a front-end view whose {@code req_prod_pvt} and {@code rsp_cons}
     * start at {@code index} ({@code FRONT_RING_INIT} is attach at 0). The page is not written.
     *
     * @param index the starting {@code RING_IDX}
     * @return a new front view of this page
     */
    public FrontRing attachFront(int index) {
        return new FrontRing(this, index);
    }

    // ---- internals ----------------------------------------------------------------------------

    private int writeExtraHeader(int index, int type, int flags) {
        int base = entryOffset(index);
        page[base + ExtraInfoLayout.TYPE_OFFSET] = (byte) type;
        page[base + ExtraInfoLayout.FLAGS_OFFSET] = (byte) checkU8("netif_extra_info.flags", flags);
        return base;
    }

    private int getInt(int offset) {
        return (int) INT.get(page, offset);
    }

    private void putInt(int offset, int value) {
        INT.set(page, offset, value);
    }

    private int getU16(int offset) {
        return (short) SHORT.get(page, offset) & 0xFFFF;
    }

    private void putShort(int offset, int value) {
        SHORT.set(page, offset, (short) value);
    }

    private static int checkU16(String field, int value) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + ": " + value + " does not fit u16 (0 .. 65535)");
        }
        return value;
    }

    private static int checkS16(String field, int value) {
        if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
            throw new IllegalArgumentException(field + ": " + value + " does not fit s16 (-32768 .. 32767)");
        }
        return value;
    }

    private static int checkU8(String field, int value) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + ": " + value + " does not fit u8 (0 .. 255)");
        }
        return value;
    }

    /**
     * The back end's private view ({@code netif_rx_back_ring}): {@code rsp_prod_pvt} (responses
     * written but maybe not yet pushed) and {@code req_cons} (requests consumed), with the {@code
     * ring.h} operations a back end uses.
     */
    public static final class BackRing {
        private final RxRing ring;
        private int rspProdPvt;
        private int reqCons;

        BackRing(RxRing ring, int index) {
            this.ring = ring;
            this.rspProdPvt = index;
            this.reqCons = index;
        }

        /** @return the shared page this view is attached to */
        public RxRing ring() {
            return ring;
        }

        /** @return {@code RING_SIZE(r)}: 256 */
        public int size() {
            return SIZE;
        }

        /** @return {@code rsp_prod_pvt}: the private response producer index */
        public int rspProdPvt() {
            return rspProdPvt;
        }

        /**
         * Sets {@code rsp_prod_pvt} (Linux {@code rx.c} sets it to {@code req_cons} once a packet's
         * responses are written).
         *
         * @param index the new index
         */
        public void setRspProdPvt(int index) {
            this.rspProdPvt = index;
        }

        /** @return {@code req_cons}: the request consumer index */
        public int reqCons() {
            return reqCons;
        }

        /**
         * Sets {@code req_cons}.
         *
         * @param index the new index
         */
        public void setReqCons(int index) {
            this.reqCons = index;
        }

        /**
         * Consumes one request, {@code RING_GET_REQUEST(r, r->req_cons++)}: returns the index
         * whose slot holds it (read it with {@link RxRing#requestId} / {@link RxRing#requestGref})
         * and advances {@code req_cons}. No check is made; loop on {@link #unconsumedRequests()}.
         *
         * @return the index of the consumed request
         */
        public int takeRequest() {
            return reqCons++;
        }

        /**
         * {@code RING_HAS_UNCONSUMED_REQUESTS} ({@code XEN_RING_NR_UNCONSUMED_REQUESTS}): the
         * count {@code min(req_prod - req_cons, RING_SIZE - (req_cons - rsp_prod_pvt))}, unsigned
         * 32-bit. It never exceeds {@code RING_SIZE} while this view keeps {@code req_cons -
         * rsp_prod_pvt <= RING_SIZE}, whatever the front end wrote into {@code req_prod}.
         *
         * @return the number of requests that may be consumed, as an unsigned 32-bit value
         */
        public int unconsumedRequests() {
            int requests = ring.reqProd() - reqCons;
            int room = SIZE - (reqCons - rspProdPvt);
            return Integer.compareUnsigned(requests, room) < 0 ? requests : room;
        }

        /**
         * {@code RING_REQUEST_CONS_OVERFLOW(r, cons)}: {@code (u32)(cons - rsp_prod_pvt) >=
         * RING_SIZE}, the consumer loop's stop test (the slot of {@code cons} still awaits its
         * response).
         *
         * @param cons a request consumer index
         * @return whether consuming at {@code cons} would overrun unanswered slots
         */
        public boolean requestConsOverflow(int cons) {
            return Integer.compareUnsigned(cons - rspProdPvt, SIZE) >= 0;
        }

        /**
         * {@code RING_REQUEST_PROD_OVERFLOW(r, prod)}: {@code (u32)(prod - rsp_prod_pvt) >
         * RING_SIZE}, a front end that posted more requests than there are free slots.
         *
         * @param prod a request producer index read from the page
         * @return whether the front end is ill-behaved
         */
        public boolean requestProdOverflow(int prod) {
            return Integer.compareUnsigned(prod - rspProdPvt, SIZE) > 0;
        }

        /**
         * Reads {@code sring->req_prod} and validates it with {@code RING_REQUEST_PROD_OVERFLOW}.
         *
         * @return {@code req_prod}
         * @throws RingProtocolException if the front end moved {@code req_prod} more than a ring
         *     ahead of {@code rsp_prod_pvt}
         */
        public int checkedReqProd() {
            int prod = ring.reqProd();
            if (requestProdOverflow(prod)) {
                throw new RingProtocolException(
                        "RING_REQUEST_PROD_OVERFLOW",
                        "RING_REQUEST_PROD_OVERFLOW: req_prod " + RingProtocolException.idx(prod)
                                + " - rsp_prod_pvt " + RingProtocolException.idx(rspProdPvt) + " = "
                                + Integer.toUnsignedString(prod - rspProdPvt) + " > RING_SIZE " + SIZE
                                + " (ill-behaved front end; req_cons " + RingProtocolException.idx(reqCons) + ")");
            }
            return prod;
        }

        /** {@code RING_PUSH_RESPONSES}: publishes {@code sring->rsp_prod = rsp_prod_pvt}. */
        public void pushResponses() {
            ring.setRspProd(rspProdPvt);
        }

        /**
         * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}: publishes {@code rsp_prod_pvt} and tells
         * whether {@code rsp_event} lies in {@code (old rsp_prod, new rsp_prod]} modulo 2^32.
         *
         * @return {@code notify}: whether to kick the front end's event channel
         */
        public boolean pushResponsesAndCheckNotify() {
            int oldProd = ring.rspProd();
            int newProd = rspProdPvt;
            ring.setRspProd(newProd);
            return needsNotify(oldProd, newProd, ring.rspEvent());
        }

        /**
         * {@code RING_FINAL_CHECK_FOR_REQUESTS}: the unconsumed-request count; when it is 0, first
         * re-arms {@code req_event = req_cons + 1} (so the very next request notifies) and counts
         * again, closing the race with a front end that posted meanwhile.
         *
         * @return the unconsumed-request count ({@code work_to_do})
         */
        public int finalCheckForRequests() {
            int work = unconsumedRequests();
            if (work != 0) {
                return work;
            }
            ring.setReqEvent(reqCons + 1);
            return unconsumedRequests();
        }

        /** @return the private indices, e.g. {@code BackRing[rsp_prod_pvt=0x00000000 (0), ...]} */
        @Override
        public String toString() {
            return "BackRing[rsp_prod_pvt=" + RingProtocolException.idx(rspProdPvt) + ", req_cons="
                    + RingProtocolException.idx(reqCons) + "]";
        }
    }

    /**
     * The front end's private view ({@code netif_rx_front_ring}): {@code req_prod_pvt} (requests
     * written but maybe not yet pushed) and {@code rsp_cons} (responses consumed), with the {@code
     * ring.h} operations a front end uses.
     */
    public static final class FrontRing {
        private final RxRing ring;
        private int reqProdPvt;
        private int rspCons;

        FrontRing(RxRing ring, int index) {
            this.ring = ring;
            this.reqProdPvt = index;
            this.rspCons = index;
        }

        /** @return the shared page this view is attached to */
        public RxRing ring() {
            return ring;
        }

        /** @return {@code RING_SIZE(r)}: 256 */
        public int size() {
            return SIZE;
        }

        /** @return {@code req_prod_pvt}: the private request producer index */
        public int reqProdPvt() {
            return reqProdPvt;
        }

        /**
         * Sets {@code req_prod_pvt}.
         *
         * @param index the new index
         */
        public void setReqProdPvt(int index) {
            this.reqProdPvt = index;
        }

        /** @return {@code rsp_cons}: the response consumer index */
        public int rspCons() {
            return rspCons;
        }

        /**
         * Sets {@code rsp_cons}.
         *
         * @param index the new index
         */
        public void setRspCons(int index) {
            this.rspCons = index;
        }

        /**
         * Posts one request privately: fills {@code RING_GET_REQUEST(r, req_prod_pvt)} and
         * advances {@code req_prod_pvt}. Nothing is visible to the back end until a push. No
         * check is made; test {@link #full()} first.
         *
         * @param id the request id, 0 .. 0xFFFF
         * @param gref the grant reference of the buffer
         * @return the index the request was written at
         * @throws IllegalArgumentException if {@code id} does not fit 16 bits
         */
        public int postRequest(int id, int gref) {
            int index = reqProdPvt;
            ring.writeRequest(index, id, gref);
            reqProdPvt = index + 1;
            return index;
        }

        /**
         * Consumes one response, {@code RING_GET_RESPONSE(r, r->rsp_cons++)}: returns its index
         * and advances {@code rsp_cons}. No check is made; loop on {@link #unconsumedResponses()}.
         *
         * @return the index of the consumed response
         */
        public int takeResponse() {
            return rspCons++;
        }

        /**
         * {@code RING_FREE_REQUESTS}: {@code RING_SIZE - (req_prod_pvt - rsp_cons)}.
         *
         * @return slots the front end may still fill
         */
        public int freeRequests() {
            return SIZE - (reqProdPvt - rspCons);
        }

        /** @return {@code RING_FULL}: whether {@link #freeRequests()} is 0 */
        public boolean full() {
            return freeRequests() == 0;
        }

        /**
         * {@code XEN_RING_NR_UNCONSUMED_RESPONSES}: {@code rsp_prod - rsp_cons}, unsigned 32-bit.
         *
         * @return the number of published responses not yet consumed
         */
        public int unconsumedResponses() {
            return ring.rspProd() - rspCons;
        }

        /**
         * {@code RING_RESPONSE_PROD_OVERFLOW(r, prod)}: {@code (u32)(prod - rsp_cons) >
         * RING_SIZE}, a back end that published more responses than fit.
         *
         * @param prod a response producer index read from the page
         * @return whether the back end is ill-behaved
         */
        public boolean responseProdOverflow(int prod) {
            return Integer.compareUnsigned(prod - rspCons, SIZE) > 0;
        }

        /**
         * Reads {@code sring->rsp_prod} and validates it with {@code RING_RESPONSE_PROD_OVERFLOW}
         * (as Linux {@code xennet_poll} does).
         *
         * @return {@code rsp_prod}
         * @throws RingProtocolException if the back end moved {@code rsp_prod} more than a ring
         *     ahead of {@code rsp_cons}
         */
        public int checkedRspProd() {
            int prod = ring.rspProd();
            if (responseProdOverflow(prod)) {
                throw new RingProtocolException(
                        "RING_RESPONSE_PROD_OVERFLOW",
                        "RING_RESPONSE_PROD_OVERFLOW: rsp_prod " + RingProtocolException.idx(prod)
                                + " - rsp_cons " + RingProtocolException.idx(rspCons) + " = "
                                + Integer.toUnsignedString(prod - rspCons) + " > RING_SIZE " + SIZE
                                + " (ill-behaved back end)");
            }
            return prod;
        }

        /** {@code RING_PUSH_REQUESTS}: publishes {@code sring->req_prod = req_prod_pvt}. */
        public void pushRequests() {
            ring.setReqProd(reqProdPvt);
        }

        /**
         * {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}: publishes {@code req_prod_pvt} and tells
         * whether {@code req_event} lies in {@code (old req_prod, new req_prod]} modulo 2^32.
         *
         * @return {@code notify}: whether to kick the back end's event channel
         */
        public boolean pushRequestsAndCheckNotify() {
            int oldProd = ring.reqProd();
            int newProd = reqProdPvt;
            ring.setReqProd(newProd);
            return needsNotify(oldProd, newProd, ring.reqEvent());
        }

        /**
         * {@code RING_FINAL_CHECK_FOR_RESPONSES}: the unconsumed-response count; when it is 0,
         * first re-arms {@code rsp_event = rsp_cons + 1} and counts again.
         *
         * @return the unconsumed-response count ({@code work_to_do})
         */
        public int finalCheckForResponses() {
            int work = unconsumedResponses();
            if (work != 0) {
                return work;
            }
            ring.setRspEvent(rspCons + 1);
            return unconsumedResponses();
        }

        /** @return the private indices, e.g. {@code FrontRing[req_prod_pvt=0x00000000 (0), ...]} */
        @Override
        public String toString() {
            return "FrontRing[req_prod_pvt=" + RingProtocolException.idx(reqProdPvt) + ", rsp_cons="
                    + RingProtocolException.idx(rspCons) + "]";
        }
    }
}
