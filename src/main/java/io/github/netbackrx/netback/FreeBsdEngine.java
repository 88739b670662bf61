package io.github.netbackrx.netback;

import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.Skb;

/**
 * The FreeBSD netback guest-RX engine ({@code xnb_send} with {@code xnb_mbufc2pkt}, {@code
 * xnb_rxpkt2gnttab} and {@code xnb_rxpkt2rsp}; {@code research/peers.md} §2.1).
 *
 * <ul>
 *   <li>Packets are always queued (the interface's send queue).
 *   <li>Per packet, in order: admission needs {@code list_len + gso} requests posted beyond {@code
 *       req_cons} ({@code ceil(len / 4096)} data slots; by default {@link
 *       io.github.netbackrx.core.SlotEstimator#FREEBSD_LIST_LEN}); otherwise {@code EAGAIN}: the
 *       packet stays at the head and the call ends. Then its ops go to one {@code GNTTABOP_copy}.
 *   <li>Responses: if any op failed, one response {@code NETIF_RSP_ERROR} with the first request's
 *       id, consuming one request (the packet's other requests stay for the next packet);
 *       otherwise one response per slot of the plan. Nothing is pushed per packet.
 *   <li>After the loop, one {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY} and at most one notify.
 * </ul>
 */
final class FreeBsdEngine implements ProfileEngine {
    private final Vif v;

    FreeBsdEngine(Vif v) {
        this.v = v;
    }

    @Override
    public boolean startXmit(Skb skb, byte[] data, long tag) {
        return v.enqueue(skb, data, tag);
    }

    @Override
    public void frontendEvent() {
        // the interrupt schedules xnb_start; the next rxAction does the work
    }

    @Override
    public int rxAction() {
        int done = 0;
        while (!v.queue.isEmpty()) {
            Vif.Queued p = v.queue.peekFirst();
            int space = v.ring.reqProd() - v.back.reqCons();
            if (Integer.compareUnsigned(space, p.estimate) < 0) {
                break; // EAGAIN: stays queued
            }
            v.queue.pollFirst();
            v.packer.plan(p.skb, v.plan);
            int slots = v.plan.slotCount();
            if (slots > p.estimate) {
                v.dropOverrun(p, slots, "its admission count");
                continue;
            }
            if (v.plan.opCount() > v.copyOpArraySize) {
                v.discard(p, DropReason.COPY_ARRAY_TOO_SMALL);
                continue;
            }
            send(p, slots);
            done++;
        }
        if (done > 0) {
            v.notifyIf(v.back.pushResponsesAndCheckNotify());
        }
        return done;
    }

    private void send(Vif.Queued p, int slots) {
        int first = v.back.reqCons();
        v.batch.clear();
        for (int i = 0, n = v.plan.opCount(); i < n; i++) {
            v.addOp(v.batch, p, v.plan, i, v.ring.requestGref(first + v.plan.opSlot(i)));
        }
        boolean error = v.copyBatch() > 0;
        v.batches++;
        int used;
        if (error) {
            v.ring.writeResponse(first, v.ring.requestId(first), 0, 0, Netif.RSP_ERROR);
            used = 1;
        } else {
            for (int s = 0; s < slots; s++) {
                v.writeSlot(first + s, v.plan, s, v.ring.requestId(first + s), false);
            }
            used = slots;
        }
        v.back.setReqCons(first + used);
        v.back.setRspProdPvt(first + used);
        v.slotsUsed += used;
        v.completed(p, error, used);
    }
}
