package io.github.netbackrx.sim;

import io.github.netbackrx.trace.LineError;
import java.util.List;

/** A scenario with bad lines: each names its line and the rule it breaks ({@code line N: reason}). */
public final class ScenarioFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The bad lines; not serialised with the exception. */
    private final transient List<LineError> errors;

    /**
     * @param errors the bad lines, at least one
     * @throws IllegalArgumentException if {@code errors} is empty
     */
    public ScenarioFormatException(List<LineError> errors) {
        super(errors.isEmpty() ? "" : errors.get(0).toString());
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a scenario format exception needs at least one line error");
        }
        this.errors = List.copyOf(errors);
    }

    /** @return the bad lines, in line order */
    public List<LineError> errors() {
        return errors;
    }
}
