package io.github.netbackrx.core;

/**
 * One grant-copy operation ({@code struct gnttab_copy}, {@code GNTTABOP_copy}) of a plan: copy
 * {@code length} bytes from a packet area into a guest RX buffer.
 *
 * @param source the packet area: {@code -1} for the head, {@code k >= 0} for fragment {@code k}
 * @param sourceOffset offset of the first byte from the start of the area's page (may exceed 4095
 *     for a compound page: the 4 KiB frame is {@code sourceOffset / 4096})
 * @param slot the ring slot written, relative to the packet's first slot
 * @param destOffset offset in the guest buffer of {@code slot} ({@code dest.offset})
 * @param length bytes copied ({@code len}), possibly 0
 */
public record CopyOp(int source, int sourceOffset, int slot, int destOffset, int length) {
    /** Source number of the packet's head (linear area). */
    public static final int HEAD = -1;

    /** @return {@code "head"} for the head, {@code "fragK"} for fragment K */
    public String sourceName() {
        return sourceName(source);
    }

    static String sourceName(int source) {
        return source == HEAD ? "head" : "frag" + source;
    }
}
