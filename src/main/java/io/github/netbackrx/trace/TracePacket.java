package io.github.netbackrx.trace;

import io.github.netbackrx.core.Skb;
import java.util.Objects;

/**
 * A packet read from a trace, with the line it came from (so that a later refusal, for instance by
 * a packing policy, can be reported against that line).
 *
 * @param lineNumber the line's number in its file, counting from 1
 * @param skb the packet
 */
public record TracePacket(int lineNumber, Skb skb) {

    /**
     * Validates the components.
     *
     * @param lineNumber the line's number in its file, counting from 1
     * @param skb the packet
     * @throws IllegalArgumentException if {@code lineNumber < 1}
     * @throws NullPointerException if {@code skb} is null
     */
    public TracePacket {
        Objects.requireNonNull(skb, "skb");
        if (lineNumber < 1) {
            throw new IllegalArgumentException("line number must be at least 1, was " + lineNumber);
        }
    }
}
