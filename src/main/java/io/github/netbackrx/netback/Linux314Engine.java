package io.github.netbackrx.netback;

import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.GntStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux 3.14 guest-RX engine ({@code xenvif_start_xmit}, {@code xenvif_rx_action} after
 * "improve guest-receive-side flow control"; research §1.3).
 *
 * <ul>
 *   <li>{@code startXmit} always queues; if even the cheap minimum {@code 1 + nr_frags (+1 gso)} is
 *       not posted ({@code xenvif_rx_ring_slots_available}, which re-arms {@code req_event}), the
 *       queue is stopped. It is started again when the internal queue has drained (the driver's
 *       thread does so; its drain timer is not modelled, the model has no clock).
 *   <li>{@code rxAction} takes packets while each one's estimate ({@code max_slots_needed}, by
 *       default {@link io.github.netbackrx.core.SlotEstimator#WORST_CASE_3_14}) is posted; a packet
 *       that does not fit stays at the head of the queue ({@code skb_queue_head}) and its estimate is
 *       remembered ({@code rx_last_skb_slots}). A plan using more slots than the estimate is where
 *       the driver's {@code BUG_ON} fires: the model drops the packet ({@link
 *       DropReason#ESTIMATE_EXCEEDED}).
 *   <li>All ops go to one {@code GNTTABOP_copy} (array of {@code MAX_GRANT_COPY_OPS}); a packet
 *       whose ops would not fit ends the batch. A packet with a failed op gets {@code
 *       NETIF_RSP_ERROR} in every data slot. Responses are pushed per packet, one notify per call.
 * </ul>
 */
final class Linux314Engine implements ProfileEngine {
    private final Vif v;
    private final List<Vif.Queued> taken = new ArrayList<>();
    private final int[] opPacket;
    private int rxLastSkbSlots;

    Linux314Engine(Vif v) {
        this.v = v;
        this.opPacket = new int[v.copyOpArraySize];
    }

    @Override
    public boolean startXmit(Skb skb, byte[] data, long tag) {
        if (!v.enqueue(skb, data, tag)) {
            return false;
        }
        int min = 1 + skb.fragCount() + (skb.hasGso() ? 1 : 0);
        if (!v.ringSlotsAvailable(min)) {
            v.stopQueue();
        }
        return true;
    }

    @Override
    public void frontendEvent() {
        // xenvif_interrupt only kicks the thread; the next rxAction does the work
    }

    /** @return {@code rx_last_skb_slots}: the estimate of the packet left at the head for lack of space */
    int rxLastSkbSlots() {
        return rxLastSkbSlots;
    }

    @Override
    public int rxAction() {
        v.batch.clear();
        taken.clear();
        while (!v.queue.isEmpty()) {
            Vif.Queued p = v.queue.peekFirst();
            if (!v.ringSlotsAvailable(p.estimate)) {
                rxLastSkbSlots = p.estimate;
                break;
            }
            v.packer.plan(p.skb, v.plan);
            int slots = v.plan.slotCount();
            if (slots > p.estimate) {
                v.queue.pollFirst();
                v.dropOverrun(p, slots, "max_slots_needed (BUG_ON(ring_slots_used > max_slots_needed))");
                continue;
            }
            if (v.batch.size() + v.plan.opCount() > v.copyOpArraySize) {
                if (taken.isEmpty()) {
                    v.queue.pollFirst();
                    v.discard(p, DropReason.COPY_ARRAY_TOO_SMALL);
                    continue;
                }
                v.copyArrayOverflows++;
                break;
            }
            v.queue.pollFirst();
            take(p);
        }
        if (v.queue.isEmpty()) {
            v.wakeQueue();
        }
        if (taken.isEmpty()) {
            return 0;
        }
        if (v.copyBatch() > 0) {
            for (int i = 0, nOps = v.batch.size(); i < nOps; i++) {
                if (v.batch.status(i) != GntStatus.OKAY) {
                    taken.get(opPacket[i]).error = true;
                }
            }
        }
        v.batches++;
        boolean notify = false;
        for (int j = 0; j < taken.size(); j++) {
            Vif.Queued p = taken.get(j);
            int first = p.firstIndex;
            int slots = p.slotCount;
            if (p.error) {
                for (int s = 0; s < slots; s++) {
                    RxRing ring = v.ring;
                    if (!p.extra[s]) {
                        ring.writeResponse(
                                first + s,
                                ring.responseId(first + s),
                                0,
                                ring.responseFlags(first + s),
                                Netif.RSP_ERROR);
                    }
                }
            }
            v.back.setRspProdPvt(first + slots);
            notify |= v.back.pushResponsesAndCheckNotify();
            v.completed(p, p.error, slots);
        }
        v.notifyIf(notify);
        return taken.size();
    }

    /** Consumes the packet's requests, writes its responses (pushed later) and adds its ops. */
    private void take(Vif.Queued p) {
        int first = v.back.reqCons();
        int slots = v.plan.slotCount();
        int[] grefs = new int[slots];
        p.extra = new boolean[slots];
        for (int s = 0; s < slots; s++) {
            int idx = v.back.takeRequest();
            grefs[s] = v.ring.requestGref(idx);
            p.extra[s] = v.plan.slotIsExtra(s);
            v.writeSlot(idx, v.plan, s, v.ring.requestId(idx), false);
        }
        for (int i = 0, n = v.plan.opCount(); i < n; i++) {
            int op = v.addOp(v.batch, p, v.plan, i, grefs[v.plan.opSlot(i)]);
            opPacket[op] = taken.size();
        }
        p.slotCount = slots;
        v.slotsUsed += slots;
        p.firstIndex = first;
        taken.add(p);
    }
}
