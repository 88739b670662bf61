package io.github.netbackrx.netfront;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.ring.RingProtocolException;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.GrantTable;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Linux netfront's RX side on the guest domain, for a {@link GuestKernel} (current Linux by
 * default).
 *
 * <h2>Posting ({@code xennet_alloc_rx_buffers})</h2>
 *
 * Each request gets {@code id = ring index & (RING_SIZE - 1)} ({@code xennet_rxidx}) and a freshly
 * allocated guest frame granted writable to the backend; the buffer is remembered by ring slot,
 * not by response id (the same-slot rule). {@link #refill()} fills every free slot (up to {@code
 * NET_RX_RING_SIZE} outstanding); it then pushes with {@code
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY} only if at least {@link #NET_RX_SLOTS_MIN} requests are
 * outstanding (Linux retries later from a timer otherwise; here, on the next call) and notifies
 * the backend when the macro says so.
 *
 * <h2>Receiving ({@code xennet_poll}, {@code xennet_get_responses})</h2>
 *
 * {@link #poll()} reads {@code rsp_prod} with the {@code RING_RESPONSE_PROD_OVERFLOW} check (a
 * backend that overflows it marks the device broken: {@link #brokenBy()}), then per packet:
 *
 * <ul>
 *   <li>with {@code extra_info} on the first slot, {@code xennet_get_extras}: each extra eats a
 *       slot and that slot is reposted ({@code xennet_move_rx_slot}), even one where nothing was
 *       posted (the request then names no buffer: {@code INVALID_GRANT_REF}); a type outside
 *       1..5 is an error; the chain follows {@code EXTRA_FLAG_MORE}; no further published response
 *       is "missing extra info"; an XDP extra (current Linux) makes its {@code u.xdp.headroom} the
 *       first data slot's offset;
 *   <li>each data slot, in this order: a slot without a posted buffer is "bad response id";
 *       {@code status < 0} or {@code offset + status > 4096} is an error (the buffer is reposted,
 *       {@code xennet_move_rx_slot}); otherwise the grant is ended (revoked) and the bytes are taken;
 *   <li>{@code more_data} chains; with nothing more published, "need more slots";
 *   <li>the data-slot limits of {@link NetfrontLimits} for the guest kernel ({@code
 *       xennet_get_responses}' {@code max}, then {@code xennet_fill_frags}' {@code MAX_SKB_FRAGS});
 *       extras do not count;
 *   <li>a GSO extra must have a non-zero size and a type the guest takes ({@code
 *       xennet_set_skb_gso}).
 * </ul>
 *
 * A packet that breaks a rule is dropped and counted by {@link RejectReason}; {@code rsp_cons}
 * moves past all its slots and the ring goes on. Then the buffers are refilled and {@code
 * RING_FINAL_CHECK_FOR_RESPONSES} re-arms {@code rsp_event}, polling again if more arrived.
 * Consumed buffers' frames are freed; fresh frames are allocated on refill.
 *
 * <h2>Buffers</h2>
 *
 * A preallocated table of buffer records stands for {@code rx_skbs[]} and {@code grant_rx_ref[]}:
 * each ring slot holds a record or none, {@code xennet_get_rx_skb} takes the record out of its slot
 * and {@code xennet_move_rx_slot} puts it into the slot at {@code req_prod_pvt}; a released record
 * goes back to a free list. Receiving allocates nothing.
 *
 * <h2>Fault injection</h2>
 *
 * For tests and simulators, through {@link #faults()}: stop and resume posting, and on a posted,
 * unanswered request revoke its grant, make it read-only, grant it to another domain, put a
 * reference beyond the table, or scribble on the shared {@code req_prod}. A tampered buffer is not
 * reused when it comes back: it is released and replaced by a fresh one, so a fault hits one
 * packet only.
 */
public final class Netfront {
    /** {@code NET_RX_SLOTS_MIN}: {@code XEN_NETIF_NR_SLOTS_MIN + 1} = 19. */
    public static final int NET_RX_SLOTS_MIN = Netif.NR_SLOTS_MIN + 1;

    /** {@code INVALID_GRANT_REF} ({@code (grant_ref_t)-1}): a reposted request that names no buffer. */
    static final int INVALID_GRANT_REF = -1;

    private static final int SIZE = RxRing.SIZE;
    private static final int MASK = SIZE - 1;

    private final Domain guest;
    private final GrantTable grants;
    private final int backendDomid;
    private final GuestKernel kernel;
    private final RxRing.FrontRing front;
    private final RxRing ring;
    private final EventChannel.Endpoint port;
    private final NetfrontListener listener;
    private final Faults faults = new Faults();

    /** One receive buffer ({@code rx_skbs[i]} with {@code grant_rx_ref[i]}). */
    private static final class Buffer {
        long frame;
        int gref;
        /** Whether netfront still holds the grant, so that releasing the buffer ends it. */
        boolean grantOwned;
        /** Whether a fault hook changed its grant: not reused when it comes back. */
        boolean tampered;
    }

    /** The buffer posted in each ring slot, or {@code null} ({@code rx_skbs[i] == NULL}). */
    private final Buffer[] slots = new Buffer[SIZE];
    /** Records not in a slot; a slot's and the two a poll holds at most are all preallocated. */
    private final Buffer[] free = new Buffer[SIZE + 2];

    private int freeCount;
    /** The packet being received: where its data slots' bytes are, handed to the listener. */
    private final PacketView view;
    /** Buffers read into {@link #view} whose release waits until the listener returned (or an error). */
    private final Buffer[] held = new Buffer[SIZE + 1];

    private int heldCount;
    private boolean postingStopped;
    private RingProtocolException brokenBy;

    private long packetsReceived;
    private long bytesReceived;
    private long packetsRejected;
    private final long[] rejectedBy = new long[RejectReason.values().length];
    private long responsesConsumed;
    private long requestsPosted;
    private long notifications;
    private long gsoChecksumFixups;

    /**
     * A current-Linux netfront ({@link GuestKernel#CURRENT}) on {@code guest}; see {@link
     * #Netfront(Domain, int, RxRing.FrontRing, EventChannel.Endpoint, NetfrontListener,
     * GuestKernel)}.
     *
     * @param guest the guest domain (owner of the buffers and of the grant table)
     * @param backendDomid the backend's domain id (the grantee)
     * @param ring the front view of the RX ring
     * @param port the guest's end of the event channel
     * @param listener told about each packet accepted or dropped
     */
    public Netfront(
            Domain guest,
            int backendDomid,
            RxRing.FrontRing ring,
            EventChannel.Endpoint port,
            NetfrontListener listener) {
        this(guest, backendDomid, ring, port, listener, GuestKernel.CURRENT);
    }

    /**
     * A netfront of the given guest kernel on {@code guest} using the front view of the RX ring and
     * the guest's end of the event channel. Nothing is posted until {@link #refill()}.
     *
     * @param guest the guest domain (owner of the buffers and of the grant table)
     * @param backendDomid the backend's domain id (the grantee)
     * @param ring the front view of the RX ring
     * @param port the guest's end of the event channel
     * @param listener told about each packet accepted or dropped
     * @param kernel the guest kernel's generation, whose limits the netfront applies
     */
    public Netfront(
            Domain guest,
            int backendDomid,
            RxRing.FrontRing ring,
            EventChannel.Endpoint port,
            NetfrontListener listener,
            GuestKernel kernel) {
        this.guest = Objects.requireNonNull(guest, "guest");
        this.grants = guest.grantTable();
        this.backendDomid = backendDomid;
        this.front = Objects.requireNonNull(ring, "ring");
        this.ring = ring.ring();
        this.port = Objects.requireNonNull(port, "port");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        for (int i = 0; i < free.length; i++) {
            free[i] = new Buffer();
        }
        this.view = new PacketView(guest);
        freeCount = free.length;
    }

    // ---- posting -------------------------------------------------------------------------------

    /**
     * {@code xennet_alloc_rx_buffers}: posts fresh buffers in a batch and pushes (see the class
     * comment).
     *
     * @return the number of requests newly posted
     */
    public int refill() {
        if (postingStopped || brokenBy != null) {
            return 0;
        }
        int n = 0;
        // req_prod - rsp_cons < RING_SIZE, unsigned: after a backend answered more than was posted
        // (rsp_cons past req_prod_pvt) nothing is posted, rather than over a ring's worth
        while (Integer.compareUnsigned(front.reqProdPvt() - front.rspCons(), SIZE) < 0) {
            postFresh();
            n++;
        }
        if (Integer.compareUnsigned(front.reqProdPvt() - front.rspCons(), NET_RX_SLOTS_MIN) < 0) {
            return n;
        }
        if (front.pushRequestsAndCheckNotify()) {
            port.send();
            notifications++;
        }
        return n;
    }

    /** Posts a fresh buffer at {@code req_prod_pvt}: a new frame granted writable to the backend. */
    private void postFresh() {
        Buffer b = freeCount > 0 ? free[--freeCount] : new Buffer(); // the table never runs dry
        b.frame = guest.allocateFrame();
        b.gref = grants.grantAccess(backendDomid, b.frame, false);
        b.grantOwned = true;
        b.tampered = false;
        put(b);
    }

    /** Puts {@code b} (or no buffer) into the slot at {@code req_prod_pvt} and posts its request. */
    private void put(Buffer b) {
        int slot = front.reqProdPvt() & MASK;
        if (slots[slot] != null) {
            // xennet_move_rx_slot's BUG_ON(rx_skbs[new]): only a backend answering unposted slots
            // gets here; the model releases the buffer left there rather than leak it
            release(slots[slot]);
        }
        slots[slot] = b;
        front.postRequest(slot, b == null ? INVALID_GRANT_REF : b.gref);
        requestsPosted++;
    }

    /**
     * {@code xennet_get_rx_skb} with {@code xennet_get_rx_ref}: takes the buffer out of a consumed
     * slot, so that a repost may reuse the slot.
     *
     * @return the buffer, or {@code null} when nothing was posted there
     */
    private Buffer take(int index) {
        int slot = index & MASK;
        Buffer b = slots[slot];
        slots[slot] = null;
        return b;
    }

    /**
     * {@code xennet_move_rx_slot}: reposts a taken buffer at {@code req_prod_pvt}; a tampered one is
     * released and a fresh one posted instead.
     */
    private void moveRxSlot(Buffer b) {
        if (b != null && b.tampered) {
            release(b);
            postFresh();
        } else {
            put(b);
        }
    }

    /**
     * Ends the buffer's grant if netfront still holds it (the deferred end of a revoked grant
     * included) and frees its frame.
     */
    private void release(Buffer b) {
        if (b.grantOwned) {
            grants.endAccess(b.gref);
        }
        guest.freeFrame(b.frame);
        b.grantOwned = false;
        b.tampered = false;
        free[freeCount++] = b;
    }

    // ---- receiving -----------------------------------------------------------------------------

    /**
     * {@code xennet_poll}: consumes every published response, refills, and re-arms {@code
     * rsp_event} with {@code RING_FINAL_CHECK_FOR_RESPONSES} (see the class comment).
     *
     * @return the number of packets accepted
     */
    public int poll() {
        int accepted = 0;
        while (brokenBy == null) {
            int rp;
            try {
                rp = front.checkedRspProd();
            } catch (RingProtocolException e) {
                brokenBy = e;
                break;
            }
            while (front.rspCons() != rp) {
                if (receiveOne(rp)) {
                    accepted++;
                }
            }
            refill();
            if (front.finalCheckForResponses() == 0) {
                break;
            }
        }
        return accepted;
    }

    /** One packet from {@code rsp_cons}: {@code xennet_get_responses} and the GSO check. */
    private boolean receiveOne(int rp) {
        int cons = front.rspCons();
        int status = ring.responseStatus(cons);
        int offset = ring.responseOffset(cons);
        int flags = ring.responseFlags(cons);
        int firstFlags = flags;
        int firstStatus = status;
        RejectReason err = null;
        int gsoSize = 0;
        int gsoType = -1;
        Buffer buffer = take(cons);
        if ((flags & Netif.RXF_EXTRA_INFO) != 0) {
            int xdpHeadroom = -1;
            int extraFlags;
            do {
                if (cons + 1 == rp) {
                    err = RejectReason.MISSING_EXTRA;
                    break;
                }
                cons++;
                int type = ring.extraType(cons);
                extraFlags = ring.extraFlags(cons);
                if (type == Netif.EXTRA_TYPE_NONE || type >= Netif.EXTRA_TYPE_MAX) {
                    err = RejectReason.INVALID_EXTRA_TYPE;
                } else if (type == Netif.EXTRA_TYPE_GSO) {
                    gsoSize = ring.extraGsoSize(cons);
                    gsoType = ring.extraGsoType(cons);
                } else if (type == Netif.EXTRA_TYPE_XDP) {
                    xdpHeadroom = ring.extraXdpHeadroom(cons);
                }
                responsesConsumed++;
                moveRxSlot(take(cons));
            } while ((extraFlags & Netif.EXTRA_FLAG_MORE) != 0);
            if (err == null && xdpHeadroom >= 0 && kernel == GuestKernel.CURRENT) {
                offset = xdpHeadroom; // rx->offset = xdp->u.xdp.headroom
            }
        }
        int slots = 1;
        int length = 0;
        view.clear();
        while (true) {
            responsesConsumed++;
            if (buffer == null) {
                err = err == null ? RejectReason.BAD_RESPONSE_ID : err;
            } else if (NetfrontLimits.badStatus(status, offset)) {
                releaseHeld(); // the buffers before it go first, as they did in ring order
                moveRxSlot(buffer);
                err = err == null ? RejectReason.BAD_STATUS : err;
            } else {
                // gnttab_end_foreign_access_ref; the page then belongs to the skb: the bytes stay
                // where the copy put them, and the buffer is released once the stack is done with it
                view.add(buffer.frame, offset, status);
                length += status;
                held[heldCount++] = buffer;
            }
            if ((flags & Netif.RXF_MORE_DATA) == 0) {
                break;
            }
            if (cons + slots == rp) {
                err = err == null ? RejectReason.NEED_MORE_SLOTS : err;
                break;
            }
            int index = cons + slots;
            buffer = take(index);
            status = ring.responseStatus(index);
            offset = ring.responseOffset(index);
            flags = ring.responseFlags(index);
            slots++;
        }
        RejectReason count = NetfrontLimits.slotCountRejection(kernel, slots, firstStatus);
        if (count == RejectReason.TOO_MANY_SLOTS) {
            err = count; // xennet_get_responses' -E2BIG, whatever came before
        }
        front.setRspCons(cons + slots);
        GsoType type = null;
        if (err == null && gsoType >= 0) { // xennet_set_skb_gso
            if (gsoSize == 0 || !takesGsoType(gsoType)) {
                err = RejectReason.BAD_GSO;
            } else {
                type = GsoType.fromWire(gsoType);
            }
        }
        if (err == null && count != null) {
            err = count; // xennet_fill_frags' -ENOENT
        }
        if (err != null) {
            releaseHeld();
            packetsRejected++;
            rejectedBy[err.ordinal()]++;
            listener.rejected(err);
            return false;
        }
        ChecksumState checksum;
        if ((firstFlags & Netif.RXF_CSUM_BLANK) != 0) {
            checksum = ChecksumState.PARTIAL;
        } else if (type != null && kernel == GuestKernel.CURRENT) {
            checksum = ChecksumState.PARTIAL; // checksum_setup's GSO fixup
            gsoChecksumFixups++;
        } else if ((firstFlags & Netif.RXF_DATA_VALIDATED) != 0) {
            checksum = ChecksumState.UNNECESSARY;
        } else {
            checksum = ChecksumState.NONE;
        }
        packetsReceived++;
        bytesReceived += length;
        view.finish(type == null ? 0 : gsoSize, type, checksum, slots);
        try {
            listener.accepted(view);
        } finally {
            releaseHeld();
        }
        return true;
    }

    /** Releases the buffers held for the packet being received, in ring order. */
    private void releaseHeld() {
        for (int i = 0; i < heldCount; i++) {
            release(held[i]);
            held[i] = null;
        }
        heldCount = 0;
    }

    /** Whether {@code xennet_set_skb_gso} takes the type: TCPv4 or TCPv6; TCPv4 only in 2010. */
    private boolean takesGsoType(int wire) {
        return wire == Netif.GSO_TYPE_TCPV4 || (wire == Netif.GSO_TYPE_TCPV6 && kernel == GuestKernel.CURRENT);
    }

    // ---- state ---------------------------------------------------------------------------------

    /** @return the front view of the ring */
    public RxRing.FrontRing ring() {
        return front;
    }

    /** @return the guest kernel whose limits this netfront applies */
    public GuestKernel kernel() {
        return kernel;
    }

    /** @return whether posting is stopped by {@link Faults#stopPosting()} */
    public boolean postingStopped() {
        return postingStopped;
    }

    /** @return the error that marked the device broken ({@code RING_RESPONSE_PROD_OVERFLOW}), if any */
    public Optional<RingProtocolException> brokenBy() {
        return Optional.ofNullable(brokenBy);
    }

    /** @return the buffers posted and not yet answered */
    public int outstandingRequests() {
        return front.reqProdPvt() - front.rspCons();
    }

    /**
     * The sum of every counter of {@link #statistics()} (the rejections by reason count in {@code
     * packetsRejected}). The counters only grow, so the sum changes exactly when one of them does:
     * a cheap test of whether anything happened. Allocates nothing.
     *
     * @return the sum
     */
    public long eventCount() {
        return packetsReceived
                + bytesReceived
                + packetsRejected
                + responsesConsumed
                + requestsPosted
                + notifications
                + gsoChecksumFixups;
    }

    /** @return a snapshot of the counters */
    public NetfrontStatistics statistics() {
        Map<RejectReason, Long> by = new EnumMap<>(RejectReason.class);
        for (RejectReason r : RejectReason.values()) {
            if (rejectedBy[r.ordinal()] != 0) {
                by.put(r, rejectedBy[r.ordinal()]);
            }
        }
        return new NetfrontStatistics(
                packetsReceived,
                bytesReceived,
                packetsRejected,
                by,
                responsesConsumed,
                requestsPosted,
                notifications,
                gsoChecksumFixups);
    }

    // ---- fault injection -----------------------------------------------------------------------

    /** @return the fault hooks of this netfront */
    public Faults faults() {
        return faults;
    }

    /**
     * A misbehaving guest, for tests and simulators: hooks that change this netfront's buffers,
     * grants or shared indices behind the backend's back. Each grant hook takes the ring index of a
     * posted request not yet answered, and throws {@link IllegalArgumentException} for any other.
     */
    public final class Faults {
        private Faults() {}

        /** Stops posting buffers: {@link #refill()} does nothing until {@link #resumePosting()}. */
        public void stopPosting() {
            postingStopped = true;
        }

        /** Resumes posting; the next {@link #refill()} posts and pushes again. */
        public void resumePosting() {
            postingStopped = false;
        }

        /**
         * Revokes the grant of a posted buffer behind the backend's back: the grant entry becomes
         * {@code GTF_invalid} at once, so the copy into it fails {@code GNTST_general_error}; the
         * reference goes back to the free list only when the backend has answered the request (as
         * Linux's {@code gnttab_end_foreign_access} defers freeing a reference the backend may still
         * use), so no refill can hand it to another buffer meanwhile.
         *
         * @param index the ring index of a posted request not yet answered
         * @throws IllegalArgumentException if no such request is outstanding
         */
        public void revokeGrant(int index) {
            Buffer b = tamper(index);
            grants.writeEntry(b.gref, GrantTable.GTF_INVALID, backendDomid, b.frame);
        }

        /**
         * Replaces the grant of a posted buffer by a read-only grant of the same frame: the copy into
         * it fails {@code GNTST_general_error}.
         *
         * @param index the ring index of a posted request not yet answered
         * @throws IllegalArgumentException if no such request is outstanding
         */
        public void makeGrantReadOnly(int index) {
            Buffer b = tamper(index);
            grants.endAccess(b.gref);
            regrant(index, b, grants.grantAccess(backendDomid, b.frame, true));
        }

        /**
         * Replaces the grant of a posted buffer by a grant of the same frame to another domain: the
         * backend is not the grantee, so the copy fails {@code GNTST_general_error}.
         *
         * @param index the ring index of a posted request not yet answered
         * @param domid the wrong grantee
         * @throws IllegalArgumentException if no such request is outstanding
         */
        public void grantToWrongDomain(int index, int domid) {
            Buffer b = tamper(index);
            grants.endAccess(b.gref);
            regrant(index, b, grants.grantAccess(domid, b.frame, false));
        }

        /**
         * Rewrites a posted request's {@code gref} to one beyond the grant table: the copy fails
         * {@code GNTST_bad_gntref}.
         *
         * @param index the ring index of a posted request not yet answered
         * @throws IllegalArgumentException if no such request is outstanding
         */
        public void setGrefBeyondTable(int index) {
            Buffer b = tamper(index);
            grants.endAccess(b.gref);
            b.grantOwned = false;
            b.gref = grants.size();
            ring.writeRequest(index, index & MASK, grants.size());
        }

        /**
         * Writes an arbitrary value into the shared {@code req_prod} (an ill-behaved front end).
         *
         * @param value the new {@code req_prod}
         */
        public void writeReqProd(int value) {
            ring.setReqProd(value);
        }

        private Buffer tamper(int index) {
            int outstanding = front.reqProdPvt() - front.rspCons();
            Buffer b = slots[index & MASK];
            if (Integer.compareUnsigned(index - ring.rspProd(), outstanding) >= 0
                    || Integer.compareUnsigned(index - front.rspCons(), outstanding) >= 0
                    || b == null
                    || b.tampered) {
                throw new IllegalArgumentException("netfront: no untampered outstanding request at index "
                        + Integer.toUnsignedString(index) + " (" + front + ", rsp_prod "
                        + Integer.toUnsignedString(ring.rspProd()) + ")");
            }
            b.tampered = true;
            return b;
        }

        private void regrant(int index, Buffer b, int g) {
            b.gref = g;
            b.grantOwned = true;
            ring.writeRequest(index, index & MASK, g);
        }
    }
}
