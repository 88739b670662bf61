package io.github.netbackrx.netback;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.xen.GntStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Linux {@code rx.c} guest-RX engine (4.10+ "refactor guest rx", with the XSA-392 fixes;
 * research §1.5).
 *
 * <ul>
 *   <li>{@code xenvif_rx_queue_tail}: a packet arriving while the internal queue holds {@code
 *       rx_queue_max} bytes or more is dropped ({@link DropReason#QUEUE_FULL}) and the queue is
 *       stopped; it is woken when a dequeue brings the length below the bound.
 *   <li>{@code xenvif_rx_action}: while the head packet's {@code rx_slots_needed} is posted ({@code
 *       xenvif_rx_ring_slots_available}), the queue is not empty and fewer than {@code RX_BATCH_SIZE}
 *       packets were done, {@code xenvif_rx_skb} lays one packet onto the ring; then {@code
 *       xenvif_rx_copy_flush}.
 *   <li>{@code xenvif_rx_skb}: slot by slot, a data slot's ops are added ({@code
 *       xenvif_rx_copy_add}, which flushes first when {@code COPY_BATCH_SIZE} ops are pending) and
 *       then its response is written with the slot's byte count; extras are written in their slots.
 *       When the packet is done {@code rsp_prod_pvt = req_cons} (only now can a push expose it).
 *   <li>{@code xenvif_rx_copy_flush}: one {@code GNTTABOP_copy}; each failed op overwrites the
 *       status of its own slot's response with its negative {@code GNTST} code; push and notify;
 *       packets completed by now are freed.
 * </ul>
 */
final class RxCEngine implements ProfileEngine {
    private final Vif v;
    private final List<Vif.Queued> completed = new ArrayList<>();
    private final Vif.Queued[] opPacket;
    private final int[] opIndex;
    private long queueBytes;

    RxCEngine(Vif v) {
        this.v = v;
        this.opPacket = new Vif.Queued[v.copyOpArraySize];
        this.opIndex = new int[v.copyOpArraySize];
    }

    @Override
    public boolean startXmit(Skb skb, byte[] data, long tag) {
        int estimate = v.estimateOrDrop(skb, tag);
        if (estimate < 0) {
            return false;
        }
        if (queueBytes >= v.rxQueueMax) {
            v.stopQueue();
            return v.drop(tag, DropReason.QUEUE_FULL);
        }
        v.queue.addLast(v.place(skb, data, tag, estimate));
        queueBytes += skb.length();
        return true;
    }

    @Override
    public void frontendEvent() {
        // xenvif_interrupt kicks the thread; the next rxAction does the work
    }

    @Override
    public int rxAction() {
        v.batch.clear();
        completed.clear();
        int done = 0;
        while (!v.queue.isEmpty()
                && done < KernelLimits.RX_BATCH_SIZE
                && v.ringSlotsAvailable(v.queue.peekFirst().estimate)) {
            rxSkb(v.queue.pollFirst());
            done++;
        }
        flush();
        v.batches++;
        return done;
    }

    private void rxSkb(Vif.Queued p) {
        queueBytes -= p.skb.length();
        if (queueBytes < v.rxQueueMax) {
            v.wakeQueue();
        }
        v.packer.plan(p.skb, v.plan);
        int slots = v.plan.slotCount();
        if (slots > p.estimate) {
            // rx.c checks only rx_slots_needed; a policy that uses more would consume unposted requests
            v.dropOverrun(p, slots, "rx_slots_needed");
            return;
        }
        for (int s = 0; s < slots; s++) {
            int idx = v.back.takeRequest();
            if (!v.plan.slotIsExtra(s)) {
                int gref = v.ring.requestGref(idx);
                for (int i = 0, n = v.plan.opCount(); i < n; i++) {
                    if (v.plan.opSlot(i) == s) {
                        copyAdd(p, i, gref, idx);
                    }
                }
            }
            v.writeSlot(idx, v.plan, s, v.ring.requestId(idx), false);
        }
        v.slotsUsed += slots;
        p.slotCount = slots;
        v.back.setRspProdPvt(v.back.reqCons());
        completed.add(p);
    }

    private void copyAdd(Vif.Queued p, int i, int gref, int idx) {
        if (v.batch.size() == v.copyOpArraySize) {
            flush();
        }
        int op = v.addOp(v.batch, p, v.plan, i, gref);
        opPacket[op] = p;
        opIndex[op] = idx;
    }

    private void flush() {
        int n = v.batch.size();
        if (v.copyBatch() > 0) {
            for (int i = 0; i < n; i++) {
                int st = v.batch.status(i);
                if (st != GntStatus.OKAY) {
                    opPacket[i].error = true;
                    int idx = opIndex[i];
                    v.ring.writeResponse(
                            idx, v.ring.responseId(idx), v.ring.responseOffset(idx), v.ring.responseFlags(idx), st);
                }
            }
        }
        Arrays.fill(opPacket, 0, n, null);
        v.batch.clear();
        v.notifyIf(v.back.pushResponsesAndCheckNotify());
        for (Vif.Queued p : completed) {
            v.completed(p, p.error, p.slotCount);
        }
        completed.clear();
    }
}
