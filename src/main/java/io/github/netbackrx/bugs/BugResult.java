package io.github.netbackrx.bugs;

import java.util.Objects;

/**
 * What one generation did with a catalogue case's input.
 *
 * @param generation the generation run
 * @param broken whether the case's invariant was broken
 * @param invariant the invariant checked (a {@link io.github.netbackrx.core.Invariant} label or a
 *     named engine-level invariant)
 * @param details the values observed, e.g. {@code "3 slots used, estimate 2"}
 */
public record BugResult(Generation generation, boolean broken, String invariant, String details) {
    /**
     * Creates a result.
     *
     * @param generation not null
     * @param broken whether the invariant was broken
     * @param invariant not null
     * @param details not null
     */
    public BugResult {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(details, "details");
    }

    /** @return {@code BROKEN invariant: details} or {@code holds invariant: details} */
    public String describe() {
        return (broken ? "BROKEN " : "holds ") + invariant + ": " + details;
    }
}
