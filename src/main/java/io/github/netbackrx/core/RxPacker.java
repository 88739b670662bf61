package io.github.netbackrx.core;

import java.util.Objects;

/**
 * Lays a packet onto the guest's RX ring under a {@link PackingPolicy}: which ring slots it
 * consumes, which grant-copy operations fill their buffers, and which responses the guest reads —
 * the work of netback's {@code netbk_gop_skb} / {@code netbk_gop_frag_copy} and of the response
 * loop of {@code net_rx_action} ({@code make_rx_response}, {@code netbk_add_frag_responses}).
 *
 * <h2>The 2010 slot walk ({@link PackingPolicy#COALESCE})</h2>
 *
 * <pre>
 *   request 0            (request 1)      request 2 ...
 *   +-----------------+  +------------+   +-----------------+
 *   | head | f0 | f1  |  | GSO extra  |   | f2 (own buffer) |   copy_off runs 0..MAX_BUFFER_OFFSET
 *   +-----------------+  +------------+   +-----------------+   in the current buffer
 *   slot 0 (meta 0)      slot 1           slot 2 (meta 1)
 * </pre>
 *
 * <p>The head is copied first into the buffer of the packet's first request, then each fragment in
 * order. Before each chunk a new buffer (the next request, a new {@code netbk_rx_meta}) is started
 * when the {@code start_new_rx_buffer} condition holds: the current buffer is full ({@code copy_off
 * == MAX_BUFFER_OFFSET}), or the rest of the area would overflow it while (i) it fits a whole buffer,
 * (ii) the current buffer already holds data and (iii) this is not the head's first chunk. A chunk
 * is {@code min(size, MAX_BUFFER_OFFSET - copy_off)} bytes. The GSO extra takes the request right
 * after the head's buffer, so data buffer {@code m >= 1} lands in ring slot {@code m + 1} when the
 * packet has GSO. The estimate is {@code count_skb_slots}: the same walk without copying.
 *
 * <h2>The pre-2010 rule ({@link PackingPolicy#PER_FRAG})</h2>
 *
 * <p>One buffer per area, copied to offset 0: fragment {@code k} into slot {@code k + 1} (plus one
 * with GSO), issued first; the head into slot 0, issued last, even when empty.
 *
 * <h2>Later generations</h2>
 *
 * <p>{@link PackingPolicy#COALESCE_COMPOUND} runs the same walk on chunks cut at 4 KiB source-frame
 * ends ({@code xenvif_gop_frag_copy} of Linux 3.7–3.19). {@link PackingPolicy#FULL_PAGE} fills every
 * slot to 4096 bytes ({@code xenvif_rx_data_slot} with {@code xenvif_rx_next_chunk}); {@link
 * PackingPolicy#FREEBSD} does too but cuts chunks at slot ends only ({@code xnb_rxpkt2gnttab}).
 * {@code docs/packing-rules.md} gives each rule with a worked example.
 *
 * <h2>Frontend features and estimators</h2>
 *
 * <p>{@link Builder#features(FrontendFeatures)} sets what the frontend negotiated: a GSO packet of a
 * type outside {@code gso_mask} gets no extra slot; a type in {@code gso_prefix_mask} gets a prefix
 * response before the data (coalesce family only); {@code full-page} chains a hash extra behind the
 * GSO extra. {@link Builder#estimator(SlotEstimator)} pairs the walk with another generation's
 * estimate, so that an under-count shows as {@link Invariant#SLOTS_WITHIN_ESTIMATE}.
 *
 * <p>Packers are immutable and thread-safe; {@link #plan(Skb, PlanBuffer)} allocates nothing once
 * the buffer has grown to the packet's size.
 */
public final class RxPacker {
    private static final int PAGE = Netif.PAGE_SIZE;

    private final PackingPolicy policy;
    private final int maxBufferOffset;
    private final FrontendFeatures features;
    private final SlotEstimator estimator;

    private RxPacker(Builder b) {
        this.policy = b.policy;
        this.maxBufferOffset = b.maxBufferOffset;
        this.features = b.features;
        this.estimator = b.estimator == null ? b.policy.defaultEstimator() : b.estimator;
    }

    /**
     * A packer with the defaults ({@code MAX_BUFFER_OFFSET} = {@link Netif#MAX_BUFFER_OFFSET}, {@link
     * FrontendFeatures#DEFAULT}, the policy's own estimator).
     *
     * @param p the policy, not null
     * @return the packer
     */
    public static RxPacker of(PackingPolicy p) {
        return builder(p).build();
    }

    /**
     * Starts configuring a packer.
     *
     * @param p the policy, not null
     * @return a builder
     */
    public static Builder builder(PackingPolicy p) {
        return new Builder(Objects.requireNonNull(p, "policy"));
    }

    /** @return the packing policy */
    public PackingPolicy policy() {
        return policy;
    }

    /** @return bytes one guest buffer may hold ({@code MAX_BUFFER_OFFSET}) */
    public int maxBufferOffset() {
        return maxBufferOffset;
    }

    /** @return what the frontend negotiated */
    public FrontendFeatures features() {
        return features;
    }

    /** @return the estimator whose count each plan carries as its estimate */
    public SlotEstimator estimator() {
        return estimator;
    }

    /**
     * The worst-case number of ring slots the packet needs, reserved before packing: the {@link
     * #estimator()}'s count (for {@link PackingPolicy#COALESCE} by default the 2010 patch's {@code
     * count_skb_slots}; for {@link PackingPolicy#PER_FRAG} {@code nr_frags + 1 + (gso ? 1 : 0)}).
     *
     * @param skb the packet
     * @return the estimate
     * @throws PolicyViolationException if the policy cannot take the packet
     */
    public int estimateSlots(Skb skb) {
        checkPages(skb);
        return estimator.estimate(skb, features, maxBufferOffset);
    }

    /**
     * Plans the packet into a reusable buffer, which is reset first. Allocates nothing once {@code
     * out} has room for the packet's ops and slots.
     *
     * @param skb the packet
     * @param out the buffer to fill
     * @throws PolicyViolationException if the policy cannot take the packet ({@code out} is then
     *     left unchanged)
     */
    public void plan(Skb skb, PlanBuffer out) {
        Objects.requireNonNull(out, "out");
        checkPages(skb);
        out.reset(skb.length(), estimator.estimate(skb, features, maxBufferOffset), maxBufferOffset);
        switch (policy) {
            case COALESCE -> coalesceWalk(skb, features, maxBufferOffset, false, out);
            case COALESCE_COMPOUND -> coalesceWalk(skb, features, maxBufferOffset, true, out);
            case PER_FRAG -> planPerFrag(skb, out);
            case FULL_PAGE -> planFullPage(skb, out);
            case FREEBSD -> planFreeBsd(skb, out);
        }
    }

    /**
     * Plans the packet and returns an immutable snapshot.
     *
     * @param skb the packet
     * @return the plan
     * @throws PolicyViolationException if the policy cannot take the packet
     */
    public RxPlan plan(Skb skb) {
        PlanBuffer b = new PlanBuffer();
        plan(skb, b);
        return b.toPlan();
    }

    /**
     * Describes the configuration; features and estimator only when not the defaults.
     *
     * @return e.g. {@code RxPacker[coalesce, maxBufferOffset=4096]}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RxPacker[")
                .append(policy.label())
                .append(", maxBufferOffset=")
                .append(maxBufferOffset);
        if (!features.equals(FrontendFeatures.DEFAULT)) {
            sb.append(", ").append(features);
        }
        if (estimator != policy.defaultEstimator()) {
            sb.append(", estimator=").append(estimator.label());
        }
        return sb.append(']').toString();
    }

    // ---- the page rule -------------------------------------------------------------------------

    private void checkPages(Skb skb) {
        Objects.requireNonNull(skb, "skb");
        if (policy != PackingPolicy.COALESCE && policy != PackingPolicy.PER_FRAG) {
            return; // chunks are cut per source frame, or (freebsd) frames are not looked at
        }
        checkArea(skb.headOffset(), skb.headLength(), -1);
        for (int k = 0, n = skb.fragCount(); k < n; k++) {
            checkArea(skb.fragOffset(k), skb.fragLength(k), k);
        }
        if (policy == PackingPolicy.COALESCE && skb.headOffset() + skb.headLength() > maxBufferOffset) {
            throw new PolicyViolationException("head ends beyond MAX_BUFFER_OFFSET: offset " + skb.headOffset()
                    + " + length " + skb.headLength() + " > " + maxBufferOffset
                    + " (count_skb_slots would BUG(): the 2010 rule keeps the head in the first buffer)");
        }
    }

    private void checkArea(int offset, int length, int source) {
        if (offset >= PAGE || offset + length > PAGE) {
            throw pageViolation(offset, length, source);
        }
    }

    private PolicyViolationException pageViolation(int offset, int length, int source) {
        String why = policy == PackingPolicy.COALESCE
                ? " (the 2010 rule would BUG())"
                : " (the pre-2010 rule copies each area with one grant copy within one page)";
        String name = CopyOp.sourceName(source);
        if (offset >= PAGE) {
            return new PolicyViolationException(
                    name + " starts beyond its first 4096-byte page: offset " + offset + " >= " + PAGE + why);
        }
        return new PolicyViolationException(
                name + " crosses a 4096-byte page: offset " + offset + " + length " + length + " > " + PAGE + why);
    }

    // ---- the start_new_rx_buffer walk (coalesce, coalesce-compound) ---------------------------

    /**
     * The {@code start_new_rx_buffer} walk of {@code netbk_gop_skb} / {@code netbk_gop_frag_copy}
     * (2010) and {@code xenvif_gop_skb} / {@code xenvif_gop_frag_copy} (3.7–3.19), writing into
     * {@code out}, or only counting when {@code out} is {@code null} (the exact dry run).
     *
     * <p>A new buffer (request, {@code meta}) starts before a chunk when the current one is full, or
     * when the chunk would overflow it while (i) it fits a whole buffer, (ii) the buffer holds data
     * and (iii) no chunk has been copied yet ({@code head}). {@code compound} cuts chunks at 4 KiB
     * source-frame ends; otherwise a chunk is the rest of the area. The GSO gap is the request after
     * the first chunk (for the 2010 rule the head is in one buffer, so "after the head's copy" is the
     * same request); in prefix mode the prefix takes the packet's first request. Buffer {@code m}
     * lands in slot {@code m} without GSO, slot {@code m + 1} otherwise (buffer 0 in slot 0 with a GSO
     * extra, in slot 1 behind a prefix).
     *
     * @return the ring slots used
     */
    static int coalesceWalk(Skb skb, FrontendFeatures features, int max, boolean compound, PlanBuffer out) {
        boolean prefix = features.gsoPrefix(skb);
        boolean extra = !prefix && features.gsoExtra(skb);
        int shift = prefix || extra ? 1 : 0;
        int first = prefix ? 1 : 0;
        if (out != null) {
            out.setData(first, 0, 0);
            if (extra) {
                out.setExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), skb.gsoType());
            }
        }
        int meta = 0;
        int slot = first;
        int copyOff = 0;
        boolean head = true;
        for (int source = -1, n = skb.fragCount(); source < n; source++) {
            int offset = source < 0 ? skb.headOffset() : skb.fragOffset(source);
            int size = source < 0 ? skb.headLength() : skb.fragLength(source);
            while (size > 0) {
                int chunk = compound ? Math.min(size, PAGE - offset % PAGE) : size;
                if (copyOff == max || (copyOff + chunk > max && chunk <= max && copyOff != 0 && !head)) {
                    meta++;
                    slot = meta + shift;
                    if (out != null) {
                        out.setData(slot, 0, 0);
                    }
                    copyOff = 0;
                }
                int bytes = Math.min(chunk, max - copyOff);
                if (out != null) {
                    out.addOp(source, offset, slot, copyOff, bytes);
                    out.addStatus(slot, bytes);
                }
                copyOff += bytes;
                offset += bytes;
                size -= bytes;
                head = false;
            }
        }
        if (out != null) {
            int firstFlags = skb.checksum().rxFlags() | (extra ? Netif.RXF_EXTRA_INFO : 0);
            if (meta > 0) {
                firstFlags |= Netif.RXF_MORE_DATA;
            }
            out.orFlags(first, firstFlags);
            for (int m = 1; m < meta; m++) {
                out.orFlags(m + shift, Netif.RXF_MORE_DATA);
            }
            if (prefix) {
                // status = meta_slots_used, counted before the prefix's own meta is consumed
                out.setData(0, meta + 2, Netif.RXF_GSO_PREFIX | Netif.RXF_MORE_DATA);
                out.setDataOffset(0, skb.gsoSize());
            }
        }
        return meta + 1 + shift;
    }

    // ---- per-frag (pre-2010) -------------------------------------------------------------------

    private void planPerFrag(Skb skb, PlanBuffer out) {
        int extras = features.gsoExtra(skb) ? 1 : 0;
        int fragCount = skb.fragCount();
        for (int k = 0; k < fragCount; k++) {
            out.addOp(k, skb.fragOffset(k), k + 1 + extras, 0, skb.fragLength(k));
        }
        out.addOp(CopyOp.HEAD, skb.headOffset(), 0, 0, skb.headLength());
        int firstFlags = skb.checksum().rxFlags()
                | (extras != 0 ? Netif.RXF_EXTRA_INFO : 0)
                | (fragCount > 0 ? Netif.RXF_MORE_DATA : 0);
        out.setData(0, skb.headLength(), firstFlags);
        if (extras != 0) {
            out.setExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), skb.gsoType());
        }
        for (int k = 0; k < fragCount; k++) {
            out.setData(k + 1 + extras, skb.fragLength(k), k < fragCount - 1 ? Netif.RXF_MORE_DATA : 0);
        }
    }

    // ---- full-page (rx.c) ----------------------------------------------------------------------

    /**
     * {@code xenvif_rx_skb}: data slot 0, then the extras (GSO if negotiated, then hash), then data
     * slots 1..; each data slot is filled by {@code xenvif_rx_next_chunk} until it holds 4096 bytes or
     * the packet is done. An empty head yields one zero-length op, as {@code rx.c} issues it.
     */
    private void planFullPage(Skb skb, PlanBuffer out) {
        boolean gsoExtra = features.gsoExtra(skb);
        boolean hashExtra = features.hashExtra(skb);
        int extras = (gsoExtra ? 1 : 0) + (hashExtra ? 1 : 0);
        int remaining = skb.length();
        int source = -1;
        int done = 0; // bytes of the current area already copied (pkt->frag_offset)
        for (int d = 0; remaining > 0; d++) {
            int slot = d == 0 ? 0 : d + extras;
            out.setData(slot, 0, 0);
            int off = 0;
            do {
                int areaOffset = source < 0 ? skb.headOffset() : skb.fragOffset(source);
                int left = (source < 0 ? skb.headLength() : skb.fragLength(source)) - done;
                int src = areaOffset + done;
                int chunk = Math.min(left, Math.min(PAGE - off, PAGE - src % PAGE));
                out.addOp(source, src, slot, off, chunk);
                out.addStatus(slot, chunk);
                done += chunk;
                if (chunk == left) {
                    source++;
                    done = 0;
                }
                off += chunk;
                remaining -= chunk;
            } while (off < PAGE && remaining > 0);
            int flags = remaining > 0 ? Netif.RXF_MORE_DATA : 0;
            if (d == 0) {
                flags |= skb.checksum().rxFlags() | (extras > 0 ? Netif.RXF_EXTRA_INFO : 0);
                if (gsoExtra) {
                    out.setExtra(
                            1,
                            Netif.EXTRA_TYPE_GSO,
                            hashExtra ? Netif.EXTRA_FLAG_MORE : 0,
                            skb.gsoSize(),
                            skb.gsoType());
                }
                if (hashExtra) {
                    out.setHashExtra(extras, 0, skb.hashValue(), skb.hashType());
                }
            }
            out.orFlags(slot, flags);
        }
    }

    // ---- freebsd -------------------------------------------------------------------------------

    /**
     * {@code xnb_rxpkt2gnttab} and {@code xnb_rxpkt2rsp}: the packet's areas and the destination pages
     * are walked together, an op ending where the page or the area ends; after data slot 0 the walk
     * skips the GSO extra's slot. Empty areas issue no op.
     */
    private void planFreeBsd(Skb skb, PlanBuffer out) {
        int shift = features.gsoExtra(skb) ? 1 : 0;
        if (shift != 0) {
            out.setExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), skb.gsoType());
        }
        out.setData(0, 0, 0);
        int d = 0;
        int slot = 0;
        int off = 0;
        for (int source = -1, n = skb.fragCount(); source < n; source++) {
            int src = source < 0 ? skb.headOffset() : skb.fragOffset(source);
            int left = source < 0 ? skb.headLength() : skb.fragLength(source);
            while (left > 0) {
                if (off == PAGE) {
                    d++;
                    slot = d + shift;
                    out.setData(slot, 0, 0);
                    off = 0;
                }
                int bytes = Math.min(PAGE - off, left);
                out.addOp(source, src, slot, off, bytes);
                out.addStatus(slot, bytes);
                off += bytes;
                src += bytes;
                left -= bytes;
            }
        }
        out.orFlags(
                0,
                skb.checksum().rxFlags() | (shift != 0 ? Netif.RXF_EXTRA_INFO : 0) | (d > 0 ? Netif.RXF_MORE_DATA : 0));
        for (int m = 1; m < d; m++) {
            out.orFlags(m + shift, Netif.RXF_MORE_DATA);
        }
    }

    /** Configures an {@link RxPacker}. */
    public static final class Builder {
        private final PackingPolicy policy;
        private int maxBufferOffset = Netif.MAX_BUFFER_OFFSET;
        private FrontendFeatures features = FrontendFeatures.DEFAULT;
        private SlotEstimator estimator;

        private Builder(PackingPolicy policy) {
            this.policy = policy;
        }

        /**
         * Sets {@code MAX_BUFFER_OFFSET}, the bytes one guest buffer may hold (default {@link
         * Netif#MAX_BUFFER_OFFSET}); only the coalesce family has it ({@link
         * PackingPolicy#coalesceFamily()}). The estimate, the statuses and the {@code dest-within-slot}
         * check follow it; the page rule for sources stays at 4096. Under {@link PackingPolicy#COALESCE}
         * the head must end within the first buffer ({@code count_skb_slots}'s assertion).
         *
         * @param n bytes, {@code 1..4096}
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is outside {@code 1..4096}
         */
        public Builder maxBufferOffset(int n) {
            if (n < 1 || n > Netif.PAGE_SIZE) {
                throw new IllegalArgumentException("maxBufferOffset " + n + " outside 1.." + Netif.PAGE_SIZE);
            }
            this.maxBufferOffset = n;
            return this;
        }

        /**
         * Sets what the frontend negotiated (default {@link FrontendFeatures#DEFAULT}).
         *
         * @param f the features, not null
         * @return this builder
         */
        public Builder features(FrontendFeatures f) {
            this.features = Objects.requireNonNull(f, "features");
            return this;
        }

        /**
         * Pairs the walk with another generation's estimate (default the policy's own, {@link
         * PackingPolicy#defaultEstimator()}).
         *
         * @param e the estimator, not null
         * @return this builder
         */
        public Builder estimator(SlotEstimator e) {
            this.estimator = Objects.requireNonNull(e, "estimator");
            return this;
        }

        /**
         * Builds the packer.
         *
         * @return the packer
         * @throws IllegalArgumentException if {@code maxBufferOffset} is not 4096 for a policy outside
         *     the coalesce family, or a GSO prefix mode is asked of one
         */
        public RxPacker build() {
            if (!policy.coalesceFamily() && maxBufferOffset != Netif.MAX_BUFFER_OFFSET) {
                throw new IllegalArgumentException("maxBufferOffset " + maxBufferOffset + " is only for coalesce and "
                        + "coalesce-compound: " + policy.label() + " fills 4096-byte buffers");
            }
            if (!policy.coalesceFamily() && features.gsoPrefixMask() != 0) {
                throw new IllegalArgumentException("gso_prefix_mask 0x" + Integer.toHexString(features.gsoPrefixMask())
                        + " is only for coalesce and coalesce-compound: " + policy.label()
                        + " has no GSO prefix mode");
            }
            return new RxPacker(this);
        }
    }
}
