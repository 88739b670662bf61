package io.github.netbackrx.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Text output in bulk: lines are appended to a {@link StringBuilder} (which formats numbers without
 * allocating) and handed to standard output in blocks of about {@value #BLOCK} characters, instead
 * of one small write per field through the synchronized {@link PrintWriter}.
 */
final class TextOut {
    /** Characters gathered before they are written. */
    static final int BLOCK = 1 << 15;

    private final PrintWriter out;
    private final OutputStream bytes;
    private final StringBuilder text = new StringBuilder(BLOCK + 4096);
    private char[] chars = new char[BLOCK + 4096];

    /**
     * @param out standard output as text
     * @param bytes the same output as bytes, or null: when given, the gathered text goes there as
     *     UTF-8 (after {@code out} is flushed, so the order is kept) without a character encoder
     */
    TextOut(PrintWriter out, OutputStream bytes) {
        this.out = out;
        this.bytes = bytes;
    }

    /** @return the builder to append lines to; call {@link #written()} after each record */
    StringBuilder text() {
        return text;
    }

    /** Writes the gathered text out once a block is full. */
    void written() {
        if (text.length() >= BLOCK) {
            drain();
        }
    }

    /** Writes out all gathered text and flushes standard output. */
    void flush() {
        drain();
        out.flush();
        if (bytes != null) {
            try {
                bytes.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void drain() {
        if (bytes != null) {
            out.flush();
            try {
                bytes.write(text.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            text.setLength(0);
            return;
        }
        int n = text.length();
        if (n > chars.length) {
            chars = new char[n];
        }
        text.getChars(0, n, chars, 0);
        out.write(chars, 0, n);
        text.setLength(0);
    }
}
