package io.github.netbackrx.cli;

import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.ExtraResponse;
import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotResponse;
import io.github.netbackrx.trace.TraceWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws how one packet is laid out under one or more packing policies: the packet's areas and the
 * 4 KiB frames they lie in, each copy op, the ring slots with their guest buffers, the GSO extra.
 * Two drawings of the same facts: text for a terminal, and SVG (one colour per source area).
 */
final class LayoutDrawing {
    /** Bytes one character of a text bar stands for. */
    static final int BYTES_PER_CHAR = 64;
    /** Characters in a text bar: one 4096-byte frame or buffer. */
    static final int BAR = Netif.PAGE_SIZE / BYTES_PER_CHAR;
    /** Bytes per SVG pixel. */
    static final int BYTES_PER_PX = 8;

    private static final int PAGE_PX = Netif.PAGE_SIZE / BYTES_PER_PX;
    private static final int COLUMN = PAGE_PX + 64;
    private static final int ROW = 56;
    private static final int LEFT = 16;
    /** Height of a line of text. */
    private static final int LINE = 14;
    /** A bar's top below its row's top, and its height. */
    private static final int BAR_TOP = 14;

    private static final int BAR_PX = 14;
    /** The first line of offsets below a row's top, and the distance to the second. */
    private static final int OFFSET_Y = 38;

    private static final int LINE_OFFSETS = 10;
    /** Width of a character of the 9 px offsets, of the 13 px title, in monospace. */
    private static final double OFFSET_CHAR_PX = 5.6;

    private static final double TITLE_CHAR_PX = 8.0;
    private static final double LABEL_GAP_PX = 4;
    /** Characters of 11 px monospace text that fit a policy's column. */
    private static final int WRAP_CHARS = 84;

    /** One policy's result: a plan with its findings, or the policy's refusal. */
    record Column(PackingPolicy policy, RxPlan plan, List<Finding> findings, String refusal) {}

    /** A piece of a source area within one 4 KiB frame: bytes {@code [start, end)} of the frame. */
    record Piece(int source, int frame, int start, int end) {}

    private LayoutDrawing() {}

    // ---- text -----------------------------------------------------------------------------------

    static String text(Skb skb, List<Column> columns) {
        StringBuilder b = new StringBuilder();
        b.append("packet ")
                .append(TraceWriter.toLine(skb))
                .append(": ")
                .append(skb.length())
                .append(" bytes; one character is ")
                .append(BYTES_PER_CHAR)
                .append(" bytes of a 4096-byte frame or buffer\n\nsource areas and their 4 KiB frames\n");
        for (Piece p : pieces(skb)) {
            String name = symbol(p.source()) + " " + (CopyOp.HEAD == p.source() ? "head" : "frag" + p.source());
            char[] bar = emptyBar();
            fill(bar, p.start(), p.end(), symbol(p.source()));
            b.append(String.format(
                    Locale.ROOT,
                    "  %-9s |%s| frame %d: bytes %d..%d (%d)%n",
                    name,
                    new String(bar),
                    p.frame(),
                    p.start(),
                    p.end(),
                    p.end() - p.start()));
        }
        for (Column c : columns) {
            b.append('\n');
            if (c.refusal() != null) {
                b.append("policy ")
                        .append(c.policy().label())
                        .append(": refused: ")
                        .append(c.refusal())
                        .append('\n');
                continue;
            }
            RxPlan plan = c.plan();
            b.append(String.format(
                    Locale.ROOT,
                    "policy %s: estimate %d, %d slot%s used, %d copy op%s, %s%n",
                    c.policy().label(),
                    plan.estimate(),
                    plan.slotCount(),
                    plan.slotCount() == 1 ? "" : "s",
                    plan.ops().size(),
                    plan.ops().size() == 1 ? "" : "s",
                    c.findings().isEmpty() ? "no finding" : c.findings().size() + " finding(s)"));
            for (Finding f : c.findings()) {
                b.append("  finding: ").append(f.describe()).append('\n');
            }
            List<CopyOp> ops = plan.ops();
            for (int i = 0; i < ops.size(); i++) {
                CopyOp op = ops.get(i);
                b.append(String.format(
                        Locale.ROOT,
                        "  copy %-2d %s %-6s +%-5d -> slot %d +%-5d %d bytes%n",
                        i,
                        symbol(op.source()),
                        op.sourceName(),
                        op.sourceOffset(),
                        op.slot(),
                        op.destOffset(),
                        op.length()));
            }
            for (SlotResponse r : plan.slots()) {
                if (r instanceof ExtraResponse e) {
                    b.append(String.format(
                            Locale.ROOT,
                            "  %-9s  extra info: %s%n",
                            "slot " + e.slot(),
                            e.type() == Netif.EXTRA_TYPE_GSO
                                    ? "GSO size " + e.gsoSize() + " "
                                            + e.gsoType().label()
                                    : "type " + e.type()));
                } else {
                    DataResponse d = (DataResponse) r;
                    char[] bar = emptyBar();
                    for (CopyOp op : ops) {
                        if (op.slot() == d.slot()) {
                            fill(bar, op.destOffset(), op.destOffset() + op.length(), symbol(op.source()));
                        }
                    }
                    b.append(String.format(
                            Locale.ROOT,
                            "  %-9s |%s| data, status %d, flags %s%n",
                            "slot " + d.slot(),
                            new String(bar),
                            d.status(),
                            Netif.rxFlagNames(d.flags())));
                }
            }
        }
        return b.toString();
    }

    private static char[] emptyBar() {
        char[] bar = new char[BAR];
        java.util.Arrays.fill(bar, '.');
        return bar;
    }

    /** Marks every character whose 64 bytes overlap {@code [start, end)}, clipped to the bar. */
    private static void fill(char[] bar, int start, int end, char c) {
        int from = Math.max(0, start);
        int to = Math.min(end, Netif.PAGE_SIZE);
        if (to <= from) {
            return;
        }
        for (int i = from / BYTES_PER_CHAR; i <= (to - 1) / BYTES_PER_CHAR; i++) {
            bar[i] = c;
        }
    }

    /** {@code H} for the head, {@code 0..9} then {@code a..z} for fragments. */
    static char symbol(int source) {
        if (source == CopyOp.HEAD) {
            return 'H';
        }
        return source < 10 ? (char) ('0' + source) : (char) ('a' + source - 10);
    }

    /** Each area cut at 4 KiB frame boundaries (an area of a compound page spans several frames). */
    static List<Piece> pieces(Skb skb) {
        List<Piece> out = new ArrayList<>();
        addPieces(out, CopyOp.HEAD, skb.headOffset(), skb.headLength());
        for (int k = 0; k < skb.fragCount(); k++) {
            addPieces(out, k, skb.fragOffset(k), skb.fragLength(k));
        }
        return out;
    }

    private static void addPieces(List<Piece> out, int source, int offset, int length) {
        if (length == 0) {
            out.add(new Piece(source, offset / Netif.PAGE_SIZE, offset % Netif.PAGE_SIZE, offset % Netif.PAGE_SIZE));
            return;
        }
        long end = (long) offset + length;
        for (long at = offset; at < end; ) {
            int frame = (int) (at / Netif.PAGE_SIZE);
            long frameEnd = Math.min(end, (frame + 1L) * Netif.PAGE_SIZE);
            out.add(new Piece(
                    source, frame, (int) (at % Netif.PAGE_SIZE), (int) (frameEnd - (long) frame * Netif.PAGE_SIZE)));
            at = frameEnd;
        }
    }

    // ---- SVG ------------------------------------------------------------------------------------

    /** A distinct fill colour per source area: golden-angle hues, as {@code #rrggbb}. */
    static String colour(int source) {
        double hue = ((source + 1) * 137.508) % 360.0;
        return hsl(hue, 0.60, 0.62);
    }

    private static String hsl(double h, double s, double l) {
        double c = (1 - Math.abs(2 * l - 1)) * s;
        double x = c * (1 - Math.abs((h / 60.0) % 2 - 1));
        double m = l - c / 2;
        double[] rgb = switch ((int) (h / 60)) {
            case 0 -> new double[] {c, x, 0};
            case 1 -> new double[] {x, c, 0};
            case 2 -> new double[] {0, c, x};
            case 3 -> new double[] {0, x, c};
            case 4 -> new double[] {x, 0, c};
            default -> new double[] {c, 0, x};
        };
        return String.format(
                Locale.ROOT,
                "#%02x%02x%02x",
                Math.round((rgb[0] + m) * 255),
                Math.round((rgb[1] + m) * 255),
                Math.round((rgb[2] + m) * 255));
    }

    static String svg(Skb skb, List<Column> columns) {
        List<Piece> pieces = pieces(skb);
        int policyLines = 0;
        for (Column c : columns) {
            int lines = 2
                    + (c.refusal() == null ? 0 : wrap("refused: " + c.refusal()).size());
            for (Finding f : c.findings()) {
                lines += wrap("finding: " + f.describe()).size();
            }
            int slots = c.plan() == null ? 0 : c.plan().slotCount();
            policyLines = Math.max(policyLines, lines * LINE + slots * ROW);
        }
        String title = "packet " + TraceWriter.toLine(skb) + " (" + skb.length() + " bytes)";
        List<Integer> sources = new ArrayList<>();
        for (Piece p : pieces) {
            if (!sources.contains(p.source())) {
                sources.add(p.source());
            }
        }
        int legendPerLine = Math.max(1, (LEFT + Math.max(1, columns.size()) * COLUMN - 2 * LEFT) / LEGEND_ITEM);
        int legendLines = (sources.size() + 1 + legendPerLine - 1) / legendPerLine;
        int legendTop = 44;
        int sourcesTop = legendTop + legendLines * LINE + 16;
        int policiesTop = sourcesTop + 24 + pieces.size() * ROW + 20;
        int width = Math.max(
                LEFT + Math.max(1, columns.size()) * COLUMN,
                2 * LEFT + (int) Math.ceil(title.length() * TITLE_CHAR_PX));
        int height = policiesTop + 24 + policyLines;
        SvgWriter w = new SvgWriter(width, height);
        w.text("title", "netback-rx layout of " + TraceWriter.toLine(skb));
        // an opaque background: the picture stays readable in a viewer with a dark theme
        w.empty("rect", "class", "background", "x", 0, "y", 0, "width", width, "height", height, "fill", "#ffffff");
        w.text("text", title, "x", LEFT, "y", 20, "font-size", 13, "class", "heading");
        w.text(
                "text",
                "1 px = " + BYTES_PER_PX + " bytes; a bar is one 4096-byte frame or guest buffer",
                "x",
                LEFT,
                "y",
                36,
                "class",
                "note");

        legend(w, sources, legendTop, legendPerLine);

        w.start("g", "class", "sources", "transform", "translate(" + LEFT + "," + sourcesTop + ")");
        w.text("text", "source areas and their 4 KiB frames", "x", 0, "y", 0, "class", "heading");
        int y = 12;
        for (Piece p : pieces) {
            String name = p.source() == CopyOp.HEAD ? "head" : "frag" + p.source();
            w.text(
                    "text",
                    name + ": frame " + p.frame() + ", bytes " + p.start() + ".." + p.end(),
                    "x",
                    0,
                    "y",
                    y + 10);
            rect(w, "frame", null, 0, y, PAGE_PX, "none", "#888888", null);
            rect(
                    w,
                    "area",
                    "area-" + name + "-frame" + p.frame(),
                    px(p.start()),
                    y,
                    Math.max(1.0, (p.end() - p.start()) / (double) BYTES_PER_PX),
                    colour(p.source()),
                    null,
                    name + " bytes " + p.start() + ".." + p.end() + " of frame " + p.frame());
            offsets(w, y, List.of(new Label(p.start(), false), new Label(p.end(), true)));
            y += ROW;
        }
        w.end();

        for (int i = 0; i < columns.size(); i++) {
            column(w, columns.get(i), LEFT + i * COLUMN, policiesTop);
        }
        return w.finish();
    }

    private static void column(SvgWriter w, Column c, int x, int top) {
        String id = c.policy().label();
        w.start("g", "class", "policy", "id", "policy-" + id, "transform", "translate(" + x + "," + top + ")");
        w.text("text", "policy " + id, "x", 0, "y", 0, "class", "heading");
        if (c.refusal() != null) {
            redLines(w, wrap("refused: " + c.refusal()), 4, "refusal");
            w.end();
            return;
        }
        RxPlan plan = c.plan();
        w.text(
                "text",
                "estimate " + plan.estimate() + ", " + plan.slotCount() + " slots, "
                        + plan.ops().size() + " copy ops",
                "x",
                0,
                "y",
                16);
        int y = 24;
        for (Finding f : c.findings()) {
            y = redLines(w, wrap("finding: " + f.describe()), y, "finding");
        }
        y += 8;
        List<CopyOp> ops = plan.ops();
        for (SlotResponse r : plan.slots()) {
            int s = r.slot();
            if (r instanceof ExtraResponse e) {
                w.text("text", "slot " + s + ": extra info", "x", 0, "y", y + 10);
                rect(w, "slot extra", id + "-slot-" + s, 0, y, PAGE_PX, "#dddddd", "#444444", null);
                String what = e.type() == Netif.EXTRA_TYPE_GSO
                        ? "GSO extra: size " + e.gsoSize() + " " + e.gsoType().label()
                        : "extra type " + e.type();
                w.text("text", what, "x", 6, "y", y + 25, "font-size", 10);
            } else {
                DataResponse d = (DataResponse) r;
                w.text(
                        "text",
                        "slot " + s + ": data, status " + d.status() + ", " + Netif.rxFlagNames(d.flags()),
                        "x",
                        0,
                        "y",
                        y + 10);
                rect(w, "slot data", id + "-slot-" + s, 0, y, PAGE_PX, "none", "#444444", null);
                List<Label> labels = new ArrayList<>();
                for (int i = 0; i < ops.size(); i++) {
                    CopyOp op = ops.get(i);
                    if (op.slot() == s) {
                        opRect(
                                w,
                                id,
                                i,
                                op,
                                y,
                                "copy " + i + ": " + op.sourceName() + " +" + op.sourceOffset()
                                        + " (frame " + op.sourceOffset() / Netif.PAGE_SIZE + ") -> slot " + s + " +"
                                        + op.destOffset() + ", " + op.length() + " bytes");
                        labels.add(new Label(op.destOffset(), false));
                    }
                }
                labels.add(new Label(d.offset() + d.status(), true));
                offsets(w, y, labels);
            }
            y += ROW;
        }
        // copy ops into no slot of the plan (a broken plan) are still drawn, below the slots
        for (int i = 0; i < ops.size(); i++) {
            CopyOp op = ops.get(i);
            if (op.slot() < 0 || op.slot() >= plan.slotCount()) {
                opRect(w, id, i, op, y, "copy " + i + " into slot " + op.slot() + ", outside the plan's slots");
            }
        }
        w.end();
    }

    /** A copy op's rectangle in its slot's bar, coloured by its source area. */
    private static void opRect(SvgWriter w, String policy, int index, CopyOp op, int y, String title) {
        rect(
                w,
                "op",
                policy + "-op-" + index,
                px(op.destOffset()),
                y,
                Math.max(1.0, op.length() / (double) BYTES_PER_PX),
                colour(op.source()),
                "#222222",
                title);
    }

    /**
     * A bar's rectangle, {@value #BAR_PX} px high, {@value #BAR_TOP} px below a row's top {@code
     * y}; {@code id}, {@code stroke} and {@code title} may be null (left out).
     */
    /** Width of one legend entry: a swatch and a name. */
    private static final int LEGEND_ITEM = 96;

    /** The legend: one swatch per source area in its colour, and the outline of a frame or buffer. */
    private static void legend(SvgWriter w, List<Integer> sources, int top, int perLine) {
        w.start("g", "class", "legend", "transform", "translate(" + LEFT + "," + top + ")");
        List<Integer> entries = new ArrayList<>(sources);
        entries.add(Integer.MIN_VALUE); // the outline
        for (int i = 0; i < entries.size(); i++) {
            int source = entries.get(i);
            int x = (i % perLine) * LEGEND_ITEM;
            int y = (i / perLine) * LINE;
            boolean outline = source == Integer.MIN_VALUE;
            w.empty(
                    "rect",
                    "class",
                    "swatch",
                    "x",
                    x,
                    "y",
                    y,
                    "width",
                    12,
                    "height",
                    10,
                    "fill",
                    outline ? "none" : colour(source),
                    "stroke",
                    "#888888",
                    "stroke-width",
                    0.5);
            String name = outline ? "frame, buffer" : source == CopyOp.HEAD ? "head" : "frag" + source;
            w.text("text", name, "x", x + 16, "y", y + 9, "class", "legend-label");
        }
        w.end();
    }

    private static void rect(
            SvgWriter w,
            String cls,
            String id,
            double x,
            int y,
            double width,
            String fill,
            String stroke,
            String title) {
        List<Object> a = new ArrayList<>(List.of("class", cls));
        if (id != null) {
            a.addAll(List.of("id", id));
        }
        a.addAll(List.of("x", x, "y", y + BAR_TOP, "width", width, "height", BAR_PX, "fill", fill));
        if (stroke != null) {
            a.addAll(List.of("stroke", stroke, "stroke-width", 0.5));
        }
        if (title == null) {
            w.empty("rect", a.toArray());
        } else {
            w.start("rect", a.toArray());
            w.text("title", title);
            w.end();
        }
    }

    /** A byte offset under a bar: starting at its position, or ending there. */
    record Label(int offset, boolean endAnchored) {
        double width() {
            return Integer.toString(offset).length() * OFFSET_CHAR_PX;
        }
    }

    /**
     * Writes the offsets under a bar in byte order, each on the first line where it overlaps no
     * label written before: an end offset ends at its position on the first line, or starts there on
     * the second; the same offset twice is written once.
     */
    private static void offsets(SvgWriter w, int y, List<Label> labels) {
        List<Label> sorted = new ArrayList<>(labels);
        sorted.sort(java.util.Comparator.comparingInt(Label::offset));
        double[] free = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        java.util.Set<Integer> written = new java.util.HashSet<>();
        for (Label l : sorted) {
            if (!written.add(l.offset())) {
                continue;
            }
            double x = px(l.offset());
            boolean end = l.endAnchored() && x - l.width() >= free[0];
            int line = end || x >= free[0] ? 0 : 1;
            double left = end ? x - l.width() : x;
            free[line] = Math.max(free[line], left + l.width() + LABEL_GAP_PX);
            List<Object> a = new ArrayList<>(List.of("x", x, "y", y + OFFSET_Y + line * LINE_OFFSETS));
            a.addAll(List.of("font-size", 9));
            if (end) {
                a.addAll(List.of("text-anchor", "end"));
            }
            a.addAll(List.of("class", "offset"));
            w.text("text", Integer.toString(l.offset()), a.toArray());
        }
    }

    /** Lines in red (a refusal, findings) from {@code y}; returns the {@code y} after them. */
    private static int redLines(SvgWriter w, List<String> lines, int y, String cls) {
        for (String line : lines) {
            w.text("text", line, "x", 0, "y", y + 10, "class", cls, "fill", "#b00000");
            y += LINE;
        }
        return y;
    }

    /** Cuts text at spaces into lines that fit a column. */
    static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > WRAP_CHARS) {
                lines.add(line.toString());
                line.setLength(0);
                line.append("  ");
            }
            if (line.length() > 0 && !line.toString().isBlank()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static double px(int bytes) {
        return bytes / (double) BYTES_PER_PX;
    }
}
