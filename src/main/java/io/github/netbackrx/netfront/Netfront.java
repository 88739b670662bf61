package io.github.netbackrx.netfront;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.ring.RingProtocolException;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.GrantTable;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Linux netfront's RX side on the guest domain.
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
 *       slot and its buffer is reposted; a type outside 1..5 is an error; the chain follows {@code
 *       EXTRA_FLAG_MORE}; no further published response is "missing extra info";
 *   <li>each data slot, in this order: a slot without a posted buffer is "bad response id";
 *       {@code status < 0} or {@code offset + status > 4096} is an error (the buffer is reposted,
 *       {@code xennet_move_rx_slot}); otherwise the grant is ended (revoked) and the bytes are taken;
 *   <li>{@code more_data} chains; with nothing more published, "need more slots";
 *   <li>at most 18 data slots, or 19 when the first slot's status is at most 256
 *       ({@code XEN_NETIF_NR_SLOTS_MIN + (status <= RX_COPY_THRESHOLD)}); extras do not count;
 *   <li>a GSO extra must have a non-zero size and type TCPv4 or TCPv6.
 * </ul>
 *
 * A packet that breaks a rule is dropped and counted by {@link RejectReason}; {@code rsp_cons}
 * moves past all its slots and the ring goes on. Then the buffers are refilled and {@code
 * RING_FINAL_CHECK_FOR_RESPONSES} re-arms {@code rsp_event}, polling again if more arrived.
 * Consumed buffers' frames are freed; fresh frames are allocated on refill.
 *
 * <h2>Fault injection</h2>
 *
 * For tests and simulators: {@link #stopPosting()}/{@link #resumePosting()}, and on a posted,
 * unanswered request {@link #revokeGrant}, {@link #makeGrantReadOnly}, {@link
 * #grantToWrongDomain}, {@link #setGrefBeyondTable}, and {@link #writeReqProd} to scribble on the
 * shared {@code req_prod}. A tampered buffer is not reused when it comes back: it is released and
 * replaced by a fresh one, so a fault hits one packet only.
 */
public final class Netfront {
    /** {@code NET_RX_SLOTS_MIN}: {@code XEN_NETIF_NR_SLOTS_MIN + 1} = 19. */
    public static final int NET_RX_SLOTS_MIN = Netif.NR_SLOTS_MIN + 1;

    private static final int SIZE = RxRing.SIZE;
    private static final int MASK = SIZE - 1;

    private final Domain guest;
    private final GrantTable grants;
    private final int backendDomid;
    private final RxRing.FrontRing front;
    private final RxRing ring;
    private final EventChannel.Endpoint port;
    private final NetfrontListener listener;

    private final long[] frame = new long[SIZE];
    private final int[] gref = new int[SIZE];
    private final boolean[] posted = new boolean[SIZE];
    private final boolean[] grantOwned = new boolean[SIZE];
    private final boolean[] tampered = new boolean[SIZE];
    private long takenFrame;
    private int takenGref;
    private boolean takenPosted;
    private boolean takenOwned;
    private boolean takenTampered;

    private byte[] assembly = new byte[65536 + Netif.PAGE_SIZE];
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
     * A netfront on {@code guest} using the front view of the RX ring and the guest's end of the
     * event channel. Nothing is posted until {@link #refill()}.
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
        this.guest = Objects.requireNonNull(guest, "guest");
        this.grants = guest.grantTable();
        this.backendDomid = backendDomid;
        this.front = Objects.requireNonNull(ring, "ring");
        this.ring = ring.ring();
        this.port = Objects.requireNonNull(port, "port");
        this.listener = Objects.requireNonNull(listener, "listener");
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

    private void postFresh() {
        int index = front.reqProdPvt();
        int slot = index & MASK;
        long f = guest.allocateFrame();
        frame[slot] = f;
        gref[slot] = grants.grantAccess(backendDomid, f, false);
        grantOwned[slot] = true;
        tampered[slot] = false;
        posted[slot] = true;
        front.postRequest(slot, gref[slot]);
        requestsPosted++;
    }

    /**
     * Takes the buffer of a consumed slot out of the slot tables ({@code xennet_get_rx_skb} and
     * {@code xennet_get_rx_ref}) so that a repost may reuse the slot.
     */
    private void take(int index) {
        int slot = index & MASK;
        takenPosted = posted[slot];
        takenFrame = frame[slot];
        takenGref = gref[slot];
        takenOwned = grantOwned[slot];
        takenTampered = tampered[slot];
        posted[slot] = false;
        grantOwned[slot] = false;
        tampered[slot] = false;
    }

    /** {@code xennet_move_rx_slot}: reposts the taken buffer at {@code req_prod_pvt}. */
    private void recycleTaken() {
        if (!takenPosted) {
            return;
        }
        if (takenTampered) {
            releaseTaken();
            postFresh();
            return;
        }
        int to = front.reqProdPvt() & MASK;
        frame[to] = takenFrame;
        gref[to] = takenGref;
        grantOwned[to] = true;
        tampered[to] = false;
        posted[to] = true;
        front.postRequest(to, takenGref);
        requestsPosted++;
    }

    /** Ends the taken buffer's grant (if netfront still holds it) and frees its frame. */
    private void releaseTaken() {
        if (takenOwned) {
            grants.endAccess(takenGref);
        }
        guest.freeFrame(takenFrame);
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
        int max = Netif.NR_SLOTS_MIN + (status <= Netif.RX_COPY_THRESHOLD ? 1 : 0);
        RejectReason err = null;
        int gsoSize = 0;
        int gsoType = -1;
        take(cons);
        long firstFrame = takenFrame;
        int firstGref = takenGref;
        boolean firstPosted = takenPosted;
        boolean firstOwned = takenOwned;
        boolean firstTampered = takenTampered;
        if ((flags & Netif.RXF_EXTRA_INFO) != 0) {
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
                }
                responsesConsumed++;
                take(cons);
                recycleTaken();
            } while ((extraFlags & Netif.EXTRA_FLAG_MORE) != 0);
        }
        int slots = 1;
        int length = 0;
        takenFrame = firstFrame;
        takenGref = firstGref;
        takenPosted = firstPosted;
        takenOwned = firstOwned;
        takenTampered = firstTampered;
        while (true) {
            responsesConsumed++;
            if (!takenPosted) {
                err = err == null ? RejectReason.BAD_RESPONSE_ID : err;
            } else if (status < 0 || offset + status > Netif.PAGE_SIZE) {
                recycleTaken();
                err = err == null ? RejectReason.BAD_STATUS : err;
            } else {
                if (length + status > assembly.length) {
                    assembly = Arrays.copyOf(assembly, Math.max(assembly.length * 2, length + status));
                }
                // gnttab_end_foreign_access_ref; the page then belongs to the skb
                guest.read(takenFrame, offset, assembly, length, status);
                length += status;
                releaseTaken();
            }
            if ((flags & Netif.RXF_MORE_DATA) == 0) {
                break;
            }
            if (cons + slots == rp) {
                err = err == null ? RejectReason.NEED_MORE_SLOTS : err;
                break;
            }
            int index = cons + slots;
            take(index);
            status = ring.responseStatus(index);
            offset = ring.responseOffset(index);
            flags = ring.responseFlags(index);
            slots++;
        }
        if (slots > max) {
            err = RejectReason.TOO_MANY_SLOTS;
        }
        front.setRspCons(cons + slots);
        GsoType type = null;
        if (err == null && gsoType >= 0) {
            if (gsoSize == 0 || (gsoType != Netif.GSO_TYPE_TCPV4 && gsoType != Netif.GSO_TYPE_TCPV6)) {
                err = RejectReason.BAD_GSO;
            } else {
                type = GsoType.fromWire(gsoType);
            }
        }
        if (err != null) {
            packetsRejected++;
            rejectedBy[err.ordinal()]++;
            listener.rejected(err);
            return false;
        }
        ChecksumState checksum;
        if ((firstFlags & Netif.RXF_CSUM_BLANK) != 0) {
            checksum = ChecksumState.PARTIAL;
        } else if (type != null) {
            checksum = ChecksumState.PARTIAL;
            gsoChecksumFixups++;
        } else if ((firstFlags & Netif.RXF_DATA_VALIDATED) != 0) {
            checksum = ChecksumState.UNNECESSARY;
        } else {
            checksum = ChecksumState.NONE;
        }
        packetsReceived++;
        bytesReceived += length;
        listener.received(
                new ReceivedPacket(Arrays.copyOf(assembly, length), type == null ? 0 : gsoSize, type, checksum, slots));
        return true;
    }

    // ---- state ---------------------------------------------------------------------------------

    /** @return the front view of the ring */
    public RxRing.FrontRing ring() {
        return front;
    }

    /** @return whether posting is stopped by {@link #stopPosting()} */
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

    /** Stops posting buffers: {@link #refill()} does nothing until {@link #resumePosting()}. */
    public void stopPosting() {
        postingStopped = true;
    }

    /** Resumes posting; the next {@link #refill()} posts and pushes again. */
    public void resumePosting() {
        postingStopped = false;
    }

    /**
     * Ends the grant of a posted buffer behind the backend's back ({@code
     * gnttab_end_foreign_access} while the request is outstanding): its copy fails {@code
     * GNTST_general_error}.
     *
     * @param index the ring index of a posted request not yet answered
     * @throws IllegalArgumentException if no such request is outstanding
     */
    public void revokeGrant(int index) {
        int slot = tamper(index);
        grantOwned[slot] = false;
    }

    /**
     * Replaces the grant of a posted buffer by a read-only grant of the same frame: the copy into
     * it fails {@code GNTST_general_error}.
     *
     * @param index the ring index of a posted request not yet answered
     * @throws IllegalArgumentException if no such request is outstanding
     */
    public void makeGrantReadOnly(int index) {
        int slot = tamper(index);
        regrant(index, slot, grants.grantAccess(backendDomid, frame[slot], true));
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
        int slot = tamper(index);
        regrant(index, slot, grants.grantAccess(domid, frame[slot], false));
    }

    /**
     * Rewrites a posted request's {@code gref} to one beyond the grant table: the copy fails
     * {@code GNTST_bad_gntref}.
     *
     * @param index the ring index of a posted request not yet answered
     * @throws IllegalArgumentException if no such request is outstanding
     */
    public void setGrefBeyondTable(int index) {
        int slot = tamper(index);
        grantOwned[slot] = false;
        gref[slot] = grants.size();
        ring.writeRequest(index, slot, grants.size());
    }

    /**
     * Writes an arbitrary value into the shared {@code req_prod} (an ill-behaved front end).
     *
     * @param value the new {@code req_prod}
     */
    public void writeReqProd(int value) {
        ring.setReqProd(value);
    }

    private int tamper(int index) {
        int outstanding = front.reqProdPvt() - front.rspCons();
        int slot = index & MASK;
        if (Integer.compareUnsigned(index - ring.rspProd(), outstanding) >= 0
                || Integer.compareUnsigned(index - front.rspCons(), outstanding) >= 0
                || !posted[slot]
                || tampered[slot]) {
            throw new IllegalArgumentException("netfront: no untampered outstanding request at index "
                    + Integer.toUnsignedString(index) + " (" + front + ", rsp_prod "
                    + Integer.toUnsignedString(ring.rspProd()) + ")");
        }
        grants.endAccess(gref[slot]);
        tampered[slot] = true;
        return slot;
    }

    private void regrant(int index, int slot, int g) {
        gref[slot] = g;
        grantOwned[slot] = true;
        ring.writeRequest(index, slot, g);
    }
}
