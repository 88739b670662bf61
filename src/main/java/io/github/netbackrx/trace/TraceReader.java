package io.github.netbackrx.trace;

import io.github.netbackrx.core.Skb;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * Reads a trace one line at a time, in memory bounded whatever the input's size: a packet or a bad
 * line per {@link #next()}, never the whole trace. {@link TraceParser#read(Reader)} is built on it.
 *
 * <pre>{@code
 * try (TraceReader r = new TraceReader(reader)) {
 *     while (r.next()) {
 *         if (r.packet() != null) { ... } else { report(r.error()); }
 *     }
 * }
 * }</pre>
 *
 * <p>A line is ended by {@code \n}, {@code \r\n} or a lone {@code \r}. A line longer than {@value
 * #MAX_LINE_LENGTH} characters is an error that ends the reading: the reader stops there (a
 * file with no line break at all, such as {@code /dev/zero}, is refused after that many
 * characters rather than read into memory), so after such an error {@link #next()} returns false
 * and {@link #stopped()} says why.
 */
public final class TraceReader implements AutoCloseable {

    /** The longest line read, in characters (the longest valid packet line is about 500). */
    public static final int MAX_LINE_LENGTH = 4096;

    private final Reader in;
    private final char[] buffer = new char[16384];
    private int position;
    private int limit;
    private boolean endOfInput;
    /** A {@code \r} ended the last line: a {@code \n} right after it belongs to it. */
    private boolean afterCr;

    private final char[] line = new char[MAX_LINE_LENGTH];
    private int lineNumber;
    private TracePacket packet;
    private LineError error;
    private boolean stopped;

    /**
     * A reader of the trace {@code in}.
     *
     * @param in the trace; {@link #close()} closes it
     */
    public TraceReader(Reader in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /**
     * Reads up to the next packet or bad line, skipping blank and comment lines.
     *
     * @return true when a line was read: then exactly one of {@link #packet()} and {@link #error()}
     *     is non-null; false at the end of the input or after a line too long to read
     * @throws IOException if reading fails (a {@link java.nio.charset.CharacterCodingException}
     *     when the reader's decoder reports bytes that are not text)
     */
    public boolean next() throws IOException {
        packet = null;
        error = null;
        while (!stopped) {
            int length = readLine();
            if (length < 0) {
                stopped = length == TOO_LONG;
                if (length == END) {
                    return false;
                }
                error = new LineError(
                        lineNumber,
                        "line longer than " + MAX_LINE_LENGTH + " characters (a packet line is at most a few hundred);"
                                + " reading stops here");
                return true;
            }
            Skb fast = TraceParser.parseFast(line, length);
            if (fast != null) {
                packet = new TracePacket(lineNumber, fast);
                return true;
            }
            String text = new String(line, 0, length);
            if (TraceParser.isIgnored(text)) {
                continue;
            }
            try {
                packet = new TracePacket(lineNumber, TraceParser.parseTokens(text));
            } catch (TraceParser.BadLine e) {
                error = new LineError(lineNumber, e.getMessage());
            }
            return true;
        }
        return false;
    }

    /** @return the packet of the line just read, or null when it was bad */
    public TracePacket packet() {
        return packet;
    }

    /** @return the error of the line just read, or null when it held a packet */
    public LineError error() {
        return error;
    }

    /** @return the number of the last line read, counting from 1 (0 before the first) */
    public int lineNumber() {
        return lineNumber;
    }

    /**
     * Whether reading stopped before the end of the input, at a line longer than {@value
     * #MAX_LINE_LENGTH} characters (reported as that line's error).
     *
     * @return true after such a line
     */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Closes the underlying reader.
     *
     * @throws IOException if closing it fails
     */
    @Override
    public void close() throws IOException {
        in.close();
    }

    private static final int END = -1;
    private static final int TOO_LONG = -2;

    /**
     * Reads one line into {@link #line}, without its terminator.
     *
     * @return its length, {@link #END} at the end of the input, {@link #TOO_LONG} for a line
     *     longer than the limit (the reading stops inside it)
     */
    private int readLine() throws IOException {
        int length = 0;
        boolean any = false;
        while (true) {
            if (position == limit && (endOfInput || !fill())) {
                if (!any) {
                    return END;
                }
                lineNumber++;
                return length;
            }
            if (afterCr) {
                afterCr = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            // the rest of this line within the buffer, copied at once
            int end = position;
            while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
                end++;
            }
            int n = end - position;
            if (n > 0) {
                any = true;
                if (length + n > MAX_LINE_LENGTH) {
                    position = end;
                    lineNumber++;
                    return TOO_LONG;
                }
                System.arraycopy(buffer, position, line, length, n);
                length += n;
            }
            position = end;
            if (end < limit) {
                afterCr = buffer[end] == '\r';
                position++;
                lineNumber++;
                return length;
            }
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        while (n == 0) {
            n = in.read(buffer, 0, buffer.length);
        }
        if (n < 0) {
            endOfInput = true;
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
