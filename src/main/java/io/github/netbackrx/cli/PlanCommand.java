package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.trace.PlanPrinter;
import io.github.netbackrx.trace.TracePacket;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;

/** {@code netback-rx plan}: prints how a policy lays each packet of a trace onto the RX ring. */
@Command(
        name = "plan",
        header = "Print how a packing policy lays each packet of a trace onto the guest's RX ring.",
        description = {
            "Reads packets in the trace format, one per line (for example 'head=0+54 frag=0+100 gso=1448"
                    + " csum=partial'), or takes them from a built-in workload (--workload) or a pcap/pcapng"
                    + " capture (--capture), and prints for each one the policy's slot estimate, the grant-copy"
                    + " operations and the ring responses in the canonical plan output (--format json and csv:"
                    + " docs/output-formats.md).",
            "",
            "The whole input is checked first: on bad input nothing is printed and each bad line, or"
                    + " packet the policy refuses, is reported on standard error as 'line N: reason' ('frame N' of a"
                    + " capture, 'packet I' of a workload). Every"
                    + " plan is checked against the model's invariants; a broken one is reported on standard"
                    + " error as 'packet I: NAME: details'. Both formats are described in"
                    + " docs/plan-format.md."
        },
        exitCodeList = {
            "0:every plan printed, no finding",
            "1:every plan printed, some plan broke an invariant",
            "2:bad usage, unreadable file, bad trace line or a packet the policy refuses",
            "3:internal error"
        })
final class PlanCommand extends CommandBase implements Callable<Integer> {

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "coalesce",
            converter = PolicyOption.Converter.class,
            completionCandidates = PolicyOption.Names.class,
            description = "packing policy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private PackingPolicy policy;

    @Mixin
    private PackerOptions packerOptions;

    @Mixin
    private PacketSource source;

    @Mixin
    private OutputFormat.Option format;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        source.validate(true);
        RxPacker packer = packerOptions.packer(policy);
        PlanBuffer buffer = new PlanBuffer();
        return source.run(
                main().stdin(),
                err,
                PacketSource.DEFAULT_WORKLOAD_PACKETS,
                p -> refusal(packer, p, buffer),
                (input, pass) -> {
                    try (Sink sink = sink(format.format(), spec.commandLine().getOut(), input.description())) {
                        return print(pass, packer, buffer, sink, err);
                    }
                });
    }

    /** Why the policy refuses a packet, or null when it plans it. */
    static String refusal(RxPacker packer, TracePacket p, PlanBuffer buffer) {
        try {
            packer.plan(p.skb(), buffer);
            return null;
        } catch (PolicyViolationException e) {
            return TracePlanner.refusal(packer.policy(), e);
        }
    }

    /** The second pass: plans, checks and prints every packet; findings also go to standard error. */
    private int print(PacketSource.Pass pass, RxPacker packer, PlanBuffer buffer, Sink sink, PrintWriter err)
            throws IOException {
        int index = 0;
        boolean anyFinding = false;
        while (pass.next()) {
            TracePacket p = pass.packet();
            packer.plan(p.skb(), buffer);
            List<Finding> findings = PlanChecker.check(p.skb(), buffer);
            sink.packet(index, buffer, findings);
            if (!findings.isEmpty()) {
                anyFinding = true;
                sink.flush();
                for (Finding f : findings) {
                    err.print(TracePlanner.finding(index, f) + "\n");
                }
                err.flush();
            }
            index++;
        }
        return anyFinding ? ExitStatus.FINDING : ExitStatus.OK;
    }

    private Sink sink(OutputFormat f, PrintWriter out, String source) {
        return switch (f) {
            case TEXT -> new TextSink(main().textOut(out));
            case JSON -> new JsonSink(out, policy, source);
            case CSV -> new CsvSink(out);
        };
    }

    /** Where the plans go, packet by packet: the canonical text, JSON or CSV. */
    private interface Sink extends AutoCloseable {
        void packet(int index, PlanBuffer plan, List<Finding> findings) throws IOException;

        /** Writes out what is buffered (before a finding goes to standard error). */
        void flush() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The canonical plan output of docs/plan-format.md, through {@link PlanPrinter}. */
    private static final class TextSink implements Sink {
        private final TextOut out;

        TextSink(TextOut out) {
            this.out = out;
        }

        @Override
        public void packet(int index, PlanBuffer plan, List<Finding> findings) {
            PlanPrinter.print(index, plan, out.text());
            out.written();
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    /** One JSON document: the run's settings, then each packet with its copies, responses and findings. */
    private static final class JsonSink implements Sink {
        private final JsonGenerator g;
        private long packets;
        private long slots;
        private long estimate;
        private long ops;
        private long findingCount;

        JsonSink(PrintWriter out, PackingPolicy policy, String source) {
            g = OutputFormat.json(out);
            g.writeStartObject();
            g.writeStringProperty("command", "plan");
            g.writeStringProperty("policy", policy.label());
            g.writeStringProperty("source", source);
            g.writeArrayPropertyStart("packets");
        }

        @Override
        public void packet(int index, PlanBuffer plan, List<Finding> findings) {
            g.writeStartObject();
            g.writeNumberProperty("index", index);
            g.writeNumberProperty("length", plan.packetLength());
            g.writeNumberProperty("estimate", plan.estimate());
            g.writeNumberProperty("slots", plan.slotCount());
            g.writeArrayPropertyStart("copies");
            for (int i = 0; i < plan.opCount(); i++) {
                g.writeStartObject();
                g.writeStringProperty("source", source(plan.opSource(i)));
                g.writeNumberProperty("sourceOffset", plan.opSourceOffset(i));
                g.writeNumberProperty("slot", plan.opSlot(i));
                g.writeNumberProperty("destOffset", plan.opDestOffset(i));
                g.writeNumberProperty("length", plan.opLength(i));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayPropertyStart("responses");
            for (int s = 0; s < plan.slotCount(); s++) {
                g.writeStartObject();
                g.writeStringProperty("kind", kind(plan, s));
                g.writeNumberProperty("slot", s);
                if (!plan.slotIsExtra(s)) {
                    g.writeNumberProperty("offset", plan.slotOffset(s));
                    g.writeNumberProperty("status", plan.slotStatus(s));
                    g.writeArrayPropertyStart("flags");
                    for (String flag : flagNames(plan.slotFlags(s))) {
                        g.writeString(flag);
                    }
                    g.writeEndArray();
                } else if (plan.slotExtraType(s) == Netif.EXTRA_TYPE_HASH) {
                    g.writeStringProperty("extra", "hash");
                    g.writeNumberProperty("hashValue", Integer.toUnsignedLong(plan.slotHashValue(s)));
                    g.writeStringProperty("hashType", plan.slotHashType(s).label());
                } else {
                    g.writeStringProperty("extra", "gso");
                    g.writeNumberProperty("gsoSize", plan.slotGsoSize(s));
                    g.writeStringProperty("gsoType", plan.slotGsoType(s).label());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayPropertyStart("findings");
            for (Finding f : findings) {
                g.writeStartObject();
                g.writeStringProperty("invariant", f.invariant().label());
                g.writeStringProperty("details", f.details());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            packets++;
            slots += plan.slotCount();
            estimate += plan.estimate();
            ops += plan.opCount();
            findingCount += findings.size();
        }

        @Override
        public void flush() {
            g.flush();
        }

        @Override
        public void close() {
            g.writeEndArray();
            g.writeObjectPropertyStart("total");
            g.writeNumberProperty("packets", packets);
            g.writeNumberProperty("slots", slots);
            g.writeNumberProperty("estimate", estimate);
            g.writeNumberProperty("copies", ops);
            g.writeNumberProperty("findings", findingCount);
            g.writeEndObject();
            g.writeEndObject();
            g.close();
        }
    }

    /** The CSV columns of {@code plan --format csv}, one row per line of the canonical text. */
    static final String[] CSV_HEADER = {
        "packet",
        "record",
        "length",
        "estimate",
        "slots",
        "source",
        "source_offset",
        "slot",
        "dest_offset",
        "offset",
        "status",
        "flags",
        "extra",
        "gso_size",
        "gso_type",
        "hash_value",
        "hash_type",
        "invariant",
        "details"
    };

    /** One row per line of the canonical text (packet, copy, rsp, prefix, extra) and per finding. */
    private static final class CsvSink implements Sink {
        private final CSVPrinter csv;
        private final Object[] row = new Object[CSV_HEADER.length];

        CsvSink(PrintWriter out) {
            csv = OutputFormat.csv(out, CSV_HEADER);
        }

        @Override
        public void packet(int index, PlanBuffer plan, List<Finding> findings) throws IOException {
            start(index, "packet");
            row[2] = plan.packetLength();
            row[3] = plan.estimate();
            row[4] = plan.slotCount();
            csv.printRecord(row);
            for (int i = 0; i < plan.opCount(); i++) {
                start(index, "copy");
                row[5] = source(plan.opSource(i));
                row[6] = plan.opSourceOffset(i);
                row[7] = plan.opSlot(i);
                row[8] = plan.opDestOffset(i);
                row[2] = plan.opLength(i);
                csv.printRecord(row);
            }
            for (int s = 0; s < plan.slotCount(); s++) {
                start(index, kind(plan, s));
                row[7] = s;
                if (!plan.slotIsExtra(s)) {
                    row[9] = plan.slotOffset(s);
                    row[10] = plan.slotStatus(s);
                    row[11] = Netif.rxFlagNames(plan.slotFlags(s));
                } else if (plan.slotExtraType(s) == Netif.EXTRA_TYPE_HASH) {
                    row[12] = "hash";
                    row[15] = Integer.toUnsignedLong(plan.slotHashValue(s));
                    row[16] = plan.slotHashType(s).label();
                } else {
                    row[12] = "gso";
                    row[13] = plan.slotGsoSize(s);
                    row[14] = plan.slotGsoType(s).label();
                }
                csv.printRecord(row);
            }
            for (Finding f : findings) {
                start(index, "finding");
                row[17] = f.invariant().label();
                row[18] = f.details();
                csv.printRecord(row);
            }
        }

        private void start(int index, String record) {
            java.util.Arrays.fill(row, null);
            row[0] = index;
            row[1] = record;
        }

        @Override
        public void flush() throws IOException {
            csv.flush();
        }

        @Override
        public void close() throws IOException {
            csv.close();
        }
    }

    /** {@code head} or {@code fragK}, as the text spells a copy's source. */
    static String source(int source) {
        return source < 0 ? "head" : "frag" + source;
    }

    /** {@code rsp}, {@code prefix} or {@code extra}, the text's first word for a slot. */
    static String kind(PlanBuffer plan, int s) {
        return plan.slotIsExtra(s) ? "extra" : plan.slotIsPrefix(s) ? "prefix" : "rsp";
    }

    /** The NETRXF names of a response's flags, none for {@code -}. */
    static List<String> flagNames(int flags) {
        String names = Netif.rxFlagNames(flags);
        return names.equals("-") ? List.of() : List.of(names.split(","));
    }
}
