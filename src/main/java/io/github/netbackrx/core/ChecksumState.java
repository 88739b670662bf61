package io.github.netbackrx.core;

/**
 * The checksum state of a packet: Linux's {@code skb->ip_summed}, restricted to the three values
 * netback distinguishes on the guest-RX path.
 */
public enum ChecksumState {
    /** {@code CHECKSUM_NONE}: no flag in the first response. */
    NONE("none", 0),
    /**
     * {@code CHECKSUM_PARTIAL}: a locally generated packet whose checksum is still blank; the first
     * response carries {@code csum_blank|data_validated}.
     */
    PARTIAL("partial", Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED),
    /** {@code CHECKSUM_UNNECESSARY}: already validated; the first response carries {@code data_validated}. */
    UNNECESSARY("unnecessary", Netif.RXF_DATA_VALIDATED);

    private final String label;
    private final int rxFlags;

    ChecksumState(String label, int rxFlags) {
        this.label = label;
        this.rxFlags = rxFlags;
    }

    /** @return the lower-case name used by the trace format */
    public String label() {
        return label;
    }

    /** @return the NETRXF bits this state sets on the packet's first data response */
    public int rxFlags() {
        return rxFlags;
    }
}
