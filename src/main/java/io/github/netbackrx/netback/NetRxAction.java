package io.github.netbackrx.netback;

import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.ring.RxRing;

/**
 * The 2010 netback of one group ({@code struct xen_netbk}): {@code netif_be_start_xmit} and {@code
 * net_rx_action} of the pvops tree that carries the 2010 patch (drivers/xen/netback/netback.c).
 *
 * <h2>{@code netif_be_start_xmit}</h2>
 *
 * <ol>
 *   <li>Dropped when the vif has no group ({@code netif->group == -1}), is not schedulable, or {@code
 *       netbk_queue_full} holds: {@code req_prod - peek < needed} or {@code rsp_prod_pvt + RING_SIZE
 *       - peek < needed}, with {@code needed = netbk_max_required_rx_slots} ({@code MAX_SKB_FRAGS + 2}
 *       for a scatter-gather or TSO front end, else 1) — the worst case, whatever this packet needs.
 *   <li>A head that reaches its page end ({@code skb_headlen + offset_in_page(data) >= PAGE_SIZE})
 *       is re-laid out as {@code netbk_copy_skb} did: a fresh linear head of at most {@link
 *       Vif#COPY_SKB_HEAD_CAPACITY} bytes at offset {@link Vif#COPY_SKB_HEAD_OFFSET} of a new page,
 *       the rest in full-page fragments (under {@code coalesce} and {@code per-frag} only).
 *   <li>{@code rx_req_cons_peek += count_skb_slots}; the packet is queued on the group's shared
 *       {@code rx_queue}.
 *   <li>If the vif may queue and the ring is now full: {@code req_event = peek +
 *       max_required_rx_slots}, re-check, stop the queue and arm the 500 ms {@code
 *       tx_queue_timeout}, whose callback wakes the queue if the vif is schedulable.
 * </ol>
 *
 * <h2>{@code net_rx_action}</h2>
 *
 * The batch of {@link PeekEngine} across the group's vifs in arrival order, one {@code
 * GNTTABOP_copy} for all of them; then per packet the status check, responses, {@code
 * RING_PUSH_RESPONSES_AND_CHECK_NOTIFY} and, if it asks, the vif's irq recorded once ({@code
 * rx_notify[irq]}, {@code notify_list}); the wake of a stopped queue with room. Finally each
 * recorded irq is notified once, popping {@code notify_list} from its end, so the newest first.
 */
final class NetRxAction extends PeekEngine {
    private final int[] notifyIrq = new int[RxRing.SIZE + 1];
    private final VifQueue[] notifyQueue = new VifQueue[RxRing.SIZE + 1];
    private int notifyCount;

    NetRxAction(RxContext ctx) {
        super(ctx);
    }

    @Override
    public boolean startXmit(VifQueue q, Skb skb, byte[] data, long tag) {
        if (q.ringFull()) {
            return q.drop(tag, DropReason.RING_FULL);
        }
        Skb s;
        PackingPolicy policy = q.vif.policy();
        try {
            s = headReachesPageEnd(skb) && (policy == PackingPolicy.COALESCE || policy == PackingPolicy.PER_FRAG)
                    ? copySkb(skb, q.vif.maxSkbFrags)
                    : skb;
        } catch (InvalidPacketException e) {
            return q.unsupported(tag, e);
        }
        return reserveAndQueue(q, s, data, tag);
    }

    @Override
    void stopped(VifQueue q) {
        q.stopQueue();
        q.armTimer(); // mod_timer(&netif->tx_queue_timeout, jiffies + HZ/2)
    }

    @Override
    void noteNotify(VifQueue q) {
        for (int i = 0; i < notifyCount; i++) {
            if (notifyIrq[i] == q.irq) {
                return; // rx_notify[irq] already set
            }
        }
        notifyIrq[notifyCount] = q.irq;
        notifyQueue[notifyCount++] = q;
    }

    @Override
    void sendNotifications() {
        while (notifyCount != 0) {
            VifQueue q = notifyQueue[--notifyCount];
            notifyQueue[notifyCount] = null;
            ctx.notify(q);
        }
    }

    /**
     * The 2010 {@code netif_be_start_xmit} test for {@code netbk_copy_skb}: {@code skb_headlen +
     * offset_in_page(data) >= PAGE_SIZE}, so a head that ends exactly at its page end is copied too;
     * a head starting in a later page of its compound page is taken at its offset in that page.
     */
    static boolean headReachesPageEnd(Skb skb) {
        return (skb.headOffset() & (Netif.PAGE_SIZE - 1)) + skb.headLength() >= Netif.PAGE_SIZE;
    }

    /** {@code netbk_copy_skb}: a fresh head in one page, the rest in full-page local fragments. */
    static Skb copySkb(Skb skb, int maxSkbFrags) {
        int headLength = Math.min(skb.headLength(), Vif.COPY_SKB_HEAD_CAPACITY);
        Skb.Builder b = Skb.builder().maxFrags(maxSkbFrags).head(Vif.COPY_SKB_HEAD_OFFSET, headLength);
        for (int rest = skb.length() - headLength; rest > 0; rest -= Netif.PAGE_SIZE) {
            b.frag(0, Math.min(rest, Netif.PAGE_SIZE));
        }
        if (skb.hasGso()) {
            b.gso(skb.gsoSize(), skb.gsoType());
        }
        if (skb.hasHash()) {
            b.hash(skb.hashValue(), skb.hashType());
        }
        return b.checksum(skb.checksum()).build();
    }
}
