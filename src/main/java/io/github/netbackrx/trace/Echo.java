package io.github.netbackrx.trace;

import java.util.Locale;

/**
 * How an error message quotes what it read: at most {@value #MAX} characters (longer text is cut
 * and marked with {@code ...}), and every control character escaped ({@code \t}, {@code \r},
 * {@code \xNN}, or a Unicode escape beyond 0xFF), so a hostile input cannot flood or rewrite a terminal through an error message.
 */
final class Echo {
    /** Characters of input an error message repeats at most. */
    static final int MAX = 40;

    private Echo() {}

    /**
     * The text as an error message may show it.
     *
     * @param text what was read
     * @return the same text when it is short and printable, else its escaped and shortened form
     */
    static String of(String text) {
        int n = Math.min(text.length(), MAX);
        boolean plain = n == text.length();
        for (int i = 0; i < n && plain; i++) {
            plain = !needsEscape(text.charAt(i));
        }
        if (plain) {
            return text;
        }
        StringBuilder b = new StringBuilder(n + 8);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                b.append("\\t");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (needsEscape(c)) {
                b.append(String.format(Locale.ROOT, c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (n < text.length()) {
            b.append("...");
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
