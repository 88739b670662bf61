package io.github.netbackrx.core;

import java.util.Objects;

/**
 * A worst-case slot count reserved (or checked) before a packet is packed, one per historical
 * generation. A packer uses its policy's {@link PackingPolicy#defaultEstimator() own estimator}; any
 * other can be paired with a policy through {@link RxPacker.Builder#estimator(SlotEstimator)}, and
 * {@link PlanChecker} then reports {@link Invariant#SLOTS_WITHIN_ESTIMATE} when the walk uses more
 * slots than the estimate — how the historical under-counts are replayed (the {@code
 * head-undercount-*}, {@code frag-offset-undercount} and {@code capped-estimate} cases of the bug
 * catalogue, {@code docs/bugs.md}).
 *
 * <p>Every estimator is pure arithmetic on the packet and allocates nothing.
 */
public enum SlotEstimator {
    /**
     * {@code count_skb_slots} of the 2010 patch: one slot for the head's buffer, filled with {@code
     * skb_headlen} bytes (a head longer than a buffer fills whole buffers first), one for GSO ({@code
     * gso_size != 0}, whatever the frontend negotiated), then the {@code start_new_rx_buffer} walk over
     * whole fragments.
     */
    COUNT_SKB_SLOTS_2010("count-skb-slots"),
    /**
     * {@code xen_netbk_count_skb_slots} of Linux 3.0: {@code ceil((offset_in_page(data) + headlen) /
     * 4096)} for the head (0 for an empty head at offset 0), plus one for GSO, then the fragment walk
     * starting from {@code copy_off = headlen % MAX_BUFFER_OFFSET}.
     */
    LINUX_3_0("linux-3.0"),
    /** As {@link #LINUX_3_0}, but Linux 3.6's head term {@code ceil(headlen / 4096)}. */
    LINUX_3_6("linux-3.6"),
    /**
     * The dry run of Linux 3.10-stable to 3.13 ("xen-netback: count number required slots for an
     * skb more carefully"; {@code xenvif_count_skb_slots} with {@code xenvif_count_frag_slots} in
     * {@code drivers/net/xen-netback/netback.c}): the {@link PackingPolicy#COALESCE_COMPOUND} walk
     * without copying, plus one slot for any {@code gso_size} ("Need a slot for the GSO prefix for
     * GSO extra data?"), whether or not the frontend negotiated the packet's GSO type: a GSO packet
     * whose type is in neither mask is counted one slot more than {@code xenvif_gop_skb} uses.
     */
    EXACT_DRY_RUN("exact-dry-run"),
    /**
     * The worst case of Linux 3.14's {@code xenvif_rx_action}: {@code ceil((offset_in_page(data) +
     * headlen) / 4096) + sum over fragments of ceil((page_offset + size) / 4096)}, capped at {@link
     * KernelLimits#MAX_SKB_FRAGS_LATER}, plus one for TCPv4/TCPv6 GSO.
     */
    WORST_CASE_3_14("worst-case-3.14"),
    /**
     * {@code rx_slots_needed} of {@code rx.c}: {@code ceil(len / 4096)}, plus one if the packet has GSO
     * ({@code skb_is_gso}, whatever the frontend negotiated), plus one if it carries a hash the
     * frontend asked for ({@code skb->sw_hash}).
     */
    RX_SLOTS_NEEDED("rx-slots-needed"),
    /**
     * FreeBSD's {@code xnb_mbufc2pkt}: {@code list_len = ceil(size / 4096)}, plus one for the GSO
     * extra when one is sent; {@code size} is the packet's length in a {@code uint16_t}, so a packet
     * of 65536 bytes counts as {@code len mod 65536}.
     */
    FREEBSD_LIST_LEN("freebsd-list-len"),
    /** The netback before 2010: {@code nr_frags + 1 + (gso_size ? 1 : 0)}. */
    PER_FRAG("per-frag");

    private final String label;

    SlotEstimator(String label) {
        this.label = label;
    }

    /** @return the estimator's name in documents, e.g. {@code exact-dry-run} */
    public String label() {
        return label;
    }

    /**
     * The estimate for a packet.
     *
     * @param skb the packet, not null
     * @param features what the frontend negotiated, not null
     * @param maxBufferOffset bytes one guest buffer may hold ({@code MAX_BUFFER_OFFSET}), {@code 1..4096}
     * @return the slot count
     */
    public int estimate(Skb skb, FrontendFeatures features, int maxBufferOffset) {
        Objects.requireNonNull(skb, "skb");
        Objects.requireNonNull(features, "features");
        int gso = skb.hasGso() ? 1 : 0;
        int page = Netif.PAGE_SIZE;
        return switch (this) {
            case COUNT_SKB_SLOTS_2010 -> countSkbSlots2010(skb, maxBufferOffset);
            case LINUX_3_0 ->
                ceil(skb.headOffset() % page + skb.headLength(), page)
                        + gso
                        + fragWalk(skb, skb.headLength() % maxBufferOffset, maxBufferOffset);
            case LINUX_3_6 ->
                ceil(skb.headLength(), page) + gso + fragWalk(skb, skb.headLength() % maxBufferOffset, maxBufferOffset);
            case EXACT_DRY_RUN -> dryRunDataSlots(skb, maxBufferOffset) + gso;
            case WORST_CASE_3_14 -> worstCase314(skb) + gso;
            case RX_SLOTS_NEEDED -> ceil(skb.length(), page) + gso + (features.hashExtra(skb) ? 1 : 0);
            case FREEBSD_LIST_LEN -> ceil(skb.length() & 0xFFFF, page) + (features.gsoExtra(skb) ? 1 : 0);
            case PER_FRAG -> skb.fragCount() + 1 + gso;
        };
    }

    private static int ceil(long n, int d) {
        return (int) ((n + d - 1) / d);
    }

    private static int countSkbSlots2010(Skb skb, int max) {
        int headLength = skb.headLength();
        int count = 1;
        int copyOff = headLength;
        if (headLength > max) {
            count = ceil(headLength, max);
            copyOff = headLength - (count - 1) * max;
        }
        if (skb.hasGso()) {
            count++;
        }
        return count + fragWalk(skb, copyOff, max);
    }

    /**
     * Slots the 2010 {@code start_new_rx_buffer} walk over whole fragments adds after {@code copyOff}
     * (a fragment's offset does not matter to it).
     */
    private static int fragWalk(Skb skb, int copyOff, int max) {
        int[] fl = skb.fragLengths;
        if (max == Netif.PAGE_SIZE && skb.fragsWithinPages) {
            return fragWalkWhole(fl, copyOff, max);
        }
        int count = 0;
        for (int size : fl) {
            while (size > 0) {
                if (copyOff == max || (copyOff + size > max && size <= max && copyOff != 0)) {
                    count++;
                    copyOff = 0;
                }
                int bytes = Math.min(size, max - copyOff);
                copyOff += bytes;
                size -= bytes;
            }
        }
        return count;
    }

    /**
     * {@link #fragWalk} when every fragment fits a buffer ({@code 1 <= size <= max}): each is then
     * one chunk, and the condition reduces to {@code copy_off + size > max && copy_off != 0} (a full
     * buffer satisfies it).
     */
    private static int fragWalkWhole(int[] fl, int copyOff, int max) {
        int count = 0;
        for (int size : fl) {
            if (copyOff + size > max && copyOff != 0) {
                count++;
                copyOff = 0;
            }
            copyOff += size;
        }
        return count;
    }

    /**
     * The data buffers the coalesce-family walk uses, without writing anything: the dry run of
     * {@code xenvif_count_skb_slots} / {@code xenvif_count_frag_slots} (Linux 3.10-stable to 3.13)
     * over chunks cut at 4 KiB source-frame ends, kept apart from the packing walks so that the
     * estimate stays an independent count. The prefix or GSO slot is not included.
     *
     * @return the data buffers ({@code netbk_rx_meta} entries) the walk fills
     */
    private static int dryRunDataSlots(Skb skb, int max) {
        if (max == Netif.PAGE_SIZE && skb.withinPages) {
            // every area one chunk that fits a buffer; the head's, if any, opens the first
            return 1 + fragWalkWhole(skb.fragLengths, skb.headLength(), max);
        }
        int page = Netif.PAGE_SIZE;
        int meta = 0;
        int copyOff = 0;
        boolean head = true;
        for (int source = -1, n = skb.fragCount(); source < n; source++) {
            int offset = source < 0 ? skb.headOffset() : skb.fragOffset(source);
            int size = source < 0 ? skb.headLength() : skb.fragLength(source);
            while (size > 0) {
                int chunk = Math.min(size, page - (offset & (page - 1))); // offsets are >= 0
                if (copyOff == max || (copyOff + chunk > max && chunk <= max && copyOff != 0 && !head)) {
                    meta++;
                    copyOff = 0;
                }
                int bytes = Math.min(chunk, max - copyOff);
                copyOff += bytes;
                offset += bytes;
                size -= bytes;
                head = false;
            }
        }
        return meta + 1;
    }

    private static int worstCase314(Skb skb) {
        int page = Netif.PAGE_SIZE;
        long n = ceil(skb.headOffset() % page + (long) skb.headLength(), page);
        for (int k = 0, c = skb.fragCount(); k < c; k++) {
            n += ceil((long) skb.fragOffset(k) + skb.fragLength(k), page);
        }
        return (int) Math.min(n, KernelLimits.MAX_SKB_FRAGS_LATER);
    }
}
