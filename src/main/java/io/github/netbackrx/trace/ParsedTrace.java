package io.github.netbackrx.trace;

import java.util.List;

/**
 * The result of reading a whole trace leniently: the packets of the good lines and the errors of
 * the bad ones. {@link TraceParser#parse(java.io.Reader)} is the strict form that throws when
 * there is any error.
 *
 * @param packets the packets of the good lines, in input order (immutable)
 * @param errors the bad lines, in line order (immutable; empty when the whole trace is good)
 */
public record ParsedTrace(List<TracePacket> packets, List<LineError> errors) {

    /**
     * Copies both lists into immutable ones.
     *
     * @param packets the packets of the good lines, in input order
     * @param errors the bad lines, in line order
     * @throws NullPointerException if a list or an element is null
     */
    public ParsedTrace {
        packets = List.copyOf(packets);
        errors = List.copyOf(errors);
    }

    /**
     * Whether every line of the trace was good.
     *
     * @return {@code true} when there is no error
     */
    public boolean isValid() {
        return errors.isEmpty();
    }
}
