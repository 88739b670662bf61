package io.github.netbackrx.cli;

/** The exit statuses every command uses. */
final class ExitStatus {
    /** Everything went well. */
    static final int OK = 0;
    /** A finding: some plan broke an invariant of the model (the output is still complete). */
    static final int FINDING = 1;
    /** Bad usage or bad input: nothing was done. */
    static final int BAD_INPUT = 2;
    /** An internal error: a bug in netback-rx. */
    static final int INTERNAL_ERROR = 3;

    private ExitStatus() {}
}
