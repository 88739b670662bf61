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
 *   <li>After each pass, one {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}; the front end is
 *       notified when the push says so or the pass ended on {@code EAGAIN}; then {@code req_event =
 *       req_prod_local + 1} (the {@code req_prod} read at the start of the pass), and another pass
 *       if {@code req_prod} moved (see {@link #action()}).
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

    /**
     * One call of {@code xnb_start_locked} (FreeBSD {@code sys/dev/xen/netback/netback.c}): passes
     * of its {@code do { ... } while (rxb->sring->req_prod != req_prod_local)} loop. A pass samples
     * {@code req_prod}, sends packets until the queue is empty or one gets {@code EAGAIN}, pushes
     * ({@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}, even when it wrote nothing), signals the front
     * end when the push says so <em>or</em> a packet did not fit ({@code out_of_space}: "perhaps the
     * frontend missed an IRQ"), then re-arms {@code req_event = req_prod_local + 1} with the value
     * sampled at the start of the pass, and runs another pass if {@code req_prod} moved meanwhile.
     * The re-arm is what makes the front end's next posted request raise the event that runs this
     * again, so a packet left queued on {@code EAGAIN} is sent once the guest refills. A pass runs
     * (and re-arms) even with nothing queued, as {@code xnb_intr} calling {@code xnb_start} does.
     */
    @Override
    public int action() {
        boolean work = ctx.beginAction();
        VifQueue q = ctx.ring;
        if (!work && q.disabledBy() != null) {
            return 0; // the model's guard against a front end that overflowed req_prod
        }
        int done = 0;
        int reqProdLocal;
        do {
            reqProdLocal = q.reqProd();
            int sent = pass(q);
            boolean outOfSpace = sent < 0;
            done += outOfSpace ? -sent - 1 : sent;
            if (q.push() || outOfSpace) {
                ctx.notify(q);
            }
            q.setReqEvent(reqProdLocal + 1);
            if (ctx.log != null) {
                ctx.log.reqEvent(q, reqProdLocal + 1);
            }
        } while (q.reqProd() != reqProdLocal);
        ctx.packets += done;
        return done;
    }

    /**
     * The inner {@code for (;;)} of one pass: sends queued packets in order.
     *
     * @return the packets sent, or {@code -(sent + 1)} when the pass ended on {@code EAGAIN}
     */
    private int pass(VifQueue q) {
        PlanBuffer plan = ctx.plan;
        int done = 0;
        while (!ctx.queue.isEmpty()) {
            Packet p = ctx.queue.peekFirst();
            // xnb_send: space = sring->req_prod - req_cons, read live (not req_prod_local)
            int space = q.reqProd() - q.reqCons();
            if (Integer.compareUnsigned(space, p.estimate) < 0) {
                if (ctx.log != null) {
                    ctx.log.hold(q, p.tag, p.estimate);
                }
                return -(done + 1); // EAGAIN: IF_PREPEND, out_of_space
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
