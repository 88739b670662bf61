package io.github.netbackrx.netback;

import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.GntStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux 3.14 ({@code xenvif_start_xmit}, {@code xenvif_rx_action} after "improve guest-receive-side
 * flow control") of one vif.
 *
 * <ul>
 *   <li>{@code startXmit} always queues; if even the cheap minimum {@code 1 + nr_frags (+1 gso)} is
 *       not posted ({@code xenvif_rx_ring_slots_available}, which re-arms {@code req_event}), the
 *       queue is stopped. It is started again when the internal queue has drained (the driver's
 *       thread does so; its drain timer is not modelled, the model has no clock).
 *   <li>{@code action} takes packets while each one's estimate ({@code max_slots_needed}, by default
 *       {@link io.github.netbackrx.core.SlotEstimator#WORST_CASE_3_14}) is posted; a packet that does
 *       not fit stays at the head of the queue ({@code skb_queue_head}) and its estimate is
 *       remembered ({@code rx_last_skb_slots}). A plan using more slots than the estimate is where the
 *       driver's {@code BUG_ON} fires: the model drops it ({@link DropReason#ESTIMATE_EXCEEDED}).
 *   <li>All ops go to one {@code GNTTABOP_copy} (array of {@code MAX_GRANT_COPY_OPS}); a packet whose
 *       ops would not fit ends the batch. A packet with a failed op gets {@code NETIF_RSP_ERROR} in
 *       every data slot. Responses are pushed per packet, one notify per call.
 *   <li>The front end's event kicks the vif's thread ({@code xenvif_rx_interrupt}).
 * </ul>
 */
final class XenvifRxAction314 implements RxEngine {
    private final RxContext ctx;
    private final List<Packet> taken = new ArrayList<>();
    /** The gref of each request a packet takes (reused). */
    private int[] slotGref = new int[2 * RxRing.SIZE];

    private int rxLastSkbSlots;

    XenvifRxAction314(RxContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public boolean startXmit(VifQueue q, Skb skb, byte[] data, long tag) {
        int estimate = q.estimateOrDrop(skb, tag);
        if (estimate < 0) {
            return false;
        }
        if (!ctx.place(q, skb, data, tag, estimate)) {
            return false;
        }
        int min = 1 + skb.fragCount() + (skb.hasGso() ? 1 : 0);
        boolean stop = !q.ringSlotsAvailable(min);
        if (stop) {
            q.stopQueue();
        }
        if (ctx.log != null) {
            ctx.log.xmitQueued(q, tag, estimate, stop);
        }
        return true;
    }

    @Override
    public void interrupt(VifQueue q) {
        // xenvif_interrupt only kicks the thread; the action does the work
    }

    /** @return {@code rx_last_skb_slots}: the estimate of the packet left at the head for lack of space */
    int rxLastSkbSlots() {
        return rxLastSkbSlots;
    }

    @Override
    public int action() {
        if (!ctx.beginAction()) {
            return 0;
        }
        VifQueue q = ctx.ring;
        ctx.clearBatch();
        taken.clear();
        PlanBuffer plan = ctx.plan;
        while (!ctx.queue.isEmpty()) {
            Packet p = ctx.queue.peekFirst();
            if (!q.ringSlotsAvailable(p.estimate)) {
                rxLastSkbSlots = p.estimate;
                if (ctx.log != null) {
                    ctx.log.hold(q, p.tag, p.estimate);
                }
                break;
            }
            try {
                q.vif.packer.plan(p.skb, plan);
            } catch (RuntimeException e) {
                ctx.poll();
                q.release(p);
                q.unsupported(p.tag, e);
                continue;
            }
            int slots = plan.slotCount();
            if (slots > p.estimate) {
                ctx.poll();
                q.dropOverrun(p, slots, "max_slots_needed (BUG_ON(ring_slots_used > max_slots_needed))");
                continue;
            }
            if (ctx.batch.size() + plan.opCount() > ctx.copyOpArraySize) {
                if (taken.isEmpty()) {
                    ctx.poll();
                    ctx.bug("packet " + p.tag + " needs " + plan.opCount() + " copy ops, the array holds "
                            + ctx.copyOpArraySize);
                    q.discard(p, DropReason.COPY_ARRAY_TOO_SMALL);
                    continue;
                }
                q.copyArrayOverflows++;
                break;
            }
            ctx.poll();
            take(q, p);
        }
        if (ctx.queue.isEmpty()) {
            q.wakeQueue("action");
        }
        if (taken.isEmpty()) {
            return 0;
        }
        if (ctx.hypercall() > 0) {
            for (int i = 0, nOps = ctx.batch.size(); i < nOps; i++) {
                if (ctx.status(i) != GntStatus.OKAY) {
                    ctx.opPacket[i].error = true;
                }
            }
        }
        q.batches++;
        boolean notify = false;
        for (Packet p : taken) {
            int first = p.firstIndex;
            if (p.error) {
                for (int s = 0; s < p.slotCount; s++) {
                    if (!p.extra[s]) {
                        q.writeStatus(first + s, Netif.RSP_ERROR, false);
                    }
                }
            }
            q.setRspProdPvt(first + p.slotCount);
            notify |= q.push();
            q.completed(p, p.error, p.slotCount);
        }
        if (notify) {
            ctx.notify(q);
        }
        ctx.packets += taken.size();
        if (ctx.log != null && !ctx.queue.isEmpty()) {
            ctx.log.resched();
        }
        return taken.size();
    }

    /** Consumes the packet's requests, writes its responses (pushed later) and adds its ops. */
    private void take(VifQueue q, Packet p) {
        PlanBuffer plan = ctx.plan;
        int first = q.reqCons();
        int slots = plan.slotCount();
        int[] grefs = slotGref.length >= slots ? slotGref : (slotGref = new int[slots]);
        p.extra(slots);
        int meta = 0;
        for (int s = 0; s < slots; s++) {
            int idx = q.takeRequest();
            grefs[s] = q.requestGref(idx);
            p.extra[s] = plan.slotIsExtra(s);
            meta += p.extra[s] ? 0 : 1;
            q.writeSlot(idx, plan, s, q.requestId(idx), false);
        }
        for (int i = 0, n = plan.opCount(); i < n; i++) {
            ctx.addOp(p, plan, i, grefs[plan.opSlot(i)]);
        }
        p.error = false;
        p.slotCount = slots;
        p.firstIndex = first;
        q.slotsUsed += slots;
        taken.add(p);
        ctx.took(q, p, meta, plan.opCount(), slots);
    }
}
