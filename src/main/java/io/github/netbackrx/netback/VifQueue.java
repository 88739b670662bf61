package io.github.netbackrx.netback;

import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.ring.RingProtocolException;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.GrantCopyBatch;
import io.github.netbackrx.xen.Hypervisor;

/**
 * One RX ring of a vif and the per-ring state the generations keep: the back view of the ring, the
 * event channel, {@code rx_req_cons_peek}, the stopped flag, the 2010 queue-wake timer, the model's
 * disable on a scribbled {@code req_prod}, and the counters behind {@link VifStatistics}. A vif of
 * the 2010, 3.x and FreeBSD engines has one; a multi-queue {@code rx.c} vif one per queue ({@code
 * struct xenvif_queue}).
 *
 * <p>The operations here are what every engine does to a guest's ring: place a packet's bytes into
 * frames, consume requests, write responses, push, stop and wake. Engines call them; none reaches
 * into the vif's fields.
 */
final class VifQueue {
    static final byte KIND_DATA = 0;
    static final byte KIND_EXTRA = 1;

    final Vif vif;
    final int index;
    private final RxRing.BackRing back;
    private final RxRing ring;
    private final EventChannel.Endpoint port;
    private final byte[] slotKind = new byte[RxRing.SIZE];
    /** Records of released packets, reused by {@link #place} (a ring's worth and a little more). */
    private final Packet[] spare = new Packet[2 * RxRing.SIZE];

    private int spareCount;
    int irq;
    /** The execution context serving this ring: fixed for 3.x, rx.c and FreeBSD; the group while up for 2010. */
    RxContext context;

    private int reqConsPeek;
    private boolean stopped;
    private boolean timerPending;
    private RingProtocolException disabledBy;
    int queuedPackets;
    long queuedBytes;
    /** Marker for "already counted in this action / hypercall" (see {@link RxContext}). */
    long mark;

    long packetsSent;
    long bytesSent;
    long packetsErrored;
    long packetsDropped;
    long slotsUsed;
    long copyOps;
    long failedCopyOps;
    long hypercalls;
    long batches;
    long notifications;
    long queueStops;
    long queueWakes;
    long copyArrayOverflows;
    long estimateOverruns;

    VifQueue(Vif vif, int index, RxRing.BackRing back, EventChannel.Endpoint port, int irq) {
        this.vif = vif;
        this.index = index;
        this.back = back;
        this.ring = back.ring();
        this.port = port;
        this.irq = irq;
        this.reqConsPeek = back.reqCons();
    }

    /** @return the ring's name in the event log: the vif's number, with {@code /K} for queue K of a multi-queue vif */
    String label() {
        return vif.queueCount() == 1 ? Integer.toString(vif.number) : vif.number + "/" + index;
    }

    EventLog log() {
        return vif.host.log;
    }

    EventChannel.Endpoint port() {
        return port;
    }

    // ---- ring indices --------------------------------------------------------------------------

    int reqProd() {
        return ring.reqProd();
    }

    int reqCons() {
        return back.reqCons();
    }

    void setReqCons(int index) {
        back.setReqCons(index);
    }

    int rspProdPvt() {
        return back.rspProdPvt();
    }

    void setRspProdPvt(int index) {
        back.setRspProdPvt(index);
    }

    int rspProd() {
        return ring.rspProd();
    }

    int takeRequest() {
        return back.takeRequest();
    }

    int requestId(int index) {
        return ring.requestId(index);
    }

    int requestGref(int index) {
        return ring.requestGref(index);
    }

    void setReqEvent(int value) {
        ring.setReqEvent(value);
    }

    // ---- flow control --------------------------------------------------------------------------

    int peek() {
        return reqConsPeek;
    }

    void reserve(int slots) {
        reqConsPeek += slots;
    }

    boolean stopped() {
        return stopped;
    }

    boolean timerPending() {
        return timerPending;
    }

    void armTimer() {
        timerPending = true;
    }

    /** Fires the timer if armed: {@code true} when it was pending. */
    boolean fireTimer() {
        boolean was = timerPending;
        timerPending = false;
        return was;
    }

    RingProtocolException disabledBy() {
        return disabledBy;
    }

    /**
     * {@code netbk_queue_full} / {@code xenvif_rx_ring_full}: the ring cannot take a worst-case
     * packet beyond what is reserved ({@code req_prod - peek < needed} or {@code rsp_prod_pvt +
     * RING_SIZE - peek < needed}, unsigned).
     */
    boolean ringFull() {
        int needed = vif.maxRequiredRxSlots();
        return Integer.compareUnsigned(ring.reqProd() - reqConsPeek, needed) < 0
                || Integer.compareUnsigned(back.rspProdPvt() + RxRing.SIZE - reqConsPeek, needed) < 0;
    }

    /**
     * {@code xenvif_rx_ring_slots_available}: whether {@code needed} requests are posted beyond
     * {@code req_cons}; if not, {@code req_event} is re-armed to {@code req_prod + 1} and {@code
     * req_prod} read again, in case it moved meanwhile.
     */
    boolean ringSlotsAvailable(int needed) {
        while (true) {
            int prod = ring.reqProd();
            if (Integer.compareUnsigned(prod - back.reqCons(), needed) >= 0) {
                return true;
            }
            ring.setReqEvent(prod + 1);
            if (log() != null) {
                log().reqEvent(this, prod + 1);
            }
            if (ring.reqProd() == prod) {
                return false;
            }
        }
    }

    void stopQueue() {
        if (!stopped) {
            stopped = true;
            queueStops++;
        }
    }

    /** {@code netif_wake_queue} of a stopped queue; logged with who woke it. */
    void wakeQueue(String by) {
        if (stopped && disabledBy == null) {
            stopped = false;
            queueWakes++;
            if (log() != null) {
                log().wake(this, by);
            }
        }
    }

    /** {@code RING_REQUEST_PROD_OVERFLOW}: a front end that moved {@code req_prod} too far disables the ring. */
    boolean checkReqProd() {
        try {
            back.checkedReqProd();
            return true;
        } catch (RingProtocolException e) {
            disable(e);
            return false;
        }
    }

    private void disable(RingProtocolException e) {
        disabledBy = e;
        Vif.LOG.error("vif to domain {} disabled: {}", vif.frontendDomid, e.getMessage());
        stopQueue();
        if (context != null) {
            context.discardAll(this, DropReason.DISABLED);
        }
    }

    // ---- admission -----------------------------------------------------------------------------

    /** The vif's estimate for the packet, or {@code -1} after dropping it (unsupported, no peer). */
    int estimateOrDrop(Skb skb, long tag) {
        try {
            int e = vif.packer.estimateSlots(skb);
            if (vif.peer == null && hasForeign(skb)) {
                drop(tag, DropReason.NO_PEER);
                return -1;
            }
            return e;
        } catch (PolicyViolationException | InvalidPacketException e) {
            unsupported(tag, e);
            return -1;
        }
    }

    /** Drops a packet the policy refuses, where the driver would hit a {@code BUG()}; {@code false}. */
    boolean unsupported(long tag, RuntimeException e) {
        Vif.LOG.debug("vif to domain {}: packet {} dropped: {}", vif.frontendDomid, tag, e.getMessage());
        if (log() != null) {
            log().bug("packet " + tag + " to vif " + label() + ": " + e.getMessage());
        }
        return drop(tag, DropReason.UNSUPPORTED);
    }

    /** Counts a packet refused by {@code start_xmit}, logs and tells the listener; always {@code false}. */
    boolean drop(long tag, DropReason reason) {
        packetsDropped++;
        if (log() != null) {
            log().xmitDropped(this, tag, reason);
        }
        vif.listener.dropped(tag, reason);
        return false;
    }

    /** Frees a queued packet's frames, counts and logs it as dropped after admission. */
    void discard(Packet p, DropReason reason) {
        release(p);
        packetsDropped++;
        if (log() != null) {
            log().drop(this, p.tag, reason);
        }
        vif.listener.dropped(p.tag, reason);
    }

    /**
     * A plan that uses more ring slots than the estimate the engine checked ({@code check} names
     * it): counted, logged, and dropped where the driver would {@code BUG_ON} or consume requests
     * never posted.
     */
    void dropOverrun(Packet p, int slots, String check) {
        estimateOverruns++;
        Vif.LOG.warn(
                "vif to domain {}: packet {} uses {} slots, more than {} {}; dropped",
                vif.frontendDomid,
                p.tag,
                slots,
                check,
                p.estimate);
        context.bug("packet " + p.tag + " uses " + slots + " slots, more than " + check + " " + p.estimate);
        discard(p, DropReason.ESTIMATE_EXCEEDED);
    }

    /** Counts a packet whose responses were written, frees its frames and tells the listener. */
    void completed(Packet p, boolean error, int slots) {
        if (error) {
            packetsErrored++;
        } else {
            packetsSent++;
            bytesSent += p.skb.length();
        }
        release(p);
        vif.listener.responded(p.tag, error, slots);
    }

    /** Queue bookkeeping when a packet enters or leaves its context's queue. */
    void queued(Packet p, int delta) {
        queuedPackets += delta;
        queuedBytes += (long) delta * p.skb.length();
    }

    static boolean hasForeign(Skb skb) {
        for (int k = 0; k < skb.fragCount(); k++) {
            if (skb.fragForeign(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Places a packet's bytes into frames: each area gets the {@code ceil((offset + length) / 4096)}
     * frames its (possibly compound) page spans; foreign fragments go into the peer's frames, which
     * the peer grants read-only to the backend. When a domain runs out of grant entries the frames
     * placed so far are freed and the packet is dropped ({@link DropReason#PEER_GRANTS_EXHAUSTED}).
     * Without {@code data} (payload-free) the frames are allocated but nothing is written.
     *
     * @return the packet, or {@code null} after dropping it
     */
    Packet place(Skb skb, byte[] data, long tag, int estimate) {
        Domain backend = vif.backend;
        Domain peer = vif.peer;
        int areas = skb.fragCount() + 1;
        Packet p = spareCount > 0 ? spare[--spareCount] : new Packet(this);
        spare[spareCount] = null;
        p.skb = skb;
        p.tag = tag;
        p.estimate = estimate;
        p.frameCount = 0;
        p.released = false;
        // the per-action state starts as a fresh record's (an engine may rely on it: rx.c never clears error)
        p.error = false;
        p.firstIndex = 0;
        p.slotCount = 0;
        p.metaSlots = 0;
        p.ops = 0;
        p.batchIndex = 0;
        if (p.areaStart.length < areas) {
            p.areaStart = new int[Math.max(areas, 2 * p.areaStart.length)];
        }
        int pos = 0;
        for (int a = 0; a < areas; a++) {
            int offset = a == 0 ? skb.headOffset() : skb.fragOffset(a - 1);
            int length = a == 0 ? skb.headLength() : skb.fragLength(a - 1);
            boolean foreign = a > 0 && skb.fragForeign(a - 1);
            Domain owner = foreign ? peer : backend;
            int n = Math.max(1, (offset + length + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE);
            p.areaStart[a] = p.frameCount;
            if (p.frames.length < p.frameCount + n) {
                int c = Math.max(p.frameCount + n, 2 * p.frames.length);
                p.frames = java.util.Arrays.copyOf(p.frames, c);
                p.grefs = java.util.Arrays.copyOf(p.grefs, c);
            }
            for (int f = 0; f < n; f++) {
                long frame = owner.allocateFrame();
                int lo = Math.max(offset, f * Netif.PAGE_SIZE);
                int hi = Math.min(offset + length, (f + 1) * Netif.PAGE_SIZE);
                if (hi > lo && data != null) {
                    owner.write(frame, lo - f * Netif.PAGE_SIZE, data, pos + lo - offset, hi - lo);
                }
                int gref = -1;
                if (foreign) {
                    if (peer.grantTable().grantsInUse() == peer.grantTable().size()) {
                        peer.freeFrame(frame);
                        release(p);
                        drop(tag, DropReason.PEER_GRANTS_EXHAUSTED);
                        return null;
                    }
                    gref = peer.grantTable().grantAccess(backend.domid(), frame, true);
                }
                p.frames[p.frameCount] = frame;
                p.grefs[p.frameCount] = gref;
                p.frameCount++;
            }
            pos += length;
        }
        return p;
    }

    /**
     * Frees a packet's frames (ending the peer's grants), in the order they were placed, and keeps
     * the record for a later packet of this queue.
     */
    void release(Packet p) {
        if (p.released) {
            return;
        }
        p.released = true;
        for (int k = 0; k < p.frameCount; k++) {
            if (p.grefs[k] >= 0) {
                vif.peer.grantTable().endAccess(p.grefs[k]);
                vif.peer.freeFrame(p.frames[k]);
            } else {
                vif.backend.freeFrame(p.frames[k]);
            }
        }
        p.frameCount = 0;
        if (spareCount < spare.length) {
            spare[spareCount++] = p;
        }
    }

    // ---- copies and responses ------------------------------------------------------------------

    /**
     * Adds op {@code i} of {@code pl} (a plan of {@code p}) to {@code b}, writing into the guest
     * buffer {@code destGref}: the source is the frame of the area holding the op's first byte (by
     * grant reference for a foreign fragment, by gmfn otherwise).
     *
     * @return the op's index in {@code b}
     */
    int addOp(GrantCopyBatch b, Packet p, PlanBuffer pl, int i, int destGref) {
        int area = pl.opSource(i) + 1;
        int srcOffset = pl.opSourceOffset(i);
        int k = p.areaStart[area] + srcOffset / Netif.PAGE_SIZE;
        int offset = srcOffset % Netif.PAGE_SIZE;
        int len = pl.opLength(i);
        if (vif.packer.policy() == PackingPolicy.PER_FRAG) {
            // the pre-2010 netbk_gop_frag: a fragment's op names frags[i].page (its first frame) with
            // the whole page_offset; gnttab_copy's offset and len are u16; Xen checks the bounds
            if (area > 0) {
                k = p.areaStart[area];
                offset = srcOffset & 0xFFFF;
            }
            len &= 0xFFFF;
        }
        GrantCopyBatch.Op op = b.op();
        if (p.grefs[k] >= 0) {
            op.sourceGref(p.grefs[k], vif.peer.domid(), offset);
        } else {
            op.sourceGmfn(p.frames[k], Hypervisor.DOMID_SELF, offset);
        }
        return op.destGref(Integer.toUnsignedLong(destGref), vif.frontendDomid, pl.opDestOffset(i))
                .add(len);
    }

    /**
     * Writes slot {@code s} of {@code pl} at ring index {@code index}: an extra (GSO or hash) or a
     * data (or GSO prefix) response with the request's {@code id}. Under a faithful host the 2010
     * GSO extra carries TCPv4, as {@code net_rx_action} wrote it.
     */
    void writeSlot(int index, PlanBuffer pl, int s, int id, boolean error) {
        if (pl.slotIsExtra(s)) {
            slotKind[index & (RxRing.SIZE - 1)] = KIND_EXTRA;
            if (pl.slotExtraType(s) == Netif.EXTRA_TYPE_HASH) {
                ring.writeHashExtra(
                        index,
                        pl.slotFlags(s),
                        pl.slotHashType(s).wireValue(),
                        HashType.ALGORITHM_TOEPLITZ,
                        pl.slotHashValue(s));
            } else {
                GsoType t = pl.slotGsoType(s);
                int wire = t == null ? Netif.GSO_TYPE_NONE : t.wireValue();
                if (context.host.faithful && context.host.profile == EngineProfile.LINUX_2010) {
                    wire = Netif.GSO_TYPE_TCPV4; // net_rx_action: gso->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4
                }
                ring.writeGsoExtra(index, pl.slotFlags(s), pl.slotGsoSize(s), wire);
            }
        } else {
            slotKind[index & (RxRing.SIZE - 1)] = KIND_DATA;
            ring.writeResponse(
                    index, id, pl.slotOffset(s), pl.slotFlags(s), error ? Netif.RSP_ERROR : pl.slotStatus(s));
        }
    }

    /** Overwrites the status of the data response at {@code index}, keeping its id, offset and flags. */
    void writeStatus(int index, int status, boolean keepOffset) {
        ring.writeResponse(
                index,
                ring.responseId(index),
                keepOffset ? ring.responseOffset(index) : 0,
                ring.responseFlags(index),
                status);
    }

    /** Writes a bare data response (FreeBSD's single error response). */
    void writeResponse(int index, int id, int offset, int flags, int status) {
        slotKind[index & (RxRing.SIZE - 1)] = KIND_DATA;
        ring.writeResponse(index, id, offset, flags, status);
    }

    /**
     * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}; with an event log, the responses published by
     * this push are logged in ring order before the push line.
     *
     * @return whether the front end asked to be notified
     */
    boolean push() {
        int from = ring.rspProd();
        boolean notify = back.pushResponsesAndCheckNotify();
        if (log() != null) {
            for (int i = from; i != back.rspProdPvt(); i++) {
                log().response(this, ring, i, slotKind[i & (RxRing.SIZE - 1)] == KIND_EXTRA);
            }
            log().push(this, back.rspProdPvt(), notify);
        }
        return notify;
    }
}
