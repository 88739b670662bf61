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
 * <h2>Conventions</h2>
 *
 * <p>Two deliberate conventions make plans of different generations comparable: the GSO extra
 * carries the packet's type (the 2010 driver, the driver before it and FreeBSD always wrote
 * TCPv4), and under {@code freebsd} every data slot but the last carries {@code more_data}
 * (FreeBSD's test counts the extra's response). {@link Builder#faithful(boolean)} drops both, so
 * that a plan is what the upstream code writes.
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
    /** The policy as a small int for the dispatch in {@link #plan(Skb, PlanBuffer)}. */
    private final int kind;
    /** Whether the policy refuses what the 2010 driver would {@code BUG()} on ({@link #checkPages}). */
    private final boolean bugRule;
    /** Whether the model's two conventions are dropped ({@link Builder#faithful(boolean)}). */
    private final boolean faithful;
    /**
     * Whether the GSO extra carries TCPv4 whatever the packet's type: faithful to a generation that
     * always wrote {@code XEN_NETIF_GSO_TYPE_TCPV4} (2010, before 2010, FreeBSD).
     */
    private final boolean gsoAlwaysTcpv4;

    private static final int K_COALESCE = 0;
    private static final int K_COMPOUND = 1;
    private static final int K_PER_FRAG = 2;
    private static final int K_FULL_PAGE = 3;
    private static final int K_FREEBSD = 4;

    private static final int OP = PlanBuffer.OP;
    private static final int SLOT = PlanBuffer.SLOT;

    private RxPacker(Builder b) {
        this.policy = b.policy;
        this.maxBufferOffset = b.maxBufferOffset;
        this.features = b.features;
        this.estimator = b.estimator == null ? b.policy.defaultEstimator() : b.estimator;
        this.kind = switch (b.policy) {
            case COALESCE -> K_COALESCE;
            case COALESCE_COMPOUND -> K_COMPOUND;
            case PER_FRAG -> K_PER_FRAG;
            case FULL_PAGE -> K_FULL_PAGE;
            case FREEBSD -> K_FREEBSD;
        };
        this.bugRule = b.policy == PackingPolicy.COALESCE;
        this.faithful = b.faithful;
        this.gsoAlwaysTcpv4 = b.faithful
                && (b.policy == PackingPolicy.COALESCE
                        || b.policy == PackingPolicy.PER_FRAG
                        || b.policy == PackingPolicy.FREEBSD);
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

    /** @return whether the plans are what the upstream code writes, without the model's conventions */
    public boolean faithful() {
        return faithful;
    }

    /**
     * The type the GSO extra carries: the packet's ({@code u.gso.type} as Linux 3.x and {@code rx.c}
     * derive it from {@code gso_type}), or TCPv4 under {@link Builder#faithful(boolean)} for the
     * generations that always wrote it.
     */
    private GsoType extraGsoType(Skb skb) {
        return gsoAlwaysTcpv4 ? GsoType.TCPV4 : skb.gsoType();
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
        out.reset(skb.length(), maxBufferOffset);
        out.deferEstimate(this, skb); // computed when read: see PlanBuffer.estimate()
        switch (kind) {
            case K_COALESCE -> planCoalesce(skb, out);
            case K_COMPOUND -> planCompound(skb, out);
            case K_PER_FRAG -> planPerFrag(skb, out);
            case K_FULL_PAGE -> planFullPage(skb, out);
            default -> planFreeBsd(skb, out);
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
     * @return e.g. {@code RxPacker[coalesce, maxBufferOffset=4096]}, or {@code RxPacker[freebsd,
     *     maxBufferOffset=4096, faithful]}
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
        if (faithful) {
            sb.append(", faithful");
        }
        return sb.append(']').toString();
    }

    // ---- what the 2010 driver BUG()s on ------------------------------------------------------

    /**
     * Under {@link PackingPolicy#COALESCE}, refuses exactly what the 2010 driver would {@code
     * BUG()} on: {@code count_skb_slots}' {@code BUG_ON(offset_in_page(skb->data) +
     * skb_headlen(skb) > MAX_BUFFER_OFFSET)} (the head is taken at {@code offset_in_page}, so a head
     * starting in a later page of its compound page is fine), and {@code netbk_gop_frag_copy}'s
     * {@code BUG_ON(size + offset > PAGE_SIZE)} for a fragment, whose {@code page_offset} is used
     * as it is. The facts come from {@link Skb}; the exception, naming the first offending area, is
     * built only when the rule is broken. {@link PackingPolicy#PER_FRAG} refuses nothing: the
     * pre-2010 {@code netbk_gop_frag} has no assertion and issues whatever op the area gives.
     */
    private void checkPages(Skb skb) {
        Objects.requireNonNull(skb, "skb");
        if (bugRule
                && (!skb.fragsWithinPages || (skb.headOffset() & (PAGE - 1)) + skb.headLength() > maxBufferOffset)) {
            throwPageViolation(skb);
        }
    }

    private void throwPageViolation(Skb skb) {
        int offset = skb.headOffset();
        int inPage = offset & (PAGE - 1);
        int length = skb.headLength();
        String at = offset == inPage ? "offset " + offset : "offset " + offset + " (" + inPage + " in its page)";
        if (inPage + length > PAGE) {
            throw new PolicyViolationException("head crosses a 4096-byte page: " + at + " + length " + length + " > "
                    + PAGE + " (the 2010 rule would BUG())");
        }
        if (inPage + length > maxBufferOffset) {
            throw new PolicyViolationException("head ends beyond MAX_BUFFER_OFFSET: " + at + " + length " + length
                    + " > " + maxBufferOffset
                    + " (count_skb_slots would BUG(): the 2010 rule keeps the head in the first buffer)");
        }
        for (int k = 0, n = skb.fragCount(); k < n; k++) {
            int o = skb.fragOffset(k);
            int len = skb.fragLength(k);
            String name = CopyOp.sourceName(k);
            if (o >= PAGE) {
                throw new PolicyViolationException(name + " starts beyond its first 4096-byte page: offset " + o
                        + " >= " + PAGE + " (the 2010 rule would BUG())");
            }
            if (o + len > PAGE) {
                throw new PolicyViolationException(name + " crosses a 4096-byte page: offset " + o + " + length " + len
                        + " > " + PAGE + " (the 2010 rule would BUG())");
            }
        }
        throw new IllegalStateException("checkPages found a violation that throwPageViolation did not: " + skb);
    }

    // ---- the start_new_rx_buffer walk (coalesce, coalesce-compound) ---------------------------
    //
    // The walks write PlanBuffer's arrays directly: each op is five ints appended once, each slot
    // is written once, when it is closed (its status is then the buffer's copy_off), and the counts
    // are set at the end. Nothing is cleared that is overwritten anyway.

    /**
     * The {@code start_new_rx_buffer} walk of {@code netbk_gop_skb} / {@code netbk_gop_frag_copy}
     * (2010), writing into {@code out}, for the usual {@code MAX_BUFFER_OFFSET} of 4096 (any other
     * goes to {@link #planWalk}).
     *
     * <p>A new buffer (request, {@code meta}) starts before a chunk when the current one is full, or
     * when the chunk would overflow it while (i) it fits a whole buffer, (ii) the buffer holds data
     * and (iii) no chunk has been copied yet ({@code head}). Here every area lies within one page
     * (what {@link #checkPages} lets through, the head taken at its offset in its page; for {@link
     * PackingPolicy#COALESCE_COMPOUND} the packet's {@code withinPages}), so it is at most 4096 bytes,
     * so every area fits a buffer and is copied as one chunk:
     * the head at offset 0 of the first buffer, each fragment where it fits, and the condition
     * reduces to {@code copy_off + size > MAX_BUFFER_OFFSET && copy_off != 0} (a full buffer satisfies
     * it, fragments not being empty; (iii) never decides, {@code copy_off} being 0 before the first
     * chunk). The GSO gap is the request after the head's buffer; in prefix mode the prefix takes
     * the packet's first request. Buffer {@code m} lands in slot {@code m} without GSO, slot {@code m +
     * 1} otherwise (buffer 0 in slot 0 with a GSO extra, in slot 1 behind a prefix).
     *
     * <p>So there are at most {@code 1 + nr_frags} ops and data buffers, and the arrays are sized
     * once for that.
     */
    private void planCoalesce(Skb skb, PlanBuffer out) {
        if (maxBufferOffset != PAGE) {
            planWalk(skb, out, policy == PackingPolicy.COALESCE_COMPOUND);
            return;
        }
        int bit = skb.gsoBit;
        boolean prefix = (features.gsoPrefixMask() & bit) != 0;
        boolean extra = !prefix && (features.gsoMask() & bit) != 0;
        int shift = prefix || extra ? 1 : 0;
        int first = prefix ? 1 : 0;
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int n = fo.length;
        int[] ops = out.opCapacity(n + 1);
        int[] slots = out.slotCapacity(n + 3);
        if (extra) {
            out.writeExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), extraGsoType(skb), 0, null);
        }
        int flags = skb.checksum().rxFlags() | (extra ? Netif.RXF_EXTRA_INFO : 0); // of the open buffer
        int o = 0;
        int meta = 0;
        int slot = first;
        int copyOff = skb.headLength();
        if (copyOff > 0) {
            ops[0] = CopyOp.HEAD;
            ops[1] = skb.headOffset();
            ops[2] = first;
            ops[3] = 0;
            ops[4] = copyOff;
            o = OP;
        }
        for (int k = 0; k < n; k++) {
            int size = fl[k];
            if (copyOff + size > PAGE && copyOff != 0) {
                PlanBuffer.writeData(slots, slot, copyOff, flags | Netif.RXF_MORE_DATA);
                meta++;
                slot = meta + shift;
                flags = 0;
                copyOff = 0;
            }
            ops[o] = k;
            ops[o + 1] = fo[k];
            ops[o + 2] = slot;
            ops[o + 3] = copyOff;
            ops[o + 4] = size;
            o += OP;
            copyOff += size;
        }
        PlanBuffer.writeData(slots, slot, copyOff, flags);
        if (prefix) {
            writePrefix(slots, meta, skb.gsoSize());
        }
        out.setCounts(o / OP, meta + 1 + shift);
    }

    /**
     * {@code xenvif_gop_skb} (3.7–3.19): when every area lies within one page the 4 KiB frame cut
     * never cuts, and the walk is the 2010 one ({@link #planCoalesce}); otherwise {@link #planWalk}.
     */
    private void planCompound(Skb skb, PlanBuffer out) {
        if (skb.withinPages) {
            planCoalesce(skb, out);
        } else {
            planWalk(skb, out, true);
        }
    }

    /**
     * The prefix response in slot 0: {@code status = meta_slots_used}, counted before the prefix's
     * own meta is consumed; offset the GSO size.
     */
    private static void writePrefix(int[] slots, int meta, int gsoSize) {
        PlanBuffer.writeData(slots, 0, meta + 2, Netif.RXF_GSO_PREFIX | Netif.RXF_MORE_DATA);
        slots[2] = gsoSize;
    }

    /**
     * The general {@code start_new_rx_buffer} walk, the arrays growing as it needs: of {@code
     * xenvif_gop_skb} / {@code xenvif_gop_frag_copy} (3.7–3.19) with {@code compound}, chunks cut at
     * 4 KiB source-frame ends, the head included (no head rule); of the 2010 driver without, a chunk
     * being the rest of the area. Condition (iii) of {@link #planCoalesce} is not tracked: before the
     * first chunk {@code copy_off} is 0, so (ii) fails anyway.
     */
    private void planWalk(Skb skb, PlanBuffer out, boolean compound) {
        int bit = skb.gsoBit;
        boolean prefix = (features.gsoPrefixMask() & bit) != 0;
        boolean extra = !prefix && (features.gsoMask() & bit) != 0;
        int shift = prefix || extra ? 1 : 0;
        int first = prefix ? 1 : 0;
        int max = maxBufferOffset;
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int n = fo.length;
        int[] ops = out.ops;
        int[] slots = out.slotCapacity(2);
        if (extra) {
            out.writeExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), extraGsoType(skb), 0, null);
        }
        int flags = skb.checksum().rxFlags() | (extra ? Netif.RXF_EXTRA_INFO : 0);
        int o = 0;
        int meta = 0;
        int slot = first;
        int copyOff = 0;
        for (int source = -1; source < n; source++) {
            int offset = source < 0 ? skb.headOffset() : fo[source];
            int size = source < 0 ? skb.headLength() : fl[source];
            while (size > 0) {
                int chunk = compound ? Math.min(size, PAGE - (offset & (PAGE - 1))) : size; // offsets are >= 0
                if (copyOff == max || (copyOff + chunk > max && chunk <= max && copyOff != 0)) {
                    PlanBuffer.writeData(slots, slot, copyOff, flags | Netif.RXF_MORE_DATA);
                    meta++;
                    slot = meta + shift;
                    flags = 0;
                    copyOff = 0;
                    if ((slot + 1) * SLOT > slots.length) {
                        slots = out.slotCapacity(slot + 1);
                    }
                }
                int bytes = Math.min(chunk, max - copyOff);
                if (o + OP > ops.length) {
                    ops = out.opCapacity(o / OP + 1);
                }
                ops[o] = source;
                ops[o + 1] = offset;
                ops[o + 2] = slot;
                ops[o + 3] = copyOff;
                ops[o + 4] = bytes;
                o += OP;
                copyOff += bytes;
                offset += bytes;
                size -= bytes;
            }
        }
        PlanBuffer.writeData(slots, slot, copyOff, flags);
        if (prefix) {
            writePrefix(slots, meta, skb.gsoSize());
        }
        out.setCounts(o / OP, meta + 1 + shift);
    }

    /**
     * The data buffers the coalesce-family walk uses, without writing anything: the dry run of
     * {@code xenvif_count_skb_slots} / {@code xenvif_count_frag_slots} (Linux 3.10-stable to 3.13,
     * {@link SlotEstimator#EXACT_DRY_RUN}), kept apart from the packing walks so that the estimate
     * stays an independent count. The prefix or GSO slot is not included: the estimator adds it.
     *
     * @return the data buffers ({@code netbk_rx_meta} entries) the walk fills
     */
    static int coalesceDataSlots(Skb skb, int max, boolean compound) {
        int meta = 0;
        int copyOff = 0;
        boolean head = true;
        for (int source = -1, n = skb.fragCount(); source < n; source++) {
            int offset = source < 0 ? skb.headOffset() : skb.fragOffset(source);
            int size = source < 0 ? skb.headLength() : skb.fragLength(source);
            while (size > 0) {
                int chunk = compound ? Math.min(size, PAGE - (offset & (PAGE - 1))) : size; // offsets are >= 0
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

    // ---- per-frag (pre-2010) -------------------------------------------------------------------

    /**
     * {@code netbk_gop_skb} and {@code netbk_gop_frag} before the 2010 patch: one op per area, to
     * offset 0 of the area's own request, fragments first and the head last ({@code
     * virt_to_page(skb->data)} at {@code offset_in_page}), each exactly as issued: no assertion
     * stops an area that crosses its page, and a fragment's op names its first page with the whole
     * {@code page_offset} ({@link PlanBuffer#fragOpsInFirstPage}); Xen fails such an op. The
     * responses' statuses are {@code make_rx_response}'s {@code (s16)} of its {@code u16} size.
     */
    private void planPerFrag(Skb skb, PlanBuffer out) {
        int extras = (features.gsoMask() & skb.gsoBit) != 0 ? 1 : 0;
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int n = fo.length;
        int[] ops = out.opCapacity(n + 1);
        int[] slots = out.slotCapacity(n + 1 + extras);
        int o = 0;
        for (int k = 0; k < n; k++, o += OP) {
            ops[o] = k;
            ops[o + 1] = fo[k];
            ops[o + 2] = k + 1 + extras;
            ops[o + 3] = 0;
            ops[o + 4] = fl[k];
        }
        ops[o] = CopyOp.HEAD;
        ops[o + 1] = skb.headOffset();
        ops[o + 2] = 0;
        ops[o + 3] = 0;
        ops[o + 4] = skb.headLength();
        int firstFlags =
                skb.checksum().rxFlags() | (extras != 0 ? Netif.RXF_EXTRA_INFO : 0) | (n > 0 ? Netif.RXF_MORE_DATA : 0);
        PlanBuffer.writeData(slots, 0, (short) skb.headLength(), firstFlags);
        if (extras != 0) {
            out.writeExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), extraGsoType(skb), 0, null);
        }
        for (int k = 0; k < n; k++) {
            PlanBuffer.writeData(slots, k + 1 + extras, (short) fl[k], k < n - 1 ? Netif.RXF_MORE_DATA : 0);
        }
        out.fragOpsInFirstPage = true;
        out.setCounts(n + 1, n + 1 + extras);
    }

    // ---- full-page (rx.c) ----------------------------------------------------------------------

    /**
     * {@code xenvif_rx_skb}: data slot 0, then the extras (GSO if negotiated, then hash), then data
     * slots 1..; each data slot is filled by {@code xenvif_rx_next_chunk} until it holds 4096 bytes or
     * the packet is done. An empty head yields one zero-length op, as {@code rx.c} issues it.
     */
    private void planFullPage(Skb skb, PlanBuffer out) {
        boolean gsoExtra = (features.gsoMask() & skb.gsoBit) != 0;
        boolean hashExtra = features.hashExtra(skb);
        int extras = (gsoExtra ? 1 : 0) + (hashExtra ? 1 : 0);
        int[] ops = out.ops;
        int[] slots = out.slotCapacity(1 + extras);
        if (gsoExtra) {
            out.writeExtra(
                    1,
                    Netif.EXTRA_TYPE_GSO,
                    hashExtra ? Netif.EXTRA_FLAG_MORE : 0,
                    skb.gsoSize(),
                    skb.gsoType(),
                    0,
                    null);
        }
        if (hashExtra) {
            out.writeExtra(extras, Netif.EXTRA_TYPE_HASH, 0, 0, null, skb.hashValue(), skb.hashType());
        }
        int flags = skb.checksum().rxFlags() | (extras > 0 ? Netif.RXF_EXTRA_INFO : 0); // of the open slot
        int o = 0;
        if (skb.headLength() == 0) { // the empty head's zero-length op
            ops[0] = CopyOp.HEAD;
            ops[1] = skb.headOffset();
            ops[2] = 0;
            ops[3] = 0;
            ops[4] = 0;
            o = OP;
        }
        fillPages(skb, out, slots, o, extras, flags, true, skb.length());
    }

    /**
     * The full-page walk of {@code full-page} and {@code freebsd}: one chunk per step, a new slot
     * when the open one is full and bytes remain, data slot {@code d} landing in slot {@code d +
     * extras} after slot 0. A chunk ends at the slot's end and the area's end, and with {@code
     * cutAtFrames} also at the end of its 4 KiB source frame ({@code xenvif_rx_next_chunk}); FreeBSD's
     * walk does not cut there. The walk stops after {@code limit} bytes (the packet's length, or
     * FreeBSD's 16-bit {@code size_remaining}).
     *
     * @param o the op array's fill so far (ints), after any zero-length head op
     * @param flags the NETRXF bits of data slot 0
     * @param limit bytes to copy, {@code 1 .. skb.length()}
     */
    private static void fillPages(
            Skb skb, PlanBuffer out, int[] slots, int o, int extras, int flags, boolean cutAtFrames, int limit) {
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int[] ops = out.ops;
        int d = 0;
        int slot = 0;
        int off = 0;
        int remaining = limit;
        for (int source = -1, n = fo.length; source < n && remaining > 0; source++) {
            int src = source < 0 ? skb.headOffset() : fo[source]; // pkt->frag_offset, as an address
            int left = Math.min(source < 0 ? skb.headLength() : fl[source], remaining);
            remaining -= left;
            while (left > 0) {
                if (off == PAGE) {
                    PlanBuffer.writeData(slots, slot, PAGE, flags | Netif.RXF_MORE_DATA);
                    flags = 0;
                    d++;
                    slot = d + extras;
                    off = 0;
                    if ((slot + 1) * SLOT > slots.length) {
                        slots = out.slotCapacity(slot + 1);
                    }
                }
                int chunk = Math.min(left, PAGE - off);
                if (cutAtFrames) {
                    chunk = Math.min(chunk, PAGE - (src & (PAGE - 1)));
                }
                if (o + OP > ops.length) {
                    ops = out.opCapacity(o / OP + 1);
                }
                ops[o] = source;
                ops[o + 1] = src;
                ops[o + 2] = slot;
                ops[o + 3] = off;
                ops[o + 4] = chunk;
                o += OP;
                off += chunk;
                src += chunk;
                left -= chunk;
            }
        }
        PlanBuffer.writeData(slots, slot, off, flags);
        out.setCounts(o / OP, d + extras + 1);
    }

    // ---- freebsd -------------------------------------------------------------------------------

    /** {@code xnb_pkt.size} and {@code size_remaining} are {@code uint16_t}. */
    private static final int FREEBSD_SIZE_MASK = 0xFFFF;

    /**
     * FreeBSD netback ({@code sys/dev/xen/netback/netback.c}) as it writes a packet:
     *
     * <ul>
     *   <li>{@code xnb_mbufc2pkt}: a packet with {@code CSUM_TSO} (here: a GSO type the frontend
     *       negotiated) gets the GSO extra after slot 0; {@code csum_blank|data_validated} are set
     *       together for {@code CSUM_TSO} or {@code CSUM_DELAY_DATA} ({@link ChecksumState#PARTIAL}),
     *       never {@code data_validated} alone ({@link ChecksumState#UNNECESSARY} gets no flag); the
     *       packet's {@code size} is {@code uint16_t}, so a packet of 65536 bytes or more is taken
     *       modulo 65536 and {@code list_len = ceil(size / 4096)}.
     *   <li>{@code xnb_rxpkt2gnttab}: the mbufs (the head, then each fragment) and the destination
     *       pages are walked together, an op ending where the page or the mbuf ends, until the 16-bit
     *       {@code size_remaining} is 0; an empty first mbuf still gets its zero-length entry; after
     *       slot 0 the walk skips the extra's slot.
     *   <li>{@code xnb_rxpkt2rsp}: one response per destination page (plus the extra) with the sum
     *       of its ops. A packet whose 16-bit size is 0 gets no op and no response at all, or with
     *       TSO only slot 0's response (status 0 here; FreeBSD sums stale grant-table entries there)
     *       and no extra.
     * </ul>
     */
    private void planFreeBsd(Skb skb, PlanBuffer out) {
        boolean tso = (features.gsoMask() & skb.gsoBit) != 0;
        int shift = tso ? 1 : 0;
        int size = skb.length() & FREEBSD_SIZE_MASK;
        int[] slots = out.slotCapacity(1 + shift);
        boolean csum = tso || skb.checksum() == ChecksumState.PARTIAL;
        int flags = (csum ? Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED : 0) | (tso ? Netif.RXF_EXTRA_INFO : 0);
        if (size == 0) {
            if (tso) {
                PlanBuffer.writeData(slots, 0, 0, flags);
            }
            out.setCounts(0, shift);
            return;
        }
        if (tso) {
            out.writeExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), extraGsoType(skb), 0, null);
        }
        int o = 0;
        if (skb.headLength() == 0) { // the empty first mbuf's zero-length entry
            int[] ops = out.ops;
            ops[0] = CopyOp.HEAD;
            ops[1] = skb.headOffset();
            ops[2] = 0;
            ops[3] = 0;
            ops[4] = 0;
            o = OP;
        }
        fillPages(skb, out, slots, o, shift, flags, false, size);
        int listLen = out.slotCount() - shift;
        if (faithful && tso && listLen >= 3) {
            // xnb_rxpkt2rsp tests i < list_len - 1 with i counting the extra's response too: the
            // data response in ring slot list_len - 1 (the second-to-last) loses more_data
            out.slots[(listLen - 1) * SLOT + 3] &= ~Netif.RXF_MORE_DATA;
        }
    }

    /** Configures an {@link RxPacker}. */
    public static final class Builder {
        private final PackingPolicy policy;
        private int maxBufferOffset = Netif.MAX_BUFFER_OFFSET;
        private FrontendFeatures features = FrontendFeatures.DEFAULT;
        private SlotEstimator estimator;
        private boolean faithful;

        private Builder(PackingPolicy policy) {
            this.policy = policy;
        }

        /**
         * Sets {@code MAX_BUFFER_OFFSET}, the bytes one guest buffer may hold (default {@link
         * Netif#MAX_BUFFER_OFFSET}); only the coalesce family has it ({@link
         * PackingPolicy#coalesceFamily()}). The estimate, the statuses and the {@code dest-within-slot}
         * check follow it; fragments must still end within their 4096-byte page. Under {@link
         * PackingPolicy#COALESCE} the head must end within the first buffer ({@code count_skb_slots}'
         * assertion on {@code offset_in_page(skb->data) + skb_headlen(skb)}).
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
         * Drops the model's two deliberate conventions, so that a plan is what the upstream code
         * writes, byte for byte (default {@code false}, the conventions kept):
         *
         * <ul>
         *   <li>the GSO extra carries TCPv4 whatever the packet's type under {@link
         *       PackingPolicy#COALESCE} and {@link PackingPolicy#PER_FRAG} ({@code net_rx_action}
         *       of 2010 and before writes {@code XEN_NETIF_GSO_TYPE_TCPV4}) and {@link
         *       PackingPolicy#FREEBSD} ({@code xnb_mbufc2pkt} / {@code xnb_rxpkt2rsp}); by
         *       convention the model writes the packet's type, as Linux 3.x and {@code rx.c} do;
         *   <li>under {@link PackingPolicy#FREEBSD} with a GSO extra, {@code xnb_rxpkt2rsp} sets
         *       {@code more_data} on response {@code i} when {@code i < list_len - 1}, counting the
         *       extra's response in {@code i}, so with three or more data slots the second-to-last
         *       lacks it ({@link Invariant#MORE_DATA_CHAIN}); by convention the model sets it on every
         *       data slot but the last.
         * </ul>
         *
         * The other policies have no convention to drop.
         *
         * @param on whether to write what the upstream code writes
         * @return this builder
         */
        public Builder faithful(boolean on) {
            this.faithful = on;
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
