package io.github.netbackrx.netback;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.Skb;

/**
 * FreeBSD netback ({@code xnb_start_locked} calling {@code xnb_send}, with {@code xnb_mbufc2pkt},
 * {@code xnb_rxpkt2gnttab} and {@code xnb_rxpkt2rsp}) of one interface.
 *
 * <ul>
 *   <li>Packets are queued on the interface's send queue, which holds {@code NET_RX_RING_SIZE - 1}
 *       packets ({@code create_netdev}: {@code if_snd.ifq_maxlen}); a packet arriving at a full queue
 *       is dropped ({@link DropReason#QUEUE_FULL}).
 *   <li>Per packet, in order: admission needs {@code list_len + gso} requests posted beyond {@code
 *       req_cons} ({@code ceil(len / 4096)} data slots; by default {@link
 *       io.github.netbackrx.core.SlotEstimator#FREEBSD_LIST_LEN}); otherwise {@code EAGAIN}: the
 *       packet stays at the head ({@code IF_PREPEND}) and the call ends. Then its ops go to one
 *       {@code GNTTABOP_copy}.
 *   <li>Responses: if any op failed, one response {@code NETIF_RSP_ERROR} with the first request's
 *       id, consuming one request (the packet's other requests stay for the next packet); otherwise
 *       one response per slot of the plan. Nothing is pushed per packet.
 *   <li>After the loop, one {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY} and at most one notify.
 *   <li>The front end's event ({@code xnb_intr}) runs {@code xnb_start}.
 * </ul>
 */
final class XnbStart implements RxEngine {
    private final RxContext ctx;

    XnbStart(RxContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public boolean startXmit(VifQueue q, Skb skb, byte[] data, long tag) {
        int estimate = q.estimateOrDrop(skb, tag);
        if (estimate < 0) {
            return false;
        }
        if (ctx.queue.size() >= KernelLimits.FREEBSD_IF_SND_MAXLEN) {
            // IFQ_ENQUEUE on a full if_snd (ifq_maxlen = NET_RX_RING_SIZE - 1) fails: the packet is dropped
            return q.drop(tag, DropReason.QUEUE_FULL);
        }
        if (!ctx.place(q, skb, data, tag, estimate)) {
            return false;
        }
        if (ctx.log != null) {
            ctx.log.xmitQueued(q, tag, estimate, false);
        }
        return true;
    }

    @Override
    public void interrupt(VifQueue q) {
        // xnb_intr schedules xnb_start; the action does the work
    }

    @Override
    public int action() {
        if (!ctx.beginAction()) {
            return 0;
        }
        VifQueue q = ctx.ring;
        PlanBuffer plan = ctx.plan;
        int done = 0;
        while (!ctx.queue.isEmpty()) {
            Packet p = ctx.queue.peekFirst();
            int space = q.reqProd() - q.reqCons();
            if (Integer.compareUnsigned(space, p.estimate) < 0) {
                if (ctx.log != null) {
                    ctx.log.hold(q, p.tag, p.estimate);
                }
                break; // EAGAIN: stays queued
            }
            ctx.poll();
            try {
                q.vif.packer.plan(p.skb, plan);
            } catch (RuntimeException e) {
                q.release(p);
                q.unsupported(p.tag, e);
                continue;
            }
            int slots = plan.slotCount();
            if (slots > p.estimate) {
                q.dropOverrun(p, slots, "its admission count");
                continue;
            }
            if (plan.opCount() > ctx.copyOpArraySize) {
                ctx.bug("packet " + p.tag + " needs " + plan.opCount() + " grant copies, the table holds "
                        + ctx.copyOpArraySize + " (KASSERT(gnt_idx < GNTTAB_LEN))");
                q.discard(p, DropReason.COPY_ARRAY_TOO_SMALL);
                continue;
            }
            send(q, p, slots);
            done++;
        }
        if (done > 0 && q.push()) {
            ctx.notify(q);
        }
        ctx.packets += done;
        return done;
    }

    private void send(VifQueue q, Packet p, int slots) {
        PlanBuffer plan = ctx.plan;
        int first = q.reqCons();
        ctx.clearBatch();
        for (int i = 0, n = plan.opCount(); i < n; i++) {
            ctx.addOp(p, plan, i, q.requestGref(first + plan.opSlot(i)));
        }
        boolean error = ctx.hypercall() > 0;
        q.batches++;
        int used;
        if (error) {
            q.writeResponse(first, q.requestId(first), 0, 0, Netif.RSP_ERROR);
            used = 1;
        } else {
            for (int s = 0; s < slots; s++) {
                q.writeSlot(first + s, plan, s, q.requestId(first + s), false);
            }
            used = slots;
        }
        q.setReqCons(first + used);
        q.setRspProdPvt(first + used);
        q.slotsUsed += used;
        int meta = 0;
        for (int s = 0; s < used; s++) {
            meta += !error && plan.slotIsExtra(s) ? 0 : 1;
        }
        ctx.took(q, p, meta, plan.opCount(), used);
        q.completed(p, error, used);
    }
}
