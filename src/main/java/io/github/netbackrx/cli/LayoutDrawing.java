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
    private static final int ROW = 44;
    private static final int LEFT = 16;

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
        int policyRows = 0;
        for (Column c : columns) {
            int rows = 2
                    + c.findings().size() / 2
                    + (c.plan() == null ? 0 : c.plan().slotCount());
            policyRows = Math.max(policyRows, rows);
        }
        int sourcesTop = 50;
        int policiesTop = sourcesTop + 24 + pieces.size() * ROW + 20;
        int width = LEFT + Math.max(1, columns.size()) * COLUMN;
        int height = policiesTop + 40 + policyRows * ROW;
        SvgWriter w = new SvgWriter(width, height);
        w.text("title", "netback-rx layout of " + TraceWriter.toLine(skb));
        w.text(
                "text",
                "packet " + TraceWriter.toLine(skb) + " (" + skb.length() + " bytes)",
                "x",
                LEFT,
                "y",
                20,
                "font-size",
                13,
                "class",
                "heading");
        w.text(
                "text",
                "1 px = " + BYTES_PER_PX + " bytes; a bar is one 4096-byte frame or guest buffer",
                "x",
                LEFT,
                "y",
                36,
                "class",
                "note");

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
            w.empty(
                    "rect", "class", "frame", "x", 0, "y", y + 14, "width", PAGE_PX, "height", 14, "fill", "none",
                    "stroke", "#888888");
            w.start(
                    "rect",
                    "class",
                    "area",
                    "id",
                    "area-" + name + "-frame" + p.frame(),
                    "x",
                    px(p.start()),
                    "y",
                    y + 14,
                    "width",
                    Math.max(1.0, (p.end() - p.start()) / (double) BYTES_PER_PX),
                    "height",
                    14,
                    "fill",
                    colour(p.source()));
            w.text("title", name + " bytes " + p.start() + ".." + p.end() + " of frame " + p.frame());
            w.end();
            w.text(
                    "text",
                    Integer.toString(p.start()),
                    "x",
                    px(p.start()),
                    "y",
                    y + 40,
                    "font-size",
                    9,
                    "class",
                    "offset");
            w.text(
                    "text",
                    Integer.toString(p.end()),
                    "x",
                    px(p.end()),
                    "y",
                    y + 40,
                    "font-size",
                    9,
                    "text-anchor",
                    "end",
                    "class",
                    "offset");
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
        if (c.refusal() != null) {
            w.text("text", "policy " + id, "x", 0, "y", 0, "class", "heading");
            w.text("text", "refused: " + c.refusal(), "x", 0, "y", 16, "class", "refusal", "fill", "#b00000");
            w.end();
            return;
        }
        RxPlan plan = c.plan();
        w.text("text", "policy " + id, "x", 0, "y", 0, "class", "heading");
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
            w.text("text", "finding: " + f.describe(), "x", 0, "y", y + 10, "class", "finding", "fill", "#b00000");
            y += 16;
        }
        y += 8;
        List<CopyOp> ops = plan.ops();
        for (SlotResponse r : plan.slots()) {
            int s = r.slot();
            if (r instanceof ExtraResponse e) {
                w.text("text", "slot " + s + ": extra info", "x", 0, "y", y + 10);
                w.empty(
                        "rect",
                        "class",
                        "slot extra",
                        "id",
                        id + "-slot-" + s,
                        "x",
                        0,
                        "y",
                        y + 14,
                        "width",
                        PAGE_PX,
                        "height",
                        14,
                        "fill",
                        "#dddddd",
                        "stroke",
                        "#444444");
                w.text(
                        "text",
                        e.type() == Netif.EXTRA_TYPE_GSO
                                ? "GSO extra: size " + e.gsoSize() + " "
                                        + e.gsoType().label()
                                : "extra type " + e.type(),
                        "x",
                        6,
                        "y",
                        y + 25,
                        "font-size",
                        10);
            } else {
                DataResponse d = (DataResponse) r;
                w.text(
                        "text",
                        "slot " + s + ": data, status " + d.status() + ", " + Netif.rxFlagNames(d.flags()),
                        "x",
                        0,
                        "y",
                        y + 10);
                w.empty(
                        "rect",
                        "class",
                        "slot data",
                        "id",
                        id + "-slot-" + s,
                        "x",
                        0,
                        "y",
                        y + 14,
                        "width",
                        PAGE_PX,
                        "height",
                        14,
                        "fill",
                        "none",
                        "stroke",
                        "#444444");
                for (int i = 0; i < ops.size(); i++) {
                    CopyOp op = ops.get(i);
                    if (op.slot() != s) {
                        continue;
                    }
                    w.start(
                            "rect",
                            "class",
                            "op",
                            "id",
                            id + "-op-" + i,
                            "x",
                            px(op.destOffset()),
                            "y",
                            y + 14,
                            "width",
                            Math.max(1.0, op.length() / (double) BYTES_PER_PX),
                            "height",
                            14,
                            "fill",
                            colour(op.source()),
                            "stroke",
                            "#222222",
                            "stroke-width",
                            0.5);
                    w.text(
                            "title",
                            "copy " + i + ": " + op.sourceName() + " +" + op.sourceOffset() + " (frame "
                                    + op.sourceOffset() / Netif.PAGE_SIZE + ") -> slot " + s + " +" + op.destOffset()
                                    + ", "
                                    + op.length() + " bytes");
                    w.end();
                    w.text(
                            "text",
                            Integer.toString(op.destOffset()),
                            "x",
                            px(op.destOffset()),
                            "y",
                            y + 40,
                            "font-size",
                            9,
                            "class",
                            "offset");
                }
                w.text(
                        "text",
                        Integer.toString(d.status()),
                        "x",
                        PAGE_PX,
                        "y",
                        y + 40,
                        "font-size",
                        9,
                        "text-anchor",
                        "end",
                        "class",
                        "offset");
            }
            y += ROW;
        }
        // copy ops into no slot of the plan (a broken plan) are still drawn, below the slots
        for (int i = 0; i < ops.size(); i++) {
            CopyOp op = ops.get(i);
            if (op.slot() < 0 || op.slot() >= plan.slotCount()) {
                w.start(
                        "rect",
                        "class",
                        "op",
                        "id",
                        id + "-op-" + i,
                        "x",
                        px(op.destOffset()),
                        "y",
                        y + 14,
                        "width",
                        Math.max(1.0, op.length() / (double) BYTES_PER_PX),
                        "height",
                        14,
                        "fill",
                        colour(op.source()));
                w.text("title", "copy " + i + " into slot " + op.slot() + ", outside the plan's slots");
                w.end();
            }
        }
        w.end();
    }

    private static double px(int bytes) {
        return bytes / (double) BYTES_PER_PX;
    }
}
