package io.github.netbackrx.netback;

import io.github.netbackrx.core.Skb;

/**
 * Linux 3.12–3.13 ({@code drivers/net/xen-netback}, the 1:1 model with one kthread per vif, before
 * 3.14's flow control): {@code xenvif_start_xmit} (interface.c) and {@code xenvif_rx_action}
 * (netback.c) of one vif.
 *
 * <h2>{@code xenvif_start_xmit}</h2>
 *
 * Dropped when the vif is not schedulable or {@code xenvif_rx_ring_full} holds ({@code
 * xenvif_rx_schedulable}); otherwise {@code rx_req_cons_peek += xenvif_count_skb_slots} (the {@code
 * coalesce-compound} dry run) and, if the vif may queue, {@code xenvif_must_stop_queue} re-arms
 * {@code req_event = peek + max_required_rx_slots} and stops the queue when the ring is full; the
 * packet is queued on the vif's own {@code rx_queue} and the thread kicked. {@code
 * max_required_rx_slots} is {@code ceil(mtu / 4096) + (can_sg || gso_mask || gso_prefix_mask ?
 * MAX_SKB_FRAGS + 1 : 0)}. No queue-wake timer.
 *
 * <h2>{@code xenvif_rx_action}</h2>
 *
 * The batch of {@link PeekEngine} over the vif's queue, one {@code gnttab_batch_copy}; per packet
 * the GSO prefix response (prefix mode), the status check over its data slots, the responses, the
 * push ({@code need_to_notify} if it asks) and {@code xenvif_notify_tx_completion} (wake a stopped
 * queue that is schedulable and has room); one {@code notify_remote_via_irq} at the end if any push
 * asked for it.
 */
final class XenvifRxAction313 extends PeekEngine {
    private VifQueue notify;

    XenvifRxAction313(RxContext ctx) {
        super(ctx);
    }

    @Override
    public boolean startXmit(VifQueue q, Skb skb, byte[] data, long tag) {
        if (q.ringFull()) {
            return q.drop(tag, DropReason.RING_FULL);
        }
        return reserveAndQueue(q, skb, data, tag);
    }

    @Override
    void noteNotify(VifQueue q) {
        notify = q;
    }

    @Override
    void sendNotifications() {
        if (notify != null) {
            ctx.notify(notify);
            notify = null;
        }
    }
}
