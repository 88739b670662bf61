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
    private static final int PAGE_SHIFT = 12;
    private static final int OP_INTS = PlanBuffer.OP_INTS;
    private static final int SLOT_INTS = PlanBuffer.SLOT_INTS;

    private final PackingPolicy policy;
    private final int maxBufferOffset;
    private final FrontendFeatures features;
    private final SlotEstimator estimator;
    /** Whether the model's two conventions are dropped ({@link Builder#faithful(boolean)}). */
    private final boolean faithful;
    /** Whether the policy refuses what the 2010 driver would {@code BUG()} on ({@link #checkPages}). */
    private final boolean bugRule;
    /**
     * Whether the GSO extra carries TCPv4 whatever the packet's type: faithful to a generation that
     * always wrote {@code XEN_NETIF_GSO_TYPE_TCPV4} (2010, before 2010, FreeBSD).
     */
    private final boolean gsoAlwaysTcpv4;
    // the features as the walks test them
    private final int gsoMask;
    private final int gsoPrefixMask;
    private final boolean hashExtras;

    private RxPacker(Builder b) {
        this.policy = b.policy;
        this.maxBufferOffset = b.maxBufferOffset;
        this.features = b.features;
        this.estimator = b.estimator == null ? b.policy.defaultEstimator() : b.estimator;
        this.faithful = b.faithful;
        this.bugRule = b.policy == PackingPolicy.COALESCE;
        this.gsoAlwaysTcpv4 = b.faithful
                && (b.policy == PackingPolicy.COALESCE
                        || b.policy == PackingPolicy.PER_FRAG
                        || b.policy == PackingPolicy.FREEBSD);
        this.gsoMask = b.features.gsoMask();
        this.gsoPrefixMask = b.features.gsoPrefixMask();
        this.hashExtras = b.features.hash();
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

    /** The GSO extra in slot 1, the last extra (no {@code XEN_NETIF_EXTRA_FLAG_MORE}). */
    private void putGsoExtra(Skb skb, PlanBuffer out) {
        out.putExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), extraGsoType(skb), 0, null);
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
        return estimateAccepted(skb);
    }

    /** The {@link #estimator()}'s count for a packet {@link #checkPages} let through. */
    int estimateAccepted(Skb skb) {
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
        out.begin(skb, this, policy == PackingPolicy.PER_FRAG); // the estimate: see PlanBuffer.estimate()
        // the 2010 walk reduced to one chunk per area, for 4096-byte buffers and no prefix (planCoalesce)
        boolean oneChunkPerArea = maxBufferOffset == PAGE && (gsoPrefixMask & skb.gsoBit) == 0;
        out.setSlotCount(
                switch (policy) {
                    case COALESCE -> oneChunkPerArea ? planCoalesce(skb, out) : planWalk(skb, out, false);
                    case COALESCE_COMPOUND ->
                        oneChunkPerArea && skb.withinPages ? planCoalesce(skb, out) : planWalk(skb, out, true);
                    case PER_FRAG -> planPerFrag(skb, out);
                    case FULL_PAGE -> planFullPage(skb, out);
                    case FREEBSD -> planFreeBsd(skb, out);
                });
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
     * built only when the rule is broken ({@link #throwPageViolation}). {@link PackingPolicy#PER_FRAG}
     * refuses nothing: the pre-2010 {@code netbk_gop_frag} has no assertion and issues whatever op
     * the area gives.
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

    // ---- the walks ------------------------------------------------------------------------------
    //
    // Each walk sizes PlanBuffer's arrays once where a bound is cheap, appends each op once
    // (PlanBuffer.putOp), writes each slot once, when it is closed (its status then being the
    // buffer's fill), sets the op count and returns the slots used. Nothing is cleared that is
    // overwritten anyway.

    /** The first data response's {@code NETRXF_csum_blank|data_validated} bits. */
    private static int checksumFlags(Skb skb) {
        return skb.checksum().rxFlags();
    }

    /**
     * The {@code start_new_rx_buffer} walk of {@code netbk_gop_skb} / {@code netbk_gop_frag_copy}
     * (2010) for the usual {@code MAX_BUFFER_OFFSET} of 4096, and of {@code xenvif_gop_skb} (3.7–3.19)
     * for a packet whose areas lie within pages, where its 4 KiB frame cut never cuts; without a GSO
     * prefix (any other packet, buffer size or prefix goes to {@link #planWalk}).
     *
     * <p>A new buffer (request, {@code meta}) starts before a chunk when the current one is full, or
     * when the chunk would overflow it while (i) it fits a whole buffer, (ii) the buffer holds data
     * and (iii) no chunk has been copied yet ({@code head}). Here every area lies within one page
     * (what {@link #checkPages} lets through, the head taken at its offset in its page; for {@link
     * PackingPolicy#COALESCE_COMPOUND} the packet's {@code withinPages}), so it is at most 4096 bytes,
     * so every area fits a buffer and is copied as one chunk: the head at offset 0 of the first
     * buffer, each fragment where it fits, and the condition reduces to {@code copy_off + size >
     * MAX_BUFFER_OFFSET && copy_off != 0} (a full buffer satisfies it, fragments not being empty;
     * (iii) never decides, {@code copy_off} being 0 before the first chunk). The GSO gap is the
     * request after the head's buffer: buffer {@code m} lands in slot {@code m} without a GSO extra,
     * slot {@code m + 1} with one (buffer 0 in slot 0).
     *
     * <p>So there are at most {@code 1 + nr_frags} ops and data buffers, and the arrays are sized
     * once for that.
     *
     * @return the ring slots used
     */
    private int planCoalesce(Skb skb, PlanBuffer out) {
        int extra = (gsoMask & skb.gsoBit) != 0 ? 1 : 0;
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int n = fo.length;
        int[] ops = out.opCapacity(n + 1);
        int[] slots = out.slotCapacity(n + 2);
        if (extra != 0) {
            putGsoExtra(skb, out);
        }
        int flags = checksumFlags(skb) | (extra != 0 ? Netif.RXF_EXTRA_INFO : 0); // of the open buffer
        int meta = 0;
        int slot = 0;
        int copyOff = skb.headLength();
        int head = copyOff > 0 ? 1 : 0; // the head's op, if any, is op 0; fragment k's is op k + head
        if (head != 0) {
            PlanBuffer.putOp(ops, 0, CopyOp.HEAD, skb.headOffset(), 0, 0, copyOff);
        }
        for (int k = 0; k < n; k++) {
            int size = fl[k];
            if (copyOff + size > PAGE && copyOff != 0) {
                PlanBuffer.putData(slots, slot, copyOff, flags | Netif.RXF_MORE_DATA);
                meta++;
                slot = meta + extra;
                flags = 0;
                copyOff = 0;
            }
            PlanBuffer.putOp(ops, (k + head) * OP_INTS, k, fo[k], slot, copyOff, size);
            copyOff += size;
        }
        PlanBuffer.putData(slots, slot, copyOff, flags);
        out.setOpCount(n + head);
        return meta + 1 + extra;
    }

    /**
     * The prefix response in slot 0: {@code status = meta_slots_used}, counted before the prefix's
     * own meta is consumed; offset the GSO size.
     */
    private static void putPrefix(int[] slots, int meta, int gsoSize) {
        PlanBuffer.putData(slots, 0, meta + 2, Netif.RXF_GSO_PREFIX | Netif.RXF_MORE_DATA);
        slots[PlanBuffer.SLOT_OFFSET] = gsoSize;
    }

    /**
     * The general {@code start_new_rx_buffer} walk, the arrays growing as it needs: of {@code
     * xenvif_gop_skb} / {@code xenvif_gop_frag_copy} (3.7–3.19) with {@code compound}, chunks cut at
     * 4 KiB source-frame ends, the head included (no head rule); of the 2010 driver without, a chunk
     * being the rest of the area. Condition (iii) of {@link #planCoalesce} is not tracked: before the
     * first chunk {@code copy_off} is 0, so (ii) fails anyway. In prefix mode the prefix takes the
     * packet's first request and buffer {@code m} lands in slot {@code m + 1}.
     *
     * @return the ring slots used
     */
    private int planWalk(Skb skb, PlanBuffer out, boolean compound) {
        int bit = skb.gsoBit;
        boolean prefix = (gsoPrefixMask & bit) != 0;
        boolean extra = !prefix && (gsoMask & bit) != 0;
        int shift = prefix || extra ? 1 : 0;
        int first = prefix ? 1 : 0;
        int max = maxBufferOffset;
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int n = fo.length;
        int[] ops = out.ops;
        int[] slots = out.slotCapacity(2);
        if (extra) {
            putGsoExtra(skb, out);
        }
        int flags = checksumFlags(skb) | (extra ? Netif.RXF_EXTRA_INFO : 0);
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
                    PlanBuffer.putData(slots, slot, copyOff, flags | Netif.RXF_MORE_DATA);
                    meta++;
                    slot = meta + shift;
                    flags = 0;
                    copyOff = 0;
                    slots = out.slotCapacity(slot + 1);
                }
                int bytes = Math.min(chunk, max - copyOff);
                ops = out.opCapacity(o / OP_INTS + 1);
                o = PlanBuffer.putOp(ops, o, source, offset, slot, copyOff, bytes);
                copyOff += bytes;
                offset += bytes;
                size -= bytes;
            }
        }
        PlanBuffer.putData(slots, slot, copyOff, flags);
        if (prefix) {
            putPrefix(slots, meta, skb.gsoSize());
        }
        out.setOpCount(o / OP_INTS);
        return meta + 1 + shift;
    }

    // ---- per-frag (pre-2010) -------------------------------------------------------------------

    /**
     * {@code netbk_gop_skb} and {@code netbk_gop_frag} before the 2010 patch: one op per area, to
     * offset 0 of the area's own request, fragments first and the head last ({@code
     * virt_to_page(skb->data)} at {@code offset_in_page}), each exactly as issued: no assertion
     * stops an area that crosses its page, and a fragment's op names its first page with the whole
     * {@code page_offset} ({@link PlanBuffer#fragOpsInFirstPage}); Xen fails such an op. The
     * responses' statuses are {@code make_rx_response}'s {@code (s16)} of its {@code u16} size.
     *
     * @return the ring slots used
     */
    private int planPerFrag(Skb skb, PlanBuffer out) {
        int extras = (gsoMask & skb.gsoBit) != 0 ? 1 : 0;
        int[] fo = skb.fragOffsets;
        int[] fl = skb.fragLengths;
        int n = fo.length;
        int[] ops = out.opCapacity(n + 1);
        int[] slots = out.slotCapacity(n + 1 + extras);
        for (int k = 0; k < n; k++) { // op k into slot k + 1 + extras
            PlanBuffer.putOp(ops, k * OP_INTS, k, fo[k], k + 1 + extras, 0, fl[k]);
        }
        for (int k = 0; k < n; k++) {
            PlanBuffer.putData(slots, k + 1 + extras, (short) fl[k], k + 1 < n ? Netif.RXF_MORE_DATA : 0);
        }
        PlanBuffer.putOp(ops, n * OP_INTS, CopyOp.HEAD, skb.headOffset(), 0, 0, skb.headLength());
        int firstFlags =
                checksumFlags(skb) | (extras != 0 ? Netif.RXF_EXTRA_INFO : 0) | (n > 0 ? Netif.RXF_MORE_DATA : 0);
        PlanBuffer.putData(slots, 0, (short) skb.headLength(), firstFlags);
        if (extras != 0) {
            putGsoExtra(skb, out);
        }
        out.setOpCount(n + 1);
        return n + 1 + extras;
    }

    // ---- full-page (rx.c) and freebsd: slots filled to 4096 bytes -------------------------------

    /**
     * {@code xenvif_rx_skb}: data slot 0, then the extras (GSO if negotiated, then hash), then data
     * slots 1..; each data slot is filled by {@code xenvif_rx_next_chunk} until it holds 4096 bytes or
     * the packet is done. An empty head yields one zero-length op, as {@code rx.c} issues it.
     *
     * @return the ring slots used
     */
    private int planFullPage(Skb skb, PlanBuffer out) {
        boolean gsoExtra = (gsoMask & skb.gsoBit) != 0;
        boolean hashExtra = hashExtras && skb.hasHash();
        int extras = (gsoExtra ? 1 : 0) + (hashExtra ? 1 : 0);
        int[] slots = out.slotCapacity(pages(skb.length()) + extras);
        if (gsoExtra) {
            out.putExtra(
                    1,
                    Netif.EXTRA_TYPE_GSO,
                    hashExtra ? Netif.EXTRA_FLAG_MORE : 0,
                    skb.gsoSize(),
                    skb.gsoType(),
                    0,
                    null);
        }
        if (hashExtra) {
            out.putExtra(extras, Netif.EXTRA_TYPE_HASH, 0, 0, null, skb.hashValue(), skb.hashType());
        }
        int flags = checksumFlags(skb) | (extras > 0 ? Netif.RXF_EXTRA_INFO : 0);
        return fillPages(
                out,
                skb.headOffset(),
                skb.headLength(),
                skb.fragOffsets,
                skb.fragLengths,
                skb.fragCount(),
                skb.length(),
                slots,
                extras,
                flags,
                PAGE - 1);
    }

    /** Buffers of 4096 bytes that {@code bytes >= 1} bytes fill. */
    private static int pages(int bytes) {
        return ((bytes - 1) >>> PAGE_SHIFT) + 1;
    }

    /**
     * The full-page walk of {@code full-page} and {@code freebsd} over the head ({@code headOffset},
     * {@code headLength}) and the fragments {@code 0 .. n - 1}: one chunk per step, a new slot when
     * the open one is full and bytes remain, data slot {@code d >= 1} landing in ring slot {@code d +
     * extras}. A chunk ends at the slot's end and the area's end, and with {@code frameMask} 4095 also
     * at the end of its 4 KiB source frame ({@code xenvif_rx_next_chunk}); with 0 it does not
     * (FreeBSD's walk), {@code PAGE - (src & 0)} never being the smaller bound. An empty head gets a
     * zero-length op first; a linear packet within one frame, one op. Slot 0's flags are written
     * last: during the walk every closed slot gets {@code more_data} only.
     *
     * <p>The ops are bounded before the walk: one per area, one more per slot end and, cutting at
     * frames, one more per frame end inside an area (at most {@code bytes / 4096 + 1} per area), and
     * the zero-length op.
     *
     * @param slots {@link PlanBuffer#slots}, with room for {@code pages(bytes) + extras} slots
     * @param flags the NETRXF bits of data slot 0
     * @param bytes the bytes of the areas, at least 1
     * @return the ring slots used
     */
    private static int fillPages(
            PlanBuffer out,
            int headOffset,
            int headLength,
            int[] fo,
            int[] fl,
            int n,
            int bytes,
            int[] slots,
            int extras,
            int flags,
            int frameMask) {
        if (n == 0 && headLength > 0 && headLength <= PAGE - (headOffset & frameMask)) {
            // a linear packet within one frame: one op into one slot
            PlanBuffer.putOp(out.opCapacity(1), 0, CopyOp.HEAD, headOffset, 0, 0, headLength);
            PlanBuffer.putData(slots, 0, headLength, flags);
            out.setOpCount(1);
            return 1 + extras;
        }
        int[] ops = out.opCapacity(2 + n + pages(bytes) + (frameMask != 0 ? bytes / PAGE + n + 1 : 0));
        int o = 0;
        int slot = 0;
        int next = 1 + extras; // the ring slot of the next data slot
        int off = 0;
        if (headLength == 0) { // the empty head's (rx.c) or first mbuf's (FreeBSD) zero-length op
            o = PlanBuffer.putOp(ops, o, CopyOp.HEAD, headOffset, 0, 0, 0);
        }
        // the head's chunks, then each fragment's: the same step, the fragments' in a counted loop over
        // the arrays (one loop over source -1 .. n - 1 selecting head or fragment measured ~10% slower)
        for (int src = headOffset, left = headLength; left > 0; ) {
            if (off == PAGE) {
                PlanBuffer.putData(slots, slot, PAGE, Netif.RXF_MORE_DATA);
                slot = next++;
                off = 0;
            }
            int chunk = Math.min(Math.min(left, PAGE - off), PAGE - (src & frameMask));
            o = PlanBuffer.putOp(ops, o, CopyOp.HEAD, src, slot, off, chunk);
            off += chunk;
            src += chunk;
            left -= chunk;
        }
        for (int k = 0; k < n; k++) {
            for (int src = fo[k], left = fl[k]; left > 0; ) {
                if (off == PAGE) {
                    PlanBuffer.putData(slots, slot, PAGE, Netif.RXF_MORE_DATA);
                    slot = next++;
                    off = 0;
                }
                int chunk = Math.min(Math.min(left, PAGE - off), PAGE - (src & frameMask));
                o = PlanBuffer.putOp(ops, o, k, src, slot, off, chunk);
                off += chunk;
                src += chunk;
                left -= chunk;
            }
        }
        PlanBuffer.putData(slots, slot, off, 0);
        slots[PlanBuffer.SLOT_FLAGS] |= flags; // data slot 0
        out.setOpCount(o / OP_INTS);
        return next; // data slot 0, the extras, data slots 1 .. next - 1 - extras
    }

    /**
     * {@link #fillPages} for a packet whose 16-bit size wrapped: the walk ends after {@code size}
     * bytes ({@code size_remaining} reaching 0), so it runs over the areas cut there, their lengths
     * in {@link PlanBuffer#scratch(int)}.
     */
    private static int fillWrapped(Skb skb, PlanBuffer out, int size, int[] slots, int shift, int flags) {
        int head = Math.min(skb.headLength(), size);
        int remaining = size - head;
        int[] lengths = out.scratch(skb.fragCount());
        int n = 0;
        while (remaining > 0) {
            lengths[n] = Math.min(skb.fragLength(n), remaining);
            remaining -= lengths[n++];
        }
        return fillPages(out, skb.headOffset(), head, skb.fragOffsets, lengths, n, size, slots, shift, flags, 0);
    }

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
     *
     * @return the ring slots used
     */
    private int planFreeBsd(Skb skb, PlanBuffer out) {
        boolean tso = (gsoMask & skb.gsoBit) != 0;
        int shift = tso ? 1 : 0;
        int size = skb.length() & FREEBSD_SIZE_MASK;
        boolean csum = tso || skb.checksum() == ChecksumState.PARTIAL;
        int flags = (csum ? Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED : 0) | (tso ? Netif.RXF_EXTRA_INFO : 0);
        if (size == 0) {
            if (tso) {
                PlanBuffer.putData(out.slotCapacity(1), 0, 0, flags);
            }
            out.setOpCount(0);
            return shift;
        }
        int[] slots = out.slotCapacity(pages(size) + shift);
        if (tso) {
            putGsoExtra(skb, out);
        }
        int used = size == skb.length()
                ? fillPages(
                        out,
                        skb.headOffset(),
                        skb.headLength(),
                        skb.fragOffsets,
                        skb.fragLengths,
                        skb.fragCount(),
                        size,
                        slots,
                        shift,
                        flags,
                        0)
                : fillWrapped(skb, out, size, slots, shift, flags);
        int listLen = used - shift;
        if (faithful && tso && listLen >= 3) {
            // xnb_rxpkt2rsp tests i < list_len - 1 with i counting the extra's response too: the
            // data response in ring slot list_len - 1 (the second-to-last) loses more_data
            slots[(listLen - 1) * SLOT_INTS + PlanBuffer.SLOT_FLAGS] &= ~Netif.RXF_MORE_DATA;
        }
        return used;
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
