package io.github.netbackrx.core;

import java.util.Objects;

/**
 * A broken invariant found in a plan.
 *
 * @param invariant the rule broken
 * @param details the offending values, e.g. {@code "data slot 0 is empty (status 0) in a 300-byte packet"}
 */
public record Finding(Invariant invariant, String details) {
    /**
     * Creates a finding.
     *
     * @param invariant the rule broken, not null
     * @param details the offending values, not null
     */
    public Finding {
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(details, "details");
    }

    /** @return {@code NAME: details}, the way the plan command reports it after {@code packet I: } */
    public String describe() {
        return invariant.label() + ": " + details;
    }
}
