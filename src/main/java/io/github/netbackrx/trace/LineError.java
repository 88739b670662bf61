package io.github.netbackrx.trace;

import java.util.Objects;

/**
 * One bad line of a trace: where it is and which rule of the trace format (or of the packet model)
 * it breaks.
 *
 * @param lineNumber the line's number in its file, counting from 1
 * @param reason what is wrong, naming the rule broken; never empty
 */
public record LineError(int lineNumber, String reason) {

    /**
     * Validates the components.
     *
     * @param lineNumber the line's number in its file, counting from 1
     * @param reason what is wrong, naming the rule broken
     * @throws IllegalArgumentException if {@code lineNumber < 1} or {@code reason} is empty
     * @throws NullPointerException if {@code reason} is null
     */
    public LineError {
        Objects.requireNonNull(reason, "reason");
        if (lineNumber < 1) {
            throw new IllegalArgumentException("line number must be at least 1, was " + lineNumber);
        }
        if (reason.isEmpty()) {
            throw new IllegalArgumentException("reason must not be empty");
        }
    }

    /**
     * The canonical report of this error, as the command line prints it on standard error.
     *
     * @return {@code line N: reason}
     */
    @Override
    public String toString() {
        return "line " + lineNumber + ": " + reason;
    }
}
