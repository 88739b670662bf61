package io.github.netbackrx.bugs;

import java.util.Objects;

/**
 * A netback generation as the model composes it: a packing policy, a slot estimator and an engine
 * profile (or the check it runs), each by its label.
 *
 * @param policy the packing policy's label, e.g. {@code coalesce-compound}
 * @param estimator the estimator or estimate rule, e.g. {@code linux-3.6}
 * @param profile the engine profile or check, e.g. {@code 3.14}
 */
public record Generation(String policy, String estimator, String profile) {
    /**
     * Creates a generation.
     *
     * @param policy not null
     * @param estimator not null
     * @param profile not null
     */
    public Generation {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(profile, "profile");
    }

    /** @return e.g. {@code policy coalesce-compound, estimator linux-3.6, engine 3.14} */
    public String describe() {
        return "policy " + policy + ", estimator " + estimator + ", engine " + profile;
    }
}
