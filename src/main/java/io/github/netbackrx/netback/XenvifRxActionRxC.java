package io.github.netbackrx.netback;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.xen.GntStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux {@code rx.c} (4.10+ "refactor guest rx", with the XSA-392 fixes) of one queue ({@code
 * struct xenvif_queue}: its own ring, event channel, {@code rx_queue} and thread).
 *
 * <ul>
 *   <li>{@code xenvif_rx_queue_tail}: a packet arriving while the queue holds {@code rx_queue_max}
 *       bytes or more is dropped ({@link DropReason#QUEUE_FULL}) and the queue is stopped; it is
 *       woken when a dequeue brings the length below the bound.
 *   <li>{@code xenvif_rx_action}: while the head packet's {@code rx_slots_needed} is posted ({@code
 *       xenvif_rx_ring_slots_available}), the queue is not empty and fewer than {@code RX_BATCH_SIZE}
 *       packets were done, {@code xenvif_rx_skb} lays one packet onto the ring; then {@code
 *       xenvif_rx_copy_flush}.
 *   <li>{@code xenvif_rx_skb}: slot by slot, a data slot's ops are added ({@code
 *       xenvif_rx_copy_add}, which flushes first when {@code COPY_BATCH_SIZE} ops are pending) and
 *       then its response is written with the slot's byte count; extras are written in their slots.
 *       When the packet is done {@code rsp_prod_pvt = req_cons} (only now can a push expose it).
 *   <li>{@code xenvif_rx_copy_flush}: one {@code GNTTABOP_copy}; each failed op overwrites the status
 *       of its own slot's response with its negative {@code GNTST} code; push and notify; packets
 *       completed by now are freed.
 *   <li>The front end's event kicks the queue's thread ({@code xenvif_rx_interrupt}).
 * </ul>
 */
final class XenvifRxActionRxC implements RxEngine {
    private final RxContext ctx;
    private final List<Packet> completed = new ArrayList<>();
    private final int[] opIndex;
    private long queueBytes;

    XenvifRxActionRxC(RxContext ctx) {
        this.ctx = ctx;
        this.opIndex = new int[ctx.copyOpArraySize];
    }

    @Override
    public boolean startXmit(VifQueue q, Skb skb, byte[] data, long tag) {
        int estimate = q.estimateOrDrop(skb, tag);
        if (estimate < 0) {
            return false;
        }
        if (queueBytes >= q.vif.rxQueueMax) {
            q.stopQueue();
            return q.drop(tag, DropReason.QUEUE_FULL);
        }
        if (!ctx.place(q, skb, data, tag, estimate)) {
            return false;
        }
        queueBytes += skb.length();
        if (ctx.log != null) {
            ctx.log.xmitQueued(q, tag, estimate, false);
        }
        return true;
    }

    @Override
    public void interrupt(VifQueue q) {
        // xenvif_interrupt kicks the thread; the action does the work
    }

    @Override
    public int action() {
        if (!ctx.beginAction()) {
            return 0;
        }
        VifQueue q = ctx.ring;
        ctx.clearBatch();
        completed.clear();
        int done = 0;
        while (!ctx.queue.isEmpty()
                && done < KernelLimits.RX_BATCH_SIZE
                && q.ringSlotsAvailable(ctx.queue.peekFirst().estimate)) {
            rxSkb(q, ctx.poll());
            done++;
        }
        flush(q);
        q.batches++;
        if (ctx.log != null && !ctx.queue.isEmpty()) {
            ctx.log.resched();
        }
        return done;
    }

    private void rxSkb(VifQueue q, Packet p) {
        queueBytes -= p.skb.length();
        if (queueBytes < q.vif.rxQueueMax) {
            q.wakeQueue("action");
        }
        PlanBuffer plan = ctx.plan;
        try {
            q.vif.packer.plan(p.skb, plan);
        } catch (RuntimeException e) {
            q.release(p);
            q.unsupported(p.tag, e);
            return;
        }
        int slots = plan.slotCount();
        if (slots > p.estimate) {
            // rx.c checks only rx_slots_needed; a policy that uses more would consume unposted requests
            q.dropOverrun(p, slots, "rx_slots_needed");
            return;
        }
        int meta = 0;
        for (int s = 0; s < slots; s++) {
            int idx = q.takeRequest();
            if (!plan.slotIsExtra(s)) {
                meta++;
                int gref = q.requestGref(idx);
                for (int i = 0, n = plan.opCount(); i < n; i++) {
                    if (plan.opSlot(i) == s) {
                        copyAdd(q, p, i, gref, idx);
                    }
                }
            }
            q.writeSlot(idx, plan, s, q.requestId(idx), false);
        }
        q.slotsUsed += slots;
        p.slotCount = slots;
        q.setRspProdPvt(q.reqCons());
        completed.add(p);
        ctx.took(q, p, meta, plan.opCount(), slots);
    }

    private void copyAdd(VifQueue q, Packet p, int i, int gref, int idx) {
        if (ctx.batch.size() == ctx.copyOpArraySize) {
            flush(q);
        }
        int op = ctx.addOp(p, ctx.plan, i, gref);
        opIndex[op] = idx;
    }

    /** {@code xenvif_rx_copy_flush}: the hypercall, failed ops' statuses into their slots, push, notify, free. */
    private void flush(VifQueue q) {
        int n = ctx.batch.size();
        if (ctx.hypercall() > 0) {
            for (int i = 0; i < n; i++) {
                int st = ctx.status(i);
                if (st != GntStatus.OKAY) {
                    ctx.opPacket[i].error = true;
                    q.writeStatus(opIndex[i], st, true);
                }
            }
        }
        ctx.clearBatch();
        if (q.push()) {
            ctx.notify(q);
        }
        for (Packet p : completed) {
            q.completed(p, p.error, p.slotCount);
        }
        ctx.packets += completed.size();
        completed.clear();
    }

    /** @return {@code rx_queue_len}: the bytes of the packets queued */
    long queueBytes() {
        return queueBytes;
    }
}
