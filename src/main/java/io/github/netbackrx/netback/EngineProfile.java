package io.github.netbackrx.netback;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.SlotEstimator;

/**
 * How a {@link Netback} admits, batches, copies and answers packets: one historical netback
 * generation, with its own engine class named for the kernel function it models ({@code
 * net_rx_action} of the 2010 pvops tree, {@code xenvif_rx_action} of Linux 3.13, 3.14 and {@code
 * rx.c}, FreeBSD's {@code xnb_start_locked}). The packing policy is
 * chosen separately ({@link Vif.Builder#policy}); each profile has a default one.
 *
 * <p>Every profile delivers the same bytes for a packet it accepts; they differ in flow control,
 * in how copy ops are batched, and in what the guest sees when a copy fails.
 */
public enum EngineProfile {
    /**
     * The 2010 netback ({@code netif_be_start_xmit} / {@code net_rx_action}): the estimate is
     * reserved against {@code rx_req_cons_peek} on arrival; batches of {@code count += nr_frags + 1}
     * packets share one {@code GNTTABOP_copy} of a {@code 2 * 256} op array; a failed op marks every
     * data slot of its packet {@code NETIF_RSP_ERROR}.
     */
    LINUX_2010("2010"),
    /**
     * Linux 3.12–3.13 (the 1:1 model of "switch to NAPI + kthread 1:1 model", before 3.14's flow
     * control): one thread per vif runs {@code xenvif_rx_action}; {@code xenvif_start_xmit} reserves
     * {@code xenvif_count_skb_slots} against {@code rx_req_cons_peek} and stops the queue with {@code
     * xenvif_must_stop_queue}; the batch is the 2010 count rule over the vif's own queue, with one
     * {@code gnttab_batch_copy} of a {@code 2 * 256} op array; the {@code coalesce-compound} walk; one
     * notify per action.
     */
    LINUX_3_13("3.13"),
    /**
     * Linux 3.14 ("improve guest-receive-side flow control"): {@code start_xmit} always queues and
     * stops the queue when even a cheap minimum ({@code 1 + nr_frags + gso}) is not posted; {@code
     * xenvif_rx_action} checks each packet's worst case with {@code xenvif_rx_ring_slots_available}
     * when it is processed, re-arming {@code req_event = req_prod + 1}, and puts a packet that does
     * not fit back at the head of the queue. Copy ops go in one array of {@code MAX_SKB_FRAGS * 256}.
     */
    LINUX_3_14("3.14"),
    /**
     * Linux {@code rx.c} (4.10+ "refactor guest rx", with the XSA-392 fixes): a bounded internal
     * queue that drops at {@code rx_queue_max} bytes; up to {@code RX_BATCH_SIZE} (64) packets per
     * {@code xenvif_rx_action}, each checked against {@code rx_slots_needed}; copy ops gathered 64
     * at a time ({@code COPY_BATCH_SIZE}) and flushed when full; a failed op writes its negative
     * {@code GNTST} status into its own slot's response; responses become visible at a flush, and
     * only for packets completed by then.
     */
    RX_C("rx.c"),
    /**
     * FreeBSD netback ({@code xnb_send}): a packet is admitted when {@code ceil(len / 4096) + gso}
     * requests are posted ({@code EAGAIN} leaves it queued otherwise); one {@code GNTTABOP_copy} per
     * packet; a packet with a failed op gets one {@code NETIF_RSP_ERROR} response that consumes one
     * request; responses are pushed once per call.
     */
    FREEBSD("freebsd");

    private final String label;

    EngineProfile(String label) {
        this.label = label;
    }

    /** @return the profile's name on the command line, e.g. {@code 3.14} */
    public String label() {
        return label;
    }

    /**
     * The packing policy of the profile's generation.
     *
     * @return {@code coalesce} (2010), {@code coalesce-compound} (3.13, 3.14), {@code full-page} ({@code
     *     rx.c}) or {@code freebsd}
     */
    public PackingPolicy defaultPolicy() {
        return switch (this) {
            case LINUX_2010 -> PackingPolicy.COALESCE;
            case LINUX_3_13, LINUX_3_14 -> PackingPolicy.COALESCE_COMPOUND;
            case RX_C -> PackingPolicy.FULL_PAGE;
            case FREEBSD -> PackingPolicy.FREEBSD;
        };
    }

    /**
     * The estimate the profile reserves or checks for a packet packed under {@code policy}: the 2010
     * and 3.13 engines reserve the policy's own estimate ({@code count_skb_slots}, {@code
     * xenvif_count_skb_slots}); 3.14 checks its worst case ({@link
     * SlotEstimator#WORST_CASE_3_14}); {@code rx.c} checks {@code rx_slots_needed}; FreeBSD checks
     * {@code list_len + gso}.
     *
     * @param policy the packing policy
     * @return the estimator
     */
    public SlotEstimator defaultEstimator(PackingPolicy policy) {
        return switch (this) {
            case LINUX_2010, LINUX_3_13 -> policy.defaultEstimator();
            case LINUX_3_14 -> SlotEstimator.WORST_CASE_3_14;
            case RX_C -> SlotEstimator.RX_SLOTS_NEEDED;
            case FREEBSD -> SlotEstimator.FREEBSD_LIST_LEN;
        };
    }

    /** @return {@code MAX_SKB_FRAGS} of the generation: 18 for 2010, 17 otherwise */
    public int defaultMaxSkbFrags() {
        return this == LINUX_2010 ? KernelLimits.MAX_SKB_FRAGS_2010 : KernelLimits.MAX_SKB_FRAGS_LATER;
    }

    /**
     * The copy-op array of the generation.
     *
     * @return {@code 2 * 256} (2010, 3.13 and FreeBSD's per-packet array), {@code MAX_SKB_FRAGS *
     *     256} (3.14), {@code COPY_BATCH_SIZE} 64 ({@code rx.c})
     */
    public int defaultCopyOpArraySize() {
        return switch (this) {
            case LINUX_2010, FREEBSD -> KernelLimits.COPY_OP_ARRAY_2010;
            case LINUX_3_13 -> KernelLimits.COPY_OP_ARRAY_3_13;
            case LINUX_3_14 -> KernelLimits.MAX_GRANT_COPY_OPS_3_14;
            case RX_C -> KernelLimits.COPY_BATCH_SIZE;
        };
    }

    /**
     * Whether the profile's vifs may have several queues ({@code multi-queue-num-queues}): only
     * {@code rx.c}, the generation after the 3.16 multi-queue series.
     *
     * @return true for {@link #RX_C}
     */
    public boolean multiQueue() {
        return this == RX_C;
    }

    /**
     * Whether the front end's event kicks the thread that runs the ring's action: true where the
     * interrupt wakes the ring's own thread ({@code xenvif_rx_interrupt} kicking the kthread of 3.14
     * and {@code rx.c}; FreeBSD's {@code xnb_intr} calling {@code xnb_start}); false for 2010 and 3.13,
     * whose interrupt only wakes a stopped queue ({@code netif_be_int}, {@code xenvif_rx_interrupt}).
     *
     * @return whether a simulator should run the action after delivering the front end's event
     */
    public boolean interruptRunsAction() {
        return this == LINUX_3_14 || this == RX_C || this == FREEBSD;
    }

    /**
     * The engine of the generation, bound to one execution context.
     *
     * @param ctx the context
     * @return a fresh engine
     */
    RxEngine newEngine(RxContext ctx) {
        return switch (this) {
            case LINUX_2010 -> new NetRxAction(ctx);
            case LINUX_3_13 -> new XenvifRxAction313(ctx);
            case LINUX_3_14 -> new XenvifRxAction314(ctx);
            case RX_C -> new XenvifRxActionRxC(ctx);
            case FREEBSD -> new XnbStart(ctx);
        };
    }

    /**
     * The profile with the given label.
     *
     * @param s a label such as {@code 2010} or {@code rx.c}
     * @return the profile
     * @throws IllegalArgumentException for an unknown label, listing the valid ones
     */
    public static EngineProfile fromLabel(String s) {
        StringBuilder valid = new StringBuilder();
        for (EngineProfile p : values()) {
            if (p.label.equals(s)) {
                return p;
            }
            valid.append(valid.length() > 0 ? ", " : "").append(p.label);
        }
        throw new IllegalArgumentException("unknown engine profile '" + s + "' (valid: " + valid + ")");
    }
}
