package io.github.netbackrx.core;

/**
 * Thrown when a packet description is not a valid {@link Skb}: a negative offset or length, sizes
 * whose sum overflows {@code int}, an empty packet, a zero-length fragment, more fragments than
 * allowed, a GSO size outside {@code 1..65535}, or a missing value.
 *
 * <p>The message names the rule broken and the offending values, for example {@code "frag2:
 * zero-length fragment (length 0)"}.
 */
public final class InvalidPacketException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the rule broken and the offending values
     */
    public InvalidPacketException(String message) {
        super(message);
    }
}
