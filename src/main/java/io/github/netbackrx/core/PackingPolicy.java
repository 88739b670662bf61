package io.github.netbackrx.core;

/**
 * A rule that lays one packet onto guest RX ring slots and grant-copy operations, with its
 * worst-case slot estimate. {@link RxPacker} applies it.
 */
public enum PackingPolicy {
    /**
     * The 2010 patch's rule ("linearise SKBs as we copy them into guest memory on guest-RX"):
     * {@code netbk_gop_skb} feeds the head, then each fragment, to {@code netbk_gop_frag_copy}, which
     * packs bytes into the current buffer and starts a new buffer only under the {@code
     * start_new_rx_buffer} condition; the estimate is {@code count_skb_slots}. Heads and fragments
     * must lie within one 4096-byte page.
     */
    COALESCE("coalesce"),
    /**
     * The netback before the 2010 patch: one slot per head and per fragment, each copied to offset 0
     * of its buffer; fragments are copied first and the head last; estimate {@code nr_frags + 1 +
     * (gso ? 1 : 0)}.
     */
    PER_FRAG("per-frag"),
    /**
     * Linux 3.7–3.19 ({@code xenvif_gop_skb} / {@code xenvif_gop_frag_copy} after "handle compound
     * page fragments"): the {@code start_new_rx_buffer} rule of {@link #COALESCE} applied to chunks cut
     * at 4 KiB source-frame ends, so heads and fragments may cross pages; the GSO gap is left after the
     * packet's first chunk; the estimate is the exact dry run of the same walk ({@code
     * xenvif_count_skb_slots} with {@code xenvif_count_frag_slots}).
     */
    COALESCE_COMPOUND("coalesce-compound"),
    /**
     * Linux {@code rx.c} (4.10+; full packing since 4.0): every data slot but the last is filled to
     * 4096 bytes; a chunk ({@code xenvif_rx_next_chunk}) is cut at the slot end and at the 4 KiB source
     * frame end; the extras (GSO, then hash) follow data slot 0; the estimate is {@code
     * rx_slots_needed}: {@code ceil(len / 4096) + gso + sw_hash}.
     */
    FULL_PAGE("full-page"),
    /**
     * FreeBSD netback ({@code xnb_mbufc2pkt}, {@code xnb_rxpkt2gnttab}, {@code xnb_rxpkt2rsp}): full
     * 4096-byte slots, chunks cut at slot ends only, so an op may read across a source frame (which
     * {@code GNTTABOP_copy} refuses); estimate {@code ceil(len / 4096) + gso}.
     */
    FREEBSD("freebsd");

    private final String label;

    PackingPolicy(String label) {
        this.label = label;
    }

    /**
     * Whether the policy is one of the {@code start_new_rx_buffer} generations, the only ones with a
     * {@code MAX_BUFFER_OFFSET} other than 4096 ({@link RxPacker.Builder#maxBufferOffset(int)}) and with
     * the GSO prefix mode ({@link FrontendFeatures#gsoPrefixMask()}).
     *
     * @return true for {@link #COALESCE} and {@link #COALESCE_COMPOUND}
     */
    public boolean coalesceFamily() {
        return this == COALESCE || this == COALESCE_COMPOUND;
    }

    /**
     * The estimate the policy's own generation reserved before packing.
     *
     * @return the estimator {@link RxPacker#of(PackingPolicy)} uses
     */
    public SlotEstimator defaultEstimator() {
        return switch (this) {
            case COALESCE -> SlotEstimator.COUNT_SKB_SLOTS_2010;
            case PER_FRAG -> SlotEstimator.PER_FRAG;
            case COALESCE_COMPOUND -> SlotEstimator.EXACT_DRY_RUN;
            case FULL_PAGE -> SlotEstimator.RX_SLOTS_NEEDED;
            case FREEBSD -> SlotEstimator.FREEBSD_LIST_LEN;
        };
    }

    /** @return the policy's name on the command line and in documents, e.g. {@code coalesce} */
    public String label() {
        return label;
    }

    /**
     * The policy with the given label.
     *
     * @param s a label such as {@code coalesce} or {@code per-frag}
     * @return the policy
     * @throws IllegalArgumentException for an unknown label, listing the valid ones
     */
    public static PackingPolicy fromLabel(String s) {
        for (PackingPolicy p : values()) {
            if (p.label.equals(s)) {
                return p;
            }
        }
        StringBuilder valid = new StringBuilder();
        for (PackingPolicy p : values()) {
            if (valid.length() > 0) {
                valid.append(", ");
            }
            valid.append(p.label);
        }
        throw new IllegalArgumentException("unknown packing policy '" + s + "' (valid: " + valid + ")");
    }
}
