package io.github.netbackrx.core;

/**
 * Thrown when a valid {@link Skb} cannot be taken by a {@link PackingPolicy}: for example a fragment
 * that crosses a 4096-byte page under the 2010 coalescing rule, where the driver's {@code BUG_ON}
 * in {@code netbk_gop_frag_copy} would fire.
 *
 * <p>The message names the area, the rule and the values, for example {@code "frag1 crosses a
 * 4096-byte page: offset 4000 + length 200 > 4096 (the 2010 rule would BUG())"}.
 */
public final class PolicyViolationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the area, the rule broken and the offending values
     */
    public PolicyViolationException(String message) {
        super(message);
    }
}
