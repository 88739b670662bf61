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
    PER_FRAG("per-frag");

    private final String label;

    PackingPolicy(String label) {
        this.label = label;
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
