package io.github.netbackrx.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * A tiny writer of well-formed SVG: elements are opened and closed in order (a stack checks it),
 * attribute values and text are escaped, numbers are written with a dot whatever the locale.
 */
final class SvgWriter {
    private final StringBuilder out = new StringBuilder(4096);
    private final Deque<String> open = new ArrayDeque<>();

    SvgWriter(int width, int height) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        start(
                "svg",
                "xmlns",
                "http://www.w3.org/2000/svg",
                "width",
                width,
                "height",
                height,
                "viewBox",
                "0 0 " + width + " " + height,
                "font-family",
                "monospace",
                "font-size",
                11);
    }

    /** Opens an element with attributes given as name, value pairs. */
    SvgWriter start(String name, Object... attributes) {
        indent();
        out.append('<').append(name);
        attributes(attributes);
        out.append(">\n");
        open.push(name);
        return this;
    }

    /** Writes an element without content. */
    SvgWriter empty(String name, Object... attributes) {
        indent();
        out.append('<').append(name);
        attributes(attributes);
        out.append("/>\n");
        return this;
    }

    /** Writes an element whose only content is text. */
    SvgWriter text(String name, String text, Object... attributes) {
        indent();
        out.append('<').append(name);
        attributes(attributes);
        out.append('>').append(escape(text)).append("</").append(name).append(">\n");
        return this;
    }

    /** Closes the innermost open element. */
    SvgWriter end() {
        if (open.isEmpty()) {
            throw new IllegalStateException("no element is open");
        }
        String name = open.pop();
        indent();
        out.append("</").append(name).append(">\n");
        return this;
    }

    /** Closes the root element and returns the document. */
    String finish() {
        end();
        if (!open.isEmpty()) {
            throw new IllegalStateException("elements left open: " + open);
        }
        return out.toString();
    }

    private void indent() {
        out.append("  ".repeat(open.size()));
    }

    private void attributes(Object[] attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        for (int i = 0; i < attributes.length; i += 2) {
            Object v = attributes[i + 1];
            String value = v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(v);
            out.append(' ')
                    .append(attributes[i])
                    .append("=\"")
                    .append(escape(value))
                    .append('"');
        }
    }

    /** Escapes the five XML special characters. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
