package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netfront.NetfrontLimits;
import io.github.netbackrx.trace.TraceWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;

/** {@code netback-rx compare}: every packing policy side by side on each packet of a trace. */
@Command(
        name = "compare",
        header = "Compare how every packing policy lays each packet of a trace onto the guest's RX ring.",
        description = {
            "Plans every packet of the trace (or of --workload, or --capture, as for 'plan') under every policy and prints, per packet and in total, one"
                    + " row per policy: ring slots used and estimated, copy ops, the bytes of each data slot,"
                    + " the first data slot's bytes, whether Linux netfront accepts the layout (at most 18"
                    + " data slots, 19 when the first holds at most 256 bytes; every status >= 0 and offset +"
                    + " status <= 4096) and the invariants the plan breaks. A policy that refuses a packet"
                    + " says so in its row. docs/cli.md describes the output, docs/output-formats.md its json and csv"
                    + " forms."
        },
        exitCodeList = {
            "0:every packet compared, no finding",
            "1:every packet compared, some plan broke an invariant",
            "2:bad usage, unreadable file or bad trace line",
            "3:internal error"
        })
final class CompareCommand extends CommandBase implements Callable<Integer> {

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    private PackerOptions packerOptions;

    @Mixin
    private PacketSource source;

    @Mixin
    private OutputFormat.Option format;

    /** Running totals of one policy. */
    private static final class Totals {
        int packets;
        int refused;
        long slots;
        long estimate;
        long ops;
        long dataSlots;
        long bytes;
        int drops;
        int findings;

        /** Bytes per data slot over every planned packet, or null when there was none. */
        Long bytesPerSlot() {
            return dataSlots == 0 ? null : bytes / dataSlots;
        }
    }

    /** One policy's result for one packet: a plan's figures, or the policy's refusal. */
    record Row(
            PackingPolicy policy,
            String refusal,
            int slots,
            int estimate,
            int ops,
            int[] dataSlotBytes,
            String netfrontRejection,
            List<String> findings) {
        /** The data slots' bytes as the text spells them: {@code 166} or {@code 66,100}. */
        String bytesText() {
            StringBuilder b = new StringBuilder();
            for (int v : dataSlotBytes) {
                b.append(b.length() > 0 ? "," : "").append(v);
            }
            return b.toString();
        }

        int firstSlot() {
            return dataSlotBytes.length == 0 ? -1 : dataSlotBytes[0];
        }
    }

    @Override
    public Integer call() {
        source.validate(true);
        PackingPolicy[] policies = PackingPolicy.values();
        RxPacker[] packers = new RxPacker[policies.length];
        for (int p = 0; p < policies.length; p++) {
            packers[p] = packerOptions.comparisonPacker(policies[p]);
        }
        PrintWriter err = spec.commandLine().getErr();
        return source.run(main().stdin(), err, PacketSource.DEFAULT_WORKLOAD_PACKETS, p -> null, (input, pass) -> {
            try (Sink sink = sink(format.format(), spec.commandLine().getOut(), input.description())) {
                return compare(pass, packers, sink);
            }
        });
    }

    private static int compare(PacketSource.Pass pass, RxPacker[] packers, Sink sink) throws IOException {
        Totals[] totals = new Totals[packers.length];
        for (int p = 0; p < packers.length; p++) {
            totals[p] = new Totals();
        }
        PlanBuffer buffer = new PlanBuffer();
        Row[] rows = new Row[packers.length];
        int index = 0;
        while (pass.next()) {
            Skb skb = pass.packet().skb();
            for (int p = 0; p < packers.length; p++) {
                rows[p] = row(packers[p], skb, buffer, totals[p]);
            }
            sink.packet(index++, skb, rows);
        }
        boolean anyFinding = false;
        for (Totals t : totals) {
            anyFinding |= t.findings > 0;
        }
        sink.totals(index, packers, totals);
        return anyFinding ? ExitStatus.FINDING : ExitStatus.OK;
    }

    /** One policy's row for one packet, and its share of the totals. */
    private static Row row(RxPacker packer, Skb skb, PlanBuffer b, Totals t) {
        try {
            packer.plan(skb, b);
        } catch (PolicyViolationException e) {
            t.refused++;
            return new Row(packer.policy(), e.getMessage(), 0, 0, 0, new int[0], null, List.of());
        }
        List<Finding> findings = PlanChecker.check(skb, b);
        int data = 0;
        for (int s = 0; s < b.slotCount(); s++) {
            data += b.slotIsExtra(s) || b.slotIsPrefix(s) ? 0 : 1;
        }
        int[] bytes = new int[data];
        int d = 0;
        for (int s = 0; s < b.slotCount(); s++) {
            if (!b.slotIsExtra(s) && !b.slotIsPrefix(s)) {
                bytes[d++] = b.slotStatus(s);
                t.bytes += b.slotStatus(s);
            }
        }
        t.dataSlots += data;
        String rejection = NetfrontLimits.rejection(b);
        t.packets++;
        t.slots += b.slotCount();
        t.estimate += b.estimate();
        t.ops += b.opCount();
        t.findings += findings.size();
        if (rejection != null) {
            t.drops++;
        }
        List<String> names = new ArrayList<>();
        for (Finding f : findings) {
            if (!names.contains(f.invariant().label())) {
                names.add(f.invariant().label());
            }
        }
        return new Row(packer.policy(), null, b.slotCount(), b.estimate(), b.opCount(), bytes, rejection, names);
    }

    private Sink sink(OutputFormat f, PrintWriter out, String source) {
        return switch (f) {
            case TEXT -> new TextSink(main().textOut(out));
            case JSON -> new JsonSink(out, source);
            case CSV -> new CsvSink(out);
        };
    }

    /** Where the comparison goes: per packet its rows, then the totals. */
    private interface Sink extends AutoCloseable {
        void packet(int index, Skb skb, Row[] rows) throws IOException;

        void totals(int packets, RxPacker[] packers, Totals[] totals) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The width the text pads policy names to (the longest, {@code coalesce-compound}). */
    static final int NAME_WIDTH = 17;

    /** The text of docs/cli.md. */
    private static final class TextSink implements Sink {
        private final TextOut out;

        TextSink(TextOut out) {
            this.out = out;
        }

        @Override
        public void packet(int index, Skb skb, Row[] rows) {
            StringBuilder b = out.text();
            b.append("packet ")
                    .append(index)
                    .append(" len=")
                    .append(skb.length())
                    .append(": ");
            b.append(TraceWriter.toLine(skb)).append('\n');
            for (Row r : rows) {
                name(b, r.policy());
                if (r.refusal() != null) {
                    b.append("refused: ").append(r.refusal()).append('\n');
                    continue;
                }
                b.append("slots=").append(r.slots()).append(" estimate=").append(r.estimate());
                b.append(" ops=").append(r.ops()).append(" bytes/slot=").append(r.bytesText());
                b.append(" first-slot=").append(r.firstSlot());
                b.append(" netfront=").append(r.netfrontRejection() == null ? "accepts" : "drops");
                b.append(" findings=").append(r.findings().isEmpty() ? "-" : String.join(",", r.findings()));
                if (r.netfrontRejection() != null) {
                    b.append(" (").append(r.netfrontRejection()).append(')');
                }
                b.append('\n');
            }
            out.written();
        }

        /** {@code "  POLICY "} with the name padded to the longest policy name, as the text aligns it. */
        private static void name(StringBuilder b, PackingPolicy policy) {
            String label = policy.label();
            b.append("  ").append(label);
            for (int i = label.length(); i < NAME_WIDTH; i++) {
                b.append(' ');
            }
            b.append(' ');
        }

        @Override
        public void totals(int packets, RxPacker[] packers, Totals[] totals) {
            StringBuilder b = out.text();
            b.append("total packets=").append(packets).append('\n');
            for (int p = 0; p < packers.length; p++) {
                Totals t = totals[p];
                Long perSlot = t.bytesPerSlot();
                b.append(String.format(
                        Locale.ROOT,
                        "  %-17s planned=%d refused=%d slots=%d estimate=%d ops=%d bytes/slot=%s netfront-drops=%d"
                                + " findings=%d%n",
                        packers[p].policy().label(),
                        t.packets,
                        t.refused,
                        t.slots,
                        t.estimate,
                        t.ops,
                        perSlot == null ? "-" : perSlot.toString(),
                        t.drops,
                        t.findings));
            }
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    /** One JSON document: each packet with one object per policy, then the totals per policy. */
    private static final class JsonSink implements Sink {
        private final JsonGenerator g;

        JsonSink(PrintWriter out, String source) {
            g = OutputFormat.json(out);
            g.writeStartObject();
            g.writeStringProperty("command", "compare");
            g.writeStringProperty("source", source);
            g.writeArrayPropertyStart("packets");
        }

        @Override
        public void packet(int index, Skb skb, Row[] rows) {
            g.writeStartObject();
            g.writeNumberProperty("index", index);
            g.writeNumberProperty("length", skb.length());
            g.writeStringProperty("trace", TraceWriter.toLine(skb));
            g.writeArrayPropertyStart("policies");
            for (Row r : rows) {
                g.writeStartObject();
                g.writeStringProperty("policy", r.policy().label());
                g.writeBooleanProperty("refused", r.refusal() != null);
                if (r.refusal() != null) {
                    g.writeStringProperty("refusal", r.refusal());
                } else {
                    g.writeNumberProperty("slots", r.slots());
                    g.writeNumberProperty("estimate", r.estimate());
                    g.writeNumberProperty("ops", r.ops());
                    g.writeArrayPropertyStart("dataSlotBytes");
                    for (int v : r.dataSlotBytes()) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                    g.writeNumberProperty("firstSlot", r.firstSlot());
                    g.writeBooleanProperty("netfrontAccepts", r.netfrontRejection() == null);
                    g.writeStringProperty("netfrontReason", r.netfrontRejection());
                    g.writeArrayPropertyStart("findings");
                    for (String f : r.findings()) {
                        g.writeString(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }

        @Override
        public void totals(int packets, RxPacker[] packers, Totals[] totals) {
            g.writeEndArray();
            g.writeObjectPropertyStart("total");
            g.writeNumberProperty("packets", packets);
            g.writeArrayPropertyStart("policies");
            for (int p = 0; p < packers.length; p++) {
                Totals t = totals[p];
                g.writeStartObject();
                g.writeStringProperty("policy", packers[p].policy().label());
                g.writeNumberProperty("planned", t.packets);
                g.writeNumberProperty("refused", t.refused);
                g.writeNumberProperty("slots", t.slots);
                g.writeNumberProperty("estimate", t.estimate);
                g.writeNumberProperty("ops", t.ops);
                if (t.bytesPerSlot() == null) {
                    g.writeNullProperty("bytesPerSlot");
                } else {
                    g.writeNumberProperty("bytesPerSlot", t.bytesPerSlot());
                }
                g.writeNumberProperty("netfrontDrops", t.drops);
                g.writeNumberProperty("findings", t.findings);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }

        @Override
        public void close() {
            g.close();
        }
    }

    /** The CSV columns of {@code compare --format csv}: one row per packet and policy. */
    static final String[] CSV_HEADER = {
        "packet",
        "length",
        "trace",
        "policy",
        "refused",
        "slots",
        "estimate",
        "ops",
        "data_slot_bytes",
        "first_slot",
        "netfront",
        "netfront_reason",
        "findings",
        "refusal"
    };

    /** One row per packet and policy; no totals (they are sums over the rows). */
    private static final class CsvSink implements Sink {
        private final CSVPrinter csv;

        CsvSink(PrintWriter out) {
            csv = OutputFormat.csv(out, CSV_HEADER);
        }

        @Override
        public void packet(int index, Skb skb, Row[] rows) throws IOException {
            String trace = TraceWriter.toLine(skb);
            for (Row r : rows) {
                boolean refused = r.refusal() != null;
                csv.printRecord(
                        index,
                        skb.length(),
                        trace,
                        r.policy().label(),
                        refused,
                        refused ? null : r.slots(),
                        refused ? null : r.estimate(),
                        refused ? null : r.ops(),
                        refused ? null : r.bytesText(),
                        refused ? null : r.firstSlot(),
                        refused ? null : r.netfrontRejection() == null ? "accepts" : "drops",
                        r.netfrontRejection(),
                        refused ? null : String.join(",", r.findings()),
                        r.refusal());
            }
        }

        @Override
        public void totals(int packets, RxPacker[] packers, Totals[] totals) {}

        @Override
        public void close() throws IOException {
            csv.close();
        }
    }
}
