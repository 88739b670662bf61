package io.github.netbackrx.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar for long runs, drawn on standard error and redrawn in place with a
 * carriage return — only when the output is a terminal ({@link Terminal#interactive()}); on a
 * pipe, a file or in CI it prints nothing, so logs stay clean. It redraws only when the shown
 * percentage changes, and reads no clock: its output depends on the counts alone (the caller
 * throttles further by updating once per burst of packets).
 *
 * <pre>
 *   simulate [==============&gt;               ]  47% 470/1000
 * </pre>
 */
final class ProgressBar {
    /** Characters between the brackets. */
    static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintWriter err;
    private final boolean terminal;
    private int shown = -1;
    private boolean finished;

    /**
     * A bar writing to {@code err} when {@code terminal} is true, and doing nothing otherwise.
     *
     * @param label the word before the bar
     * @param total the count at 100%, {@code >= 0}
     * @param err where to draw
     * @param terminal whether {@code err} is a terminal
     */
    ProgressBar(String label, long total, PrintWriter err, boolean terminal) {
        if (total < 0) {
            throw new IllegalArgumentException("progress total " + total + " is negative");
        }
        this.label = label;
        this.total = total;
        this.err = err;
        this.terminal = terminal;
    }

    /** @return whether the bar draws anything */
    boolean visible() {
        return terminal;
    }

    /**
     * Reports progress; redraws when the percentage shown changes.
     *
     * @param done the count reached, clamped to {@code 0..total}
     */
    void update(long done) {
        if (!terminal || finished) {
            return;
        }
        long d = Math.max(0, Math.min(done, total));
        int percent = percent(d, total);
        if (percent != shown) {
            shown = percent;
            err.print("\r" + render(label, d, total));
            err.flush();
        }
    }

    /** Draws 100% and ends the line; later updates are ignored. */
    void finish() {
        if (!terminal || finished) {
            return;
        }
        err.print("\r" + render(label, total, total) + "\n");
        err.flush();
        finished = true;
    }

    private static int percent(long done, long total) {
        return total == 0 ? 100 : (int) (done * 100 / total);
    }

    /**
     * One drawing of the bar, without the carriage return.
     *
     * @param label the word before the bar
     * @param done the count reached, {@code 0..total}
     * @param total the count at 100%
     * @return e.g. {@code simulate [==============>               ]  47% 470/1000}
     */
    static String render(String label, long done, long total) {
        int percent = percent(done, total);
        int filled = total == 0 ? WIDTH : (int) (done * WIDTH / total);
        StringBuilder bar = new StringBuilder(WIDTH);
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return String.format(Locale.ROOT, "%s [%s] %3d%% %d/%d", label, bar, percent, done, total);
    }
}
