package io.github.netbackrx.bugs;

import java.util.Objects;

/**
 * A catalogue case run on its buggy and its fixed generation.
 *
 * @param bug the case
 * @param buggy the buggy generation's result
 * @param fixed the fixed generation's result
 */
public record BugReplay(BugCase bug, BugResult buggy, BugResult fixed) {
    /**
     * Creates a replay.
     *
     * @param bug not null
     * @param buggy not null
     * @param fixed not null
     */
    public BugReplay {
        Objects.requireNonNull(bug, "bug");
        Objects.requireNonNull(buggy, "buggy");
        Objects.requireNonNull(fixed, "fixed");
    }

    /**
     * Whether the case behaves as documented: the buggy generation breaks the documented invariant
     * and the fixed generation keeps it.
     *
     * @return true when the bug shows and the fix holds
     */
    public boolean asDocumented() {
        return buggy.broken()
                && buggy.invariant().equals(bug.invariant())
                && !fixed.broken()
                && fixed.invariant().equals(bug.invariant());
    }
}
