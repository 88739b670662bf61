package io.github.netbackrx.core;

/**
 * The segmentation-offload type of a packet, with its value on the wire ({@code
 * XEN_NETIF_GSO_TYPE_*} of {@code io/netif.h}).
 */
public enum GsoType {
    /** {@code XEN_NETIF_GSO_TYPE_TCPV4} (1): TCP over IPv4 ({@code SKB_GSO_TCPV4}). */
    TCPV4(Netif.GSO_TYPE_TCPV4, "tcpv4"),
    /** {@code XEN_NETIF_GSO_TYPE_TCPV6} (2): TCP over IPv6 ({@code SKB_GSO_TCPV6}). */
    TCPV6(Netif.GSO_TYPE_TCPV6, "tcpv6");

    /** The constants, once ({@code values()} copies its array on every call). */
    private static final GsoType[] WIRE_ORDER = values();

    private final int wireValue;
    private final String label;

    GsoType(int wireValue, String label) {
        this.wireValue = wireValue;
        this.label = label;
    }

    /** @return the value written in {@code netif_extra_info.u.gso.type} */
    public int wireValue() {
        return wireValue;
    }

    /** @return the lower-case name used by the trace format and the plan output */
    public String label() {
        return label;
    }

    /**
     * The type with the given wire value.
     *
     * @param wireValue 1 or 2
     * @return the type
     * @throws IllegalArgumentException for any other value
     */
    public static GsoType fromWire(int wireValue) {
        // a constant array: values() would allocate a copy per packet
        for (GsoType t : WIRE_ORDER) {
            if (t.wireValue == wireValue) {
                return t;
            }
        }
        throw new IllegalArgumentException("GSO type: unknown wire value " + wireValue + " (valid: 1 tcpv4, 2 tcpv6)");
    }
}
