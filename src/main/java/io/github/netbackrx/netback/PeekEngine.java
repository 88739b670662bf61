package io.github.netbackrx.netback;

import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.GntStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The action shared by the two generations that reserve ring slots against {@code
 * rx_req_cons_peek} at {@code start_xmit}: {@code net_rx_action} of the 2010 group and {@code
 * xenvif_rx_action} of a Linux 3.12–3.13 vif. Both dequeue packets in arrival order, plan each
 * ({@code netbk_gop_skb} / {@code xenvif_gop_skb}), stop once {@code count + MAX_SKB_FRAGS >=
 * RING_SIZE} where {@code count} adds {@code nr_frags + 1} per packet (not the slots used), issue one
 * {@code GNTTABOP_copy} for the whole batch, then per packet check the copy status, write the
 * responses, push and wake a stopped queue that has room. They differ in admission and in who is
 * notified; the subclasses supply those.
 *
 * <p>Two checks the drivers lacked end the batch before a packet, which stays queued: its ops must
 * fit the copy-op array, and its requests must have been posted. Either is counted ({@link
 * VifStatistics#copyArrayOverflows()}, {@link VifStatistics#estimateOverruns()}), logged, and in the
 * event log reported as the {@code BUG_ON} (or the consumption of requests never posted) the driver
 * would have hit.
 *
 * <p><b>Copy status.</b> By default each op records its packet, so a failed op marks its own packet
 * {@code NETIF_RSP_ERROR}. A faithful host ({@link Netback.Builder#faithful}) uses the drivers' rule
 * instead ({@code netbk_check_gop} / {@code xenvif_check_gop}, see {@link CheckGop}): one cursor
 * steps one op per data slot, so a failure can be charged to a later packet.
 */
abstract class PeekEngine implements RxEngine {
    final RxContext ctx;
    private final Packet[] taken = new Packet[RxRing.SIZE + 1];
    private final int[] slotGref = new int[2 * RxRing.SIZE];
    /** The last action's packets and ops as {@link #lastBatch} reports them. */
    private final long[] lastTag = new long[RxRing.SIZE + 1];

    private final int[] lastMeta = new int[RxRing.SIZE + 1];
    private final boolean[] lastError = new boolean[RxRing.SIZE + 1];
    private int[] lastOpPacket = new int[64];
    private int lastPackets;

    PeekEngine(RxContext ctx) {
        this.ctx = ctx;
    }

    /** Records that {@code q}'s push asked for a notification. */
    abstract void noteNotify(VifQueue q);

    /** Sends the notifications recorded during the action. */
    abstract void sendNotifications();

    /** {@code MAX_SKB_FRAGS} of the count rule. */
    int maxSkbFrags() {
        return ctx.host.maxSkbFrags;
    }

    @Override
    public void interrupt(VifQueue q) {
        // netif_be_int / xenvif_rx_interrupt: wake a stopped queue that is schedulable and has room
        if (q.vif.schedulable() && !q.ringFull()) {
            q.wakeQueue("kick");
        }
    }

    /**
     * Admission common to both generations once the generation's own drop tests passed: the
     * estimate (or a drop), the bytes placed, the packet queued and its estimate reserved; then, when
     * the ring is full for a worst-case packet and the vif may queue, {@code req_event} is re-armed to
     * {@code peek + max_required_rx_slots} and the queue stopped.
     *
     * @return whether the packet was queued
     */
    final boolean reserveAndQueue(VifQueue q, io.github.netbackrx.core.Skb s, byte[] data, long tag) {
        int estimate = q.estimateOrDrop(s, tag);
        if (estimate < 0) {
            return false;
        }
        if (!ctx.place(q, s, data, tag, estimate)) {
            return false;
        }
        q.reserve(estimate);
        int reqEvent = 0;
        boolean stop = false;
        if (q.vif.canQueue() && q.ringFull()) {
            reqEvent = q.peek() + q.vif.maxRequiredRxSlots();
            q.setReqEvent(reqEvent);
            if (q.ringFull()) {
                stop = true;
                stopped(q);
            }
        }
        if (ctx.log != null) {
            ctx.log.xmitQueued(q, tag, estimate, stop);
            if (stop) {
                ctx.log.reqEvent(q, reqEvent);
            }
        }
        return true;
    }

    /** The queue was just found full: stop it (2010 also arms its timer). */
    void stopped(VifQueue q) {
        q.stopQueue();
    }

    @Override
    public final int action() {
        if (!ctx.beginAction()) {
            return 0;
        }
        ctx.checkRings();
        if (ctx.queue.isEmpty()) {
            return 0;
        }
        ctx.clearBatch();
        PlanBuffer plan = ctx.plan;
        int count = 0;
        int n = 0;
        int nSlots = 0;
        while (!ctx.queue.isEmpty()) {
            Packet p = ctx.queue.peekFirst();
            VifQueue q = p.owner;
            try {
                q.vif.packer.plan(p.skb, plan);
            } catch (RuntimeException e) {
                ctx.poll();
                q.reserve(-p.estimate);
                q.release(p);
                q.unsupported(p.tag, e);
                continue;
            }
            int slots = plan.slotCount();
            int ops = plan.opCount();
            int posted = q.reqProd() - q.reqCons();
            if (Integer.compareUnsigned(posted, slots) < 0) {
                q.estimateOverruns++;
                Vif.LOG.warn(
                        "vif to domain {}: packet {} needs {} requests but only {} are posted"
                                + " (req_cons {}, req_prod {}): reservation was wrong; batch ends here",
                        q.vif.frontendDomid,
                        p.tag,
                        slots,
                        Integer.toUnsignedString(posted),
                        Integer.toUnsignedString(q.reqCons()),
                        Integer.toUnsignedString(q.reqProd()));
                ctx.bug("packet " + p.tag + " needs " + slots + " requests but only " + Integer.toUnsignedString(posted)
                        + " are posted: the driver would consume requests never posted");
                break;
            }
            if (ctx.batch.size() + ops > ctx.copyOpArraySize) {
                if (n == 0) {
                    ctx.poll();
                    Vif.LOG.warn(
                            "vif to domain {}: packet {} needs {} copy ops, more than the array of {}; dropped",
                            q.vif.frontendDomid,
                            p.tag,
                            ops,
                            ctx.copyOpArraySize);
                    ctx.bug("BUG_ON(npo.copy_prod > ARRAY_SIZE(grant_copy_op)): packet " + p.tag + " needs " + ops
                            + " copy ops, the array holds " + ctx.copyOpArraySize);
                    q.reserve(-p.estimate);
                    q.discard(p, DropReason.COPY_ARRAY_TOO_SMALL);
                    continue;
                }
                q.copyArrayOverflows++;
                Vif.LOG.warn(
                        "vif to domain {}: copy-op array overflow averted: {} ops queued + {} for packet {} > {};"
                                + " batch ends here",
                        q.vif.frontendDomid,
                        ctx.batch.size(),
                        ops,
                        p.tag,
                        ctx.copyOpArraySize);
                ctx.bug("BUG_ON(npo.copy_prod > ARRAY_SIZE(grant_copy_op)): " + (ctx.batch.size() + ops)
                        + " copy ops for " + ctx.copyOpArraySize);
                break;
            }
            ctx.poll();
            take(p, n);
            nSlots += slots;
            count += p.skb.fragCount() + 1;
            n++;
            if (count + maxSkbFrags() >= RxRing.SIZE) {
                break;
            }
        }
        lastPackets = n;
        if (n == 0) {
            return 0;
        }
        if (ctx.hypercall() > 0) {
            attributeErrors(n);
        }
        long mark = ctx.newMark();
        for (int j = 0; j < n; j++) {
            VifQueue q = taken[j].owner;
            if (q.mark != mark) {
                q.mark = mark;
                q.batches++;
            }
        }
        // what lastBatch reports, kept apart from the records, which are reused once answered
        int nOps = ctx.batch.size();
        if (lastOpPacket.length < nOps) {
            lastOpPacket = new int[Math.max(nOps, 2 * lastOpPacket.length)];
        }
        for (int i = 0; i < nOps; i++) {
            lastOpPacket[i] = ctx.opPacket[i].batchIndex;
        }
        for (int j = 0; j < n; j++) {
            Packet p = taken[j];
            lastTag[j] = p.tag;
            lastMeta[j] = p.metaSlots;
            lastError[j] = p.error;
        }
        for (int j = 0; j < n; j++) {
            respond(taken[j]);
        }
        sendNotifications();
        ctx.packets += n;
        if (ctx.log != null && !ctx.queue.isEmpty()) {
            ctx.log.resched();
        }
        return n;
    }

    /** Consumes the packet's requests, writes its responses (pushed later) and adds its ops to the batch. */
    private void take(Packet p, int j) {
        VifQueue q = p.owner;
        PlanBuffer plan = ctx.plan;
        int first = q.reqCons();
        int slots = plan.slotCount();
        int data = 0;
        int meta = 0;
        p.extra(slots); // here: not a data response (an extra or the GSO prefix)
        for (int s = 0; s < slots; s++) {
            int idx = q.takeRequest();
            slotGref[s] = q.requestGref(idx);
            boolean extra = plan.slotIsExtra(s);
            p.extra[s] = extra || plan.slotIsPrefix(s);
            meta += extra ? 0 : 1;
            data += p.extra[s] ? 0 : 1;
            q.writeSlot(idx, plan, s, q.requestId(idx), false);
        }
        for (int i = 0, ops = plan.opCount(); i < ops; i++) {
            ctx.addOp(p, plan, i, slotGref[plan.opSlot(i)]);
        }
        p.error = false;
        p.firstIndex = first;
        p.slotCount = slots;
        p.metaSlots = data;
        p.ops = plan.opCount();
        p.batchIndex = j;
        q.slotsUsed += slots;
        taken[j] = p;
        ctx.took(q, p, meta, p.ops, slots);
    }

    /** Marks the packets whose copies failed: each op's own packet, or the drivers' cursor rule when faithful. */
    private void attributeErrors(int n) {
        int nOps = ctx.batch.size();
        if (ctx.host.faithful) {
            int cons = 0;
            for (int j = 0; j < n; j++) {
                Packet p = taken[j];
                for (int i = 0; i < p.metaSlots; i++, cons++) {
                    if (cons < nOps && ctx.status(cons) != GntStatus.OKAY) {
                        p.error = true;
                    }
                }
            }
            return;
        }
        for (int i = 0; i < nOps; i++) {
            if (ctx.status(i) != GntStatus.OKAY) {
                ctx.opPacket[i].error = true;
            }
        }
    }

    private void respond(Packet p) {
        VifQueue q = p.owner;
        int first = p.firstIndex;
        if (p.error) {
            for (int s = 0; s < p.slotCount; s++) {
                if (!p.extra[s]) {
                    q.writeStatus(first + s, Netif.RSP_ERROR, true);
                }
            }
        }
        q.setRspProdPvt(first + p.slotCount);
        if (q.push()) {
            noteNotify(q);
        }
        q.completed(p, p.error, p.slotCount);
        // netbk / xenvif_notify_tx_completion: a stopped queue that is schedulable and has room runs again
        if (q.stopped() && q.vif.schedulable() && !q.ringFull()) {
            q.wakeQueue("action");
        }
    }

    @Override
    public BatchReport lastBatch() {
        int n = lastPackets;
        int nOps = n == 0 ? 0 : ctx.batch.size();
        List<Long> tags = new ArrayList<>();
        List<Integer> ops = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        List<Integer> metas = new ArrayList<>();
        List<Boolean> errors = new ArrayList<>();
        List<Boolean> seed = new ArrayList<>();
        int[] st = new int[nOps];
        int[] meta = new int[n];
        for (int i = 0; i < nOps; i++) {
            ops.add(lastOpPacket[i]);
            st[i] = ctx.status(i);
            statuses.add(st[i]);
        }
        for (int j = 0; j < n; j++) {
            meta[j] = lastMeta[j];
        }
        boolean[] seedBad = CheckGop.seedAttribution(meta, st);
        for (int j = 0; j < n; j++) {
            tags.add(lastTag[j]);
            metas.add(meta[j]);
            errors.add(lastError[j]);
            seed.add(seedBad[j]);
        }
        return new BatchReport(tags, ops, statuses, metas, errors, seed);
    }
}
