package io.github.netbackrx.ring;

/**
 * A peer broke the shared-ring protocol of {@code io/ring.h}: it published a producer index that
 * runs more than a ring's worth ahead of what the other end has handed back
 * ({@code RING_REQUEST_PROD_OVERFLOW}, {@code RING_RESPONSE_PROD_OVERFLOW}).
 *
 * <p>The message names the macro and every index involved, in hex and decimal.
 */
public final class RingProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The name of the {@code ring.h} check that failed. */
    private final String macro;

    /**
     * Creates the exception.
     *
     * @param macro the {@code ring.h} check that failed, e.g. {@code RING_REQUEST_PROD_OVERFLOW}
     * @param message the full message (naming the macro and the indices)
     */
    public RingProtocolException(String macro, String message) {
        super(message);
        this.macro = macro;
    }

    /** @return the name of the {@code ring.h} check that failed */
    public String macro() {
        return macro;
    }

    /**
     * Formats a {@code RING_IDX} as the messages print it: {@code 0x0000000a (10)}, the decimal
     * being the unsigned value.
     *
     * @param index the index
     * @return the spelling
     */
    static String idx(int index) {
        return String.format("0x%08x (%s)", index, Integer.toUnsignedString(index));
    }
}
