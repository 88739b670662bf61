package io.github.netbackrx.core;

/**
 * The kind of flow hash a hash extra carries: {@code u.hash.type} of a {@code
 * XEN_NETIF_EXTRA_TYPE_HASH} extra-info slot, which holds the bit number of the matching {@code
 * XEN_NETIF_CTRL_HASH_TYPE_*} flag of Xen {@code io/netif.h} ({@code _XEN_NETIF_CTRL_HASH_TYPE_*}).
 * Linux netback's {@code rx.c} chooses it from the packet's protocol and whether {@code skb->l4_hash}
 * is set, and always names the Toeplitz algorithm.
 */
public enum HashType {
    /** {@code _XEN_NETIF_CTRL_HASH_TYPE_IPV4} (0): hash over the IPv4 addresses. */
    IPV4(0, "ipv4"),
    /** {@code _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP} (1): hash over IPv4 addresses and TCP ports. */
    IPV4_TCP(1, "ipv4-tcp"),
    /** {@code _XEN_NETIF_CTRL_HASH_TYPE_IPV6} (2): hash over the IPv6 addresses. */
    IPV6(2, "ipv6"),
    /** {@code _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP} (3): hash over IPv6 addresses and TCP ports. */
    IPV6_TCP(3, "ipv6-tcp");

    /** {@code XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ} (1), the only algorithm netback names. */
    public static final int ALGORITHM_TOEPLITZ = 1;

    private final int wireValue;
    private final String label;

    HashType(int wireValue, String label) {
        this.wireValue = wireValue;
        this.label = label;
    }

    /** @return the value written in {@code netif_extra_info.u.hash.type} */
    public int wireValue() {
        return wireValue;
    }

    /** @return the lower-case name used by the trace format and the plan output, e.g. {@code ipv4-tcp} */
    public String label() {
        return label;
    }

    /**
     * The type with the given label.
     *
     * @param s a label such as {@code ipv4} or {@code ipv6-tcp}
     * @return the type
     * @throws IllegalArgumentException for an unknown label, listing the valid ones
     */
    public static HashType fromLabel(String s) {
        for (HashType t : values()) {
            if (t.label.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "hash type: unknown name '" + s + "' (valid: ipv4, ipv4-tcp, ipv6, ipv6-tcp)");
    }
}
