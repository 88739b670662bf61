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
 * <p>Packers are immutable and thread-safe; {@link #plan(Skb, PlanBuffer)} allocates nothing once
 * the buffer has grown to the packet's size.
 */
public final class RxPacker {
    private final PackingPolicy policy;
    private final int maxBufferOffset;

    private RxPacker(PackingPolicy policy, int maxBufferOffset) {
        this.policy = policy;
        this.maxBufferOffset = maxBufferOffset;
    }

    /**
     * A packer with the defaults ({@code MAX_BUFFER_OFFSET} = {@link Netif#MAX_BUFFER_OFFSET}).
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

    /**
     * The worst-case number of ring slots the packet needs, reserved before packing: for {@link
     * PackingPolicy#COALESCE} the 2010 patch's {@code count_skb_slots} (one slot for the head's
     * buffer holding {@code skb_headlen} bytes, one for a GSO extra, then the {@code
     * start_new_rx_buffer} walk over the fragments); for {@link PackingPolicy#PER_FRAG} {@code
     * nr_frags + 1 + (gso ? 1 : 0)}.
     *
     * @param skb the packet
     * @return the estimate
     * @throws PolicyViolationException if the policy cannot take the packet
     */
    public int estimateSlots(Skb skb) {
        checkPages(skb);
        return policy == PackingPolicy.COALESCE ? countSkbSlots(skb) : perFragEstimate(skb);
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
        if (policy == PackingPolicy.COALESCE) {
            planCoalesce(skb, out);
        } else {
            planPerFrag(skb, out);
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

    /** @return e.g. {@code RxPacker[coalesce, maxBufferOffset=4096]} */
    @Override
    public String toString() {
        return "RxPacker[" + policy.label() + ", maxBufferOffset=" + maxBufferOffset + "]";
    }

    // ---- the page rule -------------------------------------------------------------------------

    private void checkPages(Skb skb) {
        Objects.requireNonNull(skb, "skb");
        checkArea(skb.headOffset(), skb.headLength(), -1);
        for (int k = 0, n = skb.fragCount(); k < n; k++) {
            checkArea(skb.fragOffset(k), skb.fragLength(k), k);
        }
    }

    private void checkArea(int offset, int length, int source) {
        if (offset >= Netif.PAGE_SIZE || offset + length > Netif.PAGE_SIZE) {
            throw pageViolation(offset, length, source);
        }
    }

    private PolicyViolationException pageViolation(int offset, int length, int source) {
        String why = policy == PackingPolicy.COALESCE
                ? " (the 2010 rule would BUG())"
                : " (the pre-2010 rule copies each area with one grant copy within one page)";
        String name = CopyOp.sourceName(source);
        if (offset >= Netif.PAGE_SIZE) {
            return new PolicyViolationException(name + " starts beyond its first 4096-byte page: offset " + offset
                    + " >= " + Netif.PAGE_SIZE + why);
        }
        return new PolicyViolationException(name + " crosses a 4096-byte page: offset " + offset + " + length " + length
                + " > " + Netif.PAGE_SIZE + why);
    }

    // ---- coalesce (2010) -----------------------------------------------------------------------

    /**
     * {@code count_skb_slots}: the head's buffer counts one and is filled with {@code skb_headlen}
     * bytes (a head longer than a buffer, possible only with a smaller {@code MAX_BUFFER_OFFSET},
     * fills whole buffers first); one more slot for a GSO extra; then each fragment is walked
     * through the {@code start_new_rx_buffer} condition without copying.
     */
    int countSkbSlots(Skb skb) {
        int max = maxBufferOffset;
        int headLength = skb.headLength();
        int count = 1;
        int copyOff = headLength;
        if (headLength > max) {
            count = (headLength + max - 1) / max;
            copyOff = headLength - (count - 1) * max;
        }
        if (skb.hasGso()) {
            count++;
        }
        for (int k = 0, n = skb.fragCount(); k < n; k++) {
            int size = skb.fragLength(k);
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

    private void planCoalesce(Skb skb, PlanBuffer out) {
        int max = maxBufferOffset;
        int extras = skb.hasGso() ? 1 : 0;
        out.reset(skb.length(), countSkbSlots(skb), max);
        out.setData(0, 0, 0);
        if (extras != 0) {
            out.setExtra(1, Netif.EXTRA_TYPE_GSO, 0, skb.gsoSize(), skb.gsoType());
        }
        int meta = 0;
        int slot = 0;
        int copyOff = 0;
        int fragCount = skb.fragCount();
        for (int source = -1; source < fragCount; source++) {
            boolean head = source == -1;
            int offset = head ? skb.headOffset() : skb.fragOffset(source);
            int size = head ? skb.headLength() : skb.fragLength(source);
            while (size > 0) {
                if (copyOff == max || (copyOff + size > max && size <= max && copyOff != 0 && !head)) {
                    meta++;
                    slot = meta + extras;
                    out.setData(slot, 0, 0);
                    copyOff = 0;
                }
                int bytes = Math.min(size, max - copyOff);
                out.addOp(source, offset, slot, copyOff, bytes);
                out.addStatus(slot, bytes);
                copyOff += bytes;
                offset += bytes;
                size -= bytes;
                head = false;
            }
        }
        int firstFlags = skb.checksum().rxFlags() | (extras != 0 ? Netif.RXF_EXTRA_INFO : 0);
        if (meta > 0) {
            firstFlags |= Netif.RXF_MORE_DATA;
        }
        out.orFlags(0, firstFlags);
        for (int m = 1; m < meta; m++) {
            out.orFlags(m + extras, Netif.RXF_MORE_DATA);
        }
    }

    // ---- per-frag (pre-2010) -------------------------------------------------------------------

    private static int perFragEstimate(Skb skb) {
        return skb.fragCount() + 1 + (skb.hasGso() ? 1 : 0);
    }

    private void planPerFrag(Skb skb, PlanBuffer out) {
        int extras = skb.hasGso() ? 1 : 0;
        int fragCount = skb.fragCount();
        out.reset(skb.length(), perFragEstimate(skb), maxBufferOffset);
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

    /** Configures an {@link RxPacker}. */
    public static final class Builder {
        private final PackingPolicy policy;
        private int maxBufferOffset = Netif.MAX_BUFFER_OFFSET;

        private Builder(PackingPolicy policy) {
            this.policy = policy;
        }

        /**
         * Sets {@code MAX_BUFFER_OFFSET}, the bytes one guest buffer may hold (default {@link
         * Netif#MAX_BUFFER_OFFSET}). The estimate, the statuses and the {@code dest-within-slot}
         * check follow it; the page rule for sources stays at 4096.
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

        /** @return the packer */
        public RxPacker build() {
            return new RxPacker(policy, maxBufferOffset);
        }
    }
}
