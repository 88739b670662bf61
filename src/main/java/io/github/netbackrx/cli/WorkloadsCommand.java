package io.github.netbackrx.cli;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.trace.TraceWriter;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;

/** {@code netback-rx workloads}: lists the built-in packet mixes, or prints packets of one as a trace. */
@Command(
        name = "workloads",
        header = "List the built-in workloads, or print packets of one as a trace.",
        description = {
            "Without NAME, lists the built-in seeded packet mixes with what each contains"
                    + " (docs/workloads.md says why each is realistic). With NAME, prints COUNT packets of"
                    + " that mix in the trace format, the same for the same seed, ready for 'netback-rx"
                    + " plan -'. The trace format has no token for a foreign page: foreign fragments of the"
                    + " mixed workload are printed as plain fragments."
        },
        exitCodeList = {"0:ok", "2:bad usage (an unknown workload, a negative count)", "3:internal error"})
final class WorkloadsCommand extends CommandBase implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "NAME",
            description =
                    "a workload: mtu, tcp-bulk, small-frags, imix, jumbo, mixed; synthetic: built-in, edges, crossing, random, engines")
    private String name;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "COUNT",
            defaultValue = "10",
            description = "packets to print (default: ${DEFAULT-VALUE})")
    private int count;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "1",
            description = "the seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Mixin
    private OutputFormat.Option format;

    /** The CSV columns of the list. */
    static final String[] LIST_HEADER = {"name", "summary"};

    /** The CSV columns of a workload's packets: one row per packet. */
    static final String[] PACKET_HEADER = {
        "index",
        "length",
        "trace",
        "head_offset",
        "head_length",
        "frags",
        "foreign_frags",
        "gso_size",
        "gso_type",
        "checksum"
    };

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null && format.format() != OutputFormat.TEXT) {
            list(out);
            return ExitStatus.OK;
        }
        if (name == null) {
            for (WorkloadMix m : WorkloadMix.values()) {
                out.print(String.format(Locale.ROOT, "%-12s %s%n", m.label(), m.summary()));
            }
            out.flush();
            return ExitStatus.OK;
        }
        Workload w;
        try {
            w = Workload.named(name, seed);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (count < 0) {
            return usage("Invalid value for option '--count': " + count + " is negative");
        }
        if (format.format() == OutputFormat.JSON) {
            json(out, w);
            return ExitStatus.OK;
        }
        if (format.format() == OutputFormat.CSV) {
            try (CSVPrinter csv = OutputFormat.csv(out, PACKET_HEADER)) {
                for (int i = 0; i < count; i++) {
                    Skb skb = w.next();
                    csv.printRecord(
                            i,
                            skb.length(),
                            TraceWriter.toLine(skb),
                            skb.headOffset(),
                            skb.headLength(),
                            skb.fragCount(),
                            foreign(skb),
                            skb.hasGso() ? skb.gsoSize() : null,
                            skb.hasGso() ? skb.gsoType().label() : null,
                            skb.checksum().label());
                }
            }
            return ExitStatus.OK;
        }
        out.print("# workload " + name + ", seed " + seed + ", " + count + " packets\n");
        for (int i = 0; i < count; i++) {
            Skb skb = w.next();
            out.print(TraceWriter.toLine(skb) + "\n");
        }
        out.flush();
        return ExitStatus.OK;
    }

    private void list(PrintWriter out) throws IOException {
        if (format.format() == OutputFormat.CSV) {
            try (CSVPrinter csv = OutputFormat.csv(out, LIST_HEADER)) {
                for (WorkloadMix m : WorkloadMix.values()) {
                    csv.printRecord(m.label(), m.summary());
                }
            }
            return;
        }
        try (JsonGenerator g = OutputFormat.json(out)) {
            g.writeStartObject();
            g.writeStringProperty("command", "workloads");
            g.writeArrayPropertyStart("workloads");
            for (WorkloadMix m : WorkloadMix.values()) {
                g.writeStartObject();
                g.writeStringProperty("name", m.label());
                g.writeStringProperty("summary", m.summary());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** The packets as one JSON document, streamed packet by packet. */
    private void json(PrintWriter out, Workload w) {
        try (JsonGenerator g = OutputFormat.json(out)) {
            g.writeStartObject();
            g.writeStringProperty("command", "workloads");
            g.writeStringProperty("workload", name);
            g.writeNumberProperty("seed", seed);
            g.writeArrayPropertyStart("packets");
            for (int i = 0; i < count; i++) {
                Skb skb = w.next();
                g.writeStartObject();
                g.writeNumberProperty("index", i);
                g.writeNumberProperty("length", skb.length());
                g.writeStringProperty("trace", TraceWriter.toLine(skb));
                g.writeNumberProperty("headOffset", skb.headOffset());
                g.writeNumberProperty("headLength", skb.headLength());
                g.writeArrayPropertyStart("frags");
                for (int k = 0; k < skb.fragCount(); k++) {
                    g.writeStartObject();
                    g.writeNumberProperty("offset", skb.fragOffset(k));
                    g.writeNumberProperty("length", skb.fragLength(k));
                    g.writeBooleanProperty("foreign", skb.fragForeign(k));
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (skb.hasGso()) {
                    g.writeNumberProperty("gsoSize", skb.gsoSize());
                    g.writeStringProperty("gsoType", skb.gsoType().label());
                } else {
                    g.writeNullProperty("gsoSize");
                    g.writeNullProperty("gsoType");
                }
                g.writeStringProperty("checksum", skb.checksum().label());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static int foreign(Skb skb) {
        int n = 0;
        for (int k = 0; k < skb.fragCount(); k++) {
            n += skb.fragForeign(k) ? 1 : 0;
        }
        return n;
    }

    private int usage(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.print(spec.qualifiedName() + ": " + message + "\n");
        err.print("Try '" + spec.qualifiedName() + " --help' for more information.\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }
}
