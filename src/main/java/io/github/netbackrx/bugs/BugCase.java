package io.github.netbackrx.bugs;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One historic bug as an executable case: its name, title, the fix's source, the input, the
 * generation that shows it, the invariant broken, and the generation that fixed it.
 */
public final class BugCase {
    private final String name;
    private final String title;
    private final String source;
    private final String input;
    private final String invariant;
    private final Generation buggy;
    private final Generation fixed;
    private final Supplier<BugResult> runBuggy;
    private final Supplier<BugResult> runFixed;

    BugCase(
            String name,
            String title,
            String source,
            String input,
            String invariant,
            Generation buggy,
            Generation fixed,
            Supplier<BugResult> runBuggy,
            Supplier<BugResult> runFixed) {
        this.name = Objects.requireNonNull(name);
        this.title = Objects.requireNonNull(title);
        this.source = Objects.requireNonNull(source);
        this.input = Objects.requireNonNull(input);
        this.invariant = Objects.requireNonNull(invariant);
        this.buggy = Objects.requireNonNull(buggy);
        this.fixed = Objects.requireNonNull(fixed);
        this.runBuggy = Objects.requireNonNull(runBuggy);
        this.runFixed = Objects.requireNonNull(runFixed);
    }

    /** @return the case's name on the command line, e.g. {@code xsa-392-stall} */
    public String name() {
        return name;
    }

    /** @return a one-line summary of the bug */
    public String title() {
        return title;
    }

    /** @return the fix's source: upstream commit, title, year, and the files and functions it changed */
    public String source() {
        return source;
    }

    /** @return the input (packets or scenario) in words and trace syntax */
    public String input() {
        return input;
    }

    /** @return the invariant the buggy generation breaks */
    public String invariant() {
        return invariant;
    }

    /** @return the generation that shows the bug */
    public Generation buggyGeneration() {
        return buggy;
    }

    /** @return the generation that fixed it */
    public Generation fixedGeneration() {
        return fixed;
    }

    /**
     * Runs the input on both generations. Deterministic.
     *
     * @return the results
     */
    public BugReplay replay() {
        return new BugReplay(this, runBuggy.get(), runFixed.get());
    }

    /** @return the name */
    @Override
    public String toString() {
        return name;
    }
}
