package io.github.netbackrx.trace;

import java.util.List;

/**
 * A trace with at least one bad line. It carries every bad line of the input, in line order, not
 * only the first one, so that a user can fix them all at once.
 */
public final class TraceFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The bad lines; an immutable list, so the exception stays safely shareable. */
    @SuppressWarnings("serial") // List.copyOf returns a serializable immutable list
    private final List<LineError> errors;

    /**
     * Creates the exception.
     *
     * @param errors the bad lines, in line order; at least one
     * @throws IllegalArgumentException if {@code errors} is empty
     */
    public TraceFormatException(List<LineError> errors) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
    }

    private static String summary(List<LineError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a trace format error needs at least one bad line");
        }
        String first = errors.get(0).toString();
        return errors.size() == 1 ? first : first + " (and " + (errors.size() - 1) + " more bad lines)";
    }

    /**
     * The bad lines.
     *
     * @return every bad line of the input, in line order (immutable, never empty)
     */
    public List<LineError> errors() {
        return errors;
    }
}
