package io.github.netbackrx.trace;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.Skb;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads packets in the trace format: one packet per line, for example
 *
 * <pre>
 * # comment lines and blank lines are ignored
 * head=2+66 frag=0+4096 frag=0+1000 gso=1448/tcpv4 csum=partial
 * </pre>
 *
 * <p>The rules, each of which a bad line's {@link LineError#reason() reason} names:
 *
 * <ul>
 *   <li>tokens are separated by spaces or tabs; a line whose first non-blank character is {@code #}
 *       and a line of blanks only are ignored;
 *   <li>{@code head=OFF+LEN} (the linear area, Linux's {@code skb->data}) is required, exactly once,
 *       and first;
 *   <li>{@code frag=OFF+LEN} (a page fragment, {@code skb_shinfo(skb)->frags[k]}) zero or more times,
 *       in order, with {@code LEN >= 1};
 *   <li>{@code gso=SIZE}, {@code gso=SIZE/tcpv4} or {@code gso=SIZE/tcpv6} at most once, {@code
 *       1 <= SIZE <= 65535} (the type defaults to {@code tcpv4});
 *   <li>{@code csum=none|partial|unnecessary} at most once (default {@code none});
 *   <li>{@code hash=VALUE/TYPE} at most once: the flow hash netback computed ({@code skb->sw_hash}),
 *       {@code VALUE} a decimal {@code 0..4294967295}, {@code TYPE} one of {@code ipv4}, {@code
 *       ipv4-tcp}, {@code ipv6}, {@code ipv6-tcp} (default: no hash);
 *   <li>every number is a non-empty string of decimal digits {@code 0-9} (no sign, no other base)
 *       whose value fits in an {@code int};
 *   <li>the packet must then be valid for {@link Skb.Builder#build()} (a total length of 0 and more
 *       than 18 fragments are refused there, with the packet model's own reason).
 * </ul>
 *
 * <p>Parsing is strict and reports every bad line, not only the first: {@link #parse(Reader)}
 * throws a {@link TraceFormatException} carrying them all; {@link #read(Reader)} returns the good
 * packets and the errors together. Each bad line gets one error, for the first rule it breaks.
 * Fragments are read as local pages: the format has no token for foreign pages yet.
 */
public final class TraceParser {

    /** The largest GSO size the format accepts (the 16-bit {@code netif_extra_info.u.gso.size}). */
    public static final int MAX_GSO_SIZE = 65535;

    private static final String TOKENS = "head=, frag=, gso=, csum= or hash=";

    private TraceParser() {}

    /**
     * Reads a whole trace, strictly.
     *
     * @param in the trace; read to its end but not closed
     * @return the packets, in input order, each with its line number
     * @throws TraceFormatException if any line is bad; it carries every bad line
     * @throws IOException if reading fails
     */
    public static List<TracePacket> parse(Reader in) throws IOException, TraceFormatException {
        ParsedTrace trace = read(in);
        if (!trace.isValid()) {
            throw new TraceFormatException(trace.errors());
        }
        return trace.packets();
    }

    /**
     * Reads a whole trace leniently: good lines give packets, bad lines give errors, and reading goes
     * on to the end either way (but for a line longer than {@link TraceReader#MAX_LINE_LENGTH}
     * characters, an error at which reading stops). The whole trace is held in memory: {@link
     * TraceReader} reads one of any size a line at a time.
     *
     * @param in the trace; read to its end but not closed
     * @return the packets and the errors, both in line order
     * @throws IOException if reading fails
     */
    public static ParsedTrace read(Reader in) throws IOException {
        Objects.requireNonNull(in, "in");
        List<TracePacket> packets = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        TraceReader lines = new TraceReader(in); // not closed: the caller owns the reader
        while (lines.next()) {
            if (lines.packet() != null) {
                packets.add(lines.packet());
            } else {
                errors.add(lines.error());
            }
        }
        return new ParsedTrace(packets, errors);
    }

    /**
     * Reads one packet written as one trace line (for instance a command-line argument).
     *
     * @param line the packet's tokens, such as {@code "head=0+54 frag=0+100"}
     * @return the packet
     * @throws TraceFormatException if the line is blank, a comment, or breaks a rule; its single
     *     error has line number 1
     */
    public static Skb parsePacket(String line) throws TraceFormatException {
        Objects.requireNonNull(line, "line");
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new TraceFormatException(
                    List.of(new LineError(1, "one packet is one line: line breaks not allowed")));
        }
        try {
            List<TracePacket> packets = parse(new StringReader(line));
            if (packets.isEmpty()) {
                throw new TraceFormatException(List.of(new LineError(1, "no packet: the line is blank or a comment")));
            }
            return packets.get(0).skb();
        } catch (IOException e) {
            throw new AssertionError("a StringReader does not fail", e);
        }
    }

    /**
     * Whether a line carries no packet: only spaces and tabs, or a {@code #} as its first non-blank
     * character.
     */
    static boolean isIgnored(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && c != '\t') {
                return c == '#';
            }
        }
        return true;
    }

    // the constants the fast path looks labels up in, copied once (values() copies on every call)
    private static final GsoType[] GSO_TYPES = GsoType.values();
    private static final ChecksumState[] CHECKSUM_STATES = ChecksumState.values();
    private static final HashType[] HASH_TYPES = HashType.values();

    /**
     * The fast path of {@link #parseTokens(String)} for a line held in a character array: the same
     * packet for a good line, without making a string per token. It gives up (null) on anything it
     * does not accept, a blank line included, and the caller then takes the slow path, which finds
     * the rule broken and words the error; so errors have one source.
     */
    static Skb parseFast(char[] c, int n) {
        try {
            Skb.Builder b = Skb.builder();
            boolean seenGso = false;
            boolean seenCsum = false;
            boolean seenHash = false;
            int tokens = 0;
            int i = 0;
            while (true) {
                while (i < n && (c[i] == ' ' || c[i] == '\t')) {
                    i++;
                }
                if (i == n) {
                    break;
                }
                int end = i;
                while (end < n && c[end] != ' ' && c[end] != '\t') {
                    end++;
                }
                if (tokens == 0 || starts(c, i, end, "head=")) {
                    long area = tokens == 0 && starts(c, i, end, "head=") ? area(c, i + 5, end) : -1;
                    if (area < 0) {
                        return null;
                    }
                    b.head((int) (area >>> 32), (int) area);
                } else if (starts(c, i, end, "frag=")) {
                    long area = area(c, i + 5, end);
                    if (area < 0 || (int) area < 1) {
                        return null;
                    }
                    b.frag((int) (area >>> 32), (int) area);
                } else if (starts(c, i, end, "gso=") && !seenGso) {
                    seenGso = true;
                    int slash = indexOf(c, i + 4, end, '/');
                    long size = number(c, i + 4, slash < 0 ? end : slash);
                    GsoType type = slash < 0 ? GsoType.TCPV4 : label(GSO_TYPES, c, slash + 1, end);
                    if (size < 1 || size > MAX_GSO_SIZE || type == null) {
                        return null;
                    }
                    b.gso((int) size, type);
                } else if (starts(c, i, end, "csum=") && !seenCsum) {
                    seenCsum = true;
                    ChecksumState state = label(CHECKSUM_STATES, c, i + 5, end);
                    if (state == null) {
                        return null;
                    }
                    b.checksum(state);
                } else if (starts(c, i, end, "hash=") && !seenHash) {
                    seenHash = true;
                    int slash = indexOf(c, i + 5, end, '/');
                    if (slash < 0 || slash - (i + 5) > 10 || slash == i + 5) {
                        return null;
                    }
                    long value = 0;
                    for (int k = i + 5; k < slash; k++) {
                        if (c[k] < '0' || c[k] > '9') {
                            return null;
                        }
                        value = value * 10 + (c[k] - '0');
                    }
                    HashType type = label(HASH_TYPES, c, slash + 1, end);
                    if (value > 0xFFFFFFFFL || type == null) {
                        return null;
                    }
                    b.hash((int) value, type);
                } else {
                    return null;
                }
                tokens++;
                i = end;
            }
            return tokens == 0 ? null : b.build();
        } catch (RuntimeException e) {
            return null; // the slow path words it
        }
    }

    private static boolean starts(char[] c, int from, int end, String prefix) {
        if (end - from < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (c[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(char[] c, int from, int end, char x) {
        for (int k = from; k < end; k++) {
            if (c[k] == x) {
                return k;
            }
        }
        return -1;
    }

    /** {@code OFF+LEN} as {@code OFF << 32 | LEN}, or -1 when it is not two decimal ints. */
    private static long area(char[] c, int from, int end) {
        int plus = indexOf(c, from, end, '+');
        if (plus < 0) {
            return -1;
        }
        long offset = number(c, from, plus);
        long length = number(c, plus + 1, end);
        return offset < 0 || length < 0 ? -1 : offset << 32 | length;
    }

    /** A non-empty run of decimal digits that fits an int, or -1. */
    private static long number(char[] c, int from, int end) {
        if (from >= end) {
            return -1;
        }
        long value = 0;
        for (int k = from; k < end; k++) {
            if (c[k] < '0' || c[k] > '9') {
                return -1;
            }
            value = value * 10 + (c[k] - '0');
            if (value > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return value;
    }

    /** The constant whose label is exactly {@code c[from, end)}, or null. */
    private static <E extends Enum<E>> E label(E[] values, char[] c, int from, int end) {
        for (E v : values) {
            String label = labelOf(v);
            if (label.length() == end - from && starts(c, from, end, label)) {
                return v;
            }
        }
        return null;
    }

    private static String labelOf(Enum<?> v) {
        if (v instanceof GsoType g) {
            return g.label();
        }
        if (v instanceof ChecksumState s) {
            return s.label();
        }
        return ((HashType) v).label();
    }

    /** Splits on runs of spaces and tabs only (not on other whitespace). */
    private static List<String> tokens(String line) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean blank = i == line.length() || line.charAt(i) == ' ' || line.charAt(i) == '\t';
            if (blank && start >= 0) {
                tokens.add(line.substring(start, i));
                start = -1;
            } else if (!blank && start < 0) {
                start = i;
            }
        }
        return tokens;
    }

    static Skb parseTokens(String line) throws BadLine {
        List<String> tokens = tokens(line);
        Skb.Builder builder = Skb.builder();
        boolean seenGso = false;
        boolean seenCsum = false;
        boolean seenHash = false;
        for (int t = 0; t < tokens.size(); t++) {
            String raw = tokens.get(t);
            String token = Echo.of(raw); // for messages only
            int eq = raw.indexOf('=');
            String key = eq < 0 ? raw : raw.substring(0, eq);
            String value = eq < 0 ? null : raw.substring(eq + 1);
            if (value == null || !isKnownKey(key)) {
                throw new BadLine("unknown token '" + token + "' (expected " + TOKENS + ")");
            }
            if (t == 0 && !key.equals("head")) {
                throw new BadLine("head=OFF+LEN must be the first token, found '" + token + "'");
            }
            switch (key) {
                case "head" -> {
                    if (t != 0) {
                        throw new BadLine("head= must appear exactly once, found a second '" + token + "'");
                    }
                    int[] area = area(token, value);
                    builder.head(area[0], area[1]);
                }
                case "frag" -> {
                    int[] area = area(token, value);
                    if (area[1] < 1) {
                        throw new BadLine(token + ": a fragment's LEN must be at least 1");
                    }
                    builder.frag(area[0], area[1]);
                }
                case "gso" -> {
                    if (seenGso) {
                        throw new BadLine("gso= may appear at most once, found a second '" + token + "'");
                    }
                    seenGso = true;
                    gso(builder, token, value);
                }
                case "csum" -> {
                    if (seenCsum) {
                        throw new BadLine("csum= may appear at most once, found a second '" + token + "'");
                    }
                    seenCsum = true;
                    builder.checksum(checksum(token, value));
                }
                case "hash" -> {
                    if (seenHash) {
                        throw new BadLine("hash= may appear at most once, found a second '" + token + "'");
                    }
                    seenHash = true;
                    hash(builder, token, value);
                }
                default -> throw new AssertionError(key);
            }
        }
        try {
            return builder.build();
        } catch (InvalidPacketException e) {
            throw new BadLine(e.getMessage());
        }
    }

    private static boolean isKnownKey(String key) {
        return key.equals("head")
                || key.equals("frag")
                || key.equals("gso")
                || key.equals("csum")
                || key.equals("hash");
    }

    /** Parses {@code OFF+LEN}; returns {offset, length}. */
    private static int[] area(String token, String value) throws BadLine {
        int plus = value.indexOf('+');
        if (plus < 0) {
            String key = token.substring(0, token.indexOf('='));
            throw new BadLine(token + ": expected " + key + "=OFF+LEN");
        }
        int offset = number(token, "OFF", value.substring(0, plus));
        int length = number(token, "LEN", value.substring(plus + 1));
        return new int[] {offset, length};
    }

    private static void gso(Skb.Builder builder, String token, String value) throws BadLine {
        int slash = value.indexOf('/');
        String sizeText = slash < 0 ? value : value.substring(0, slash);
        int size = number(token, "SIZE", sizeText);
        if (size < 1 || size > MAX_GSO_SIZE) {
            throw new BadLine(token + ": SIZE must be 1.." + MAX_GSO_SIZE);
        }
        GsoType type = GsoType.TCPV4;
        if (slash >= 0) {
            String typeText = value.substring(slash + 1);
            type = null;
            for (GsoType candidate : GsoType.values()) {
                if (candidate.label().equals(typeText)) {
                    type = candidate;
                }
            }
            if (type == null) {
                throw new BadLine(token + ": TYPE must be tcpv4 or tcpv6");
            }
        }
        builder.gso(size, type);
    }

    /** Parses {@code VALUE/TYPE}: an unsigned 32-bit decimal and a {@link HashType} label. */
    private static void hash(Skb.Builder builder, String token, String value) throws BadLine {
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new BadLine(token + ": expected hash=VALUE/TYPE");
        }
        String text = value.substring(0, slash);
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadLine(token + ": VALUE '" + Echo.of(text) + "' is not a decimal number 0..4294967295");
        }
        long v = Long.parseLong(text);
        if (v > 0xFFFFFFFFL) {
            throw new BadLine(token + ": VALUE " + text + " is too large (at most 4294967295)");
        }
        HashType type;
        try {
            type = HashType.fromLabel(value.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new BadLine(token + ": TYPE must be ipv4, ipv4-tcp, ipv6 or ipv6-tcp");
        }
        builder.hash((int) v, type);
    }

    private static ChecksumState checksum(String token, String value) throws BadLine {
        for (ChecksumState state : ChecksumState.values()) {
            if (state.label().equals(value)) {
                return state;
            }
        }
        throw new BadLine(token + ": the checksum state must be none, partial or unnecessary");
    }

    /** A non-negative decimal {@code int}: ASCII digits only, no sign, no empty string. */
    private static int number(String token, String name, String text) throws BadLine {
        if (text.isEmpty()) {
            throw new BadLine(token + ": " + name + " is empty (expected a decimal number)");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new BadLine(token + ": " + name + " '" + Echo.of(text)
                        + "' is not a decimal number (digits 0-9 only, no sign)");
            }
            value = value * 10 + (c - '0');
            if (value > Integer.MAX_VALUE) {
                throw new BadLine(token + ": " + name + " " + Echo.of(text) + " is too large (at most "
                        + Integer.MAX_VALUE + ")");
            }
        }
        return (int) value;
    }

    /** A bad line, on its way to a {@link LineError}; no stack trace (it is ordinary control flow). */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;

        BadLine(String reason) {
            super(reason, null, false, false);
        }
    }
}
