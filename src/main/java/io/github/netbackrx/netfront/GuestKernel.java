package io.github.netbackrx.netfront;

import io.github.netbackrx.core.KernelLimits;

/**
 * The guest kernel whose netfront receives, as far as what it accepts depends on its generation:
 * its {@code MAX_SKB_FRAGS} bounds the data slots of a packet ({@link NetfrontLimits}), and the
 * 2010 netfront took only TCPv4 segmentation offload.
 */
public enum GuestKernel {
    /**
     * Current Linux ({@code drivers/net/xen-netfront.c}), {@code MAX_SKB_FRAGS} 17 with 4 KiB pages:
     * {@code xennet_get_responses} allows {@code XEN_NETIF_NR_SLOTS_MIN + (status <=
     * RX_COPY_THRESHOLD)} slots, but {@code xennet_fill_frags} drops the packet ({@code -ENOENT})
     * once {@code nr_frags} reaches 17 and pulling the first slot's bytes into the head frees no
     * fragment; TCPv4 and TCPv6 GSO; a GSO packet without {@code csum_blank} is forced to {@code
     * CHECKSUM_PARTIAL} ({@code checksum_setup}); an XDP extra sets the first slot's offset.
     */
    CURRENT("current", KernelLimits.MAX_SKB_FRAGS_LATER),
    /**
     * The 2010 pvops netfront ({@code xen-netfront.c} of 2.6.32), {@code MAX_SKB_FRAGS} 18: {@code
     * xennet_get_responses} allows {@code MAX_SKB_FRAGS + (status <= RX_COPY_THRESHOLD)} slots, the
     * first slot's bytes are copied into the head (its page dropped when they all fit), and {@code
     * xennet_set_skb_gso} refuses any GSO type but TCPv4 ("Currently only TCPv4 S.O. is supported").
     */
    LINUX_2010("2010", KernelLimits.MAX_SKB_FRAGS_2010);

    private final String label;
    private final int maxSkbFrags;

    GuestKernel(String label, int maxSkbFrags) {
        this.label = label;
        this.maxSkbFrags = maxSkbFrags;
    }

    /** @return the name on the command line ({@code compare --guest}), e.g. {@code current} */
    public String label() {
        return label;
    }

    /** @return the guest's {@code MAX_SKB_FRAGS}: 17 for current Linux, 18 for 2010 */
    public int maxSkbFrags() {
        return maxSkbFrags;
    }

    /**
     * The guest kernel with the given label.
     *
     * @param s {@code current} or {@code 2010}
     * @return the guest kernel
     * @throws IllegalArgumentException for an unknown label, listing the valid ones
     */
    public static GuestKernel fromLabel(String s) {
        StringBuilder valid = new StringBuilder();
        for (GuestKernel k : values()) {
            if (k.label.equals(s)) {
                return k;
            }
            valid.append(valid.length() > 0 ? ", " : "").append(k.label);
        }
        throw new IllegalArgumentException("unknown guest kernel '" + s + "' (valid: " + valid + ")");
    }
}
