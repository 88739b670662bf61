package io.github.netbackrx.cli;

import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.LatencyHistogram;
import io.github.netbackrx.sim.TimedReport;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;

/**
 * {@code netback-rx sweep}: timed runs at several offered loads for each generation, as a table, a
 * CSV file and an SVG chart of latency and throughput against load.
 */
@Command(
        name = "sweep",
        header = "Offer loads to each generation in simulated time; chart latency and throughput against load.",
        description = {
            "For each engine (--profiles) and each offered load (--rates, packets per second), runs --packets packets"
                    + " of --workload through a timed host (docs/timing.md: one guest, the default cost model, Poisson"
                    + " arrivals seeded by --seed, payload-free) and prints the throughput, the latency percentiles"
                    + " (arrival to delivery), the drops and the backend context's utilisation. --csv writes the same"
                    + " rows, --svg a chart: p99 latency (log scale) and throughput against the offered load, a line"
                    + " per generation."
        },
        exitCodeList = {"0:done", "2:bad usage or a file that cannot be written", "3:internal error"})
final class SweepCommand extends CommandBase implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--rates",
            paramLabel = "PPS",
            split = ",",
            required = true,
            description = "the offered loads in packets per second, comma-separated (e.g. 100000,400000,800000)")
    private List<Double> rates;

    @Option(
            names = "--profiles",
            paramLabel = "LIST",
            split = ",",
            description = "the engines, comma-separated: 2010, 3.13, 3.14, rx.c, freebsd (default: all)")
    private List<String> profiles;

    @Option(
            names = "--workload",
            paramLabel = "NAME",
            defaultValue = "mtu",
            completionCandidates = PacketSource.WorkloadNames.class,
            description = "the packets: a workload (default: ${DEFAULT-VALUE})")
    private String workload;

    @Option(
            names = "--packets",
            paramLabel = "N",
            defaultValue = "20000",
            description = "packets per run (default: ${DEFAULT-VALUE})")
    private int packets;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "seed of the workload and the arrivals (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--csv", paramLabel = "FILE", description = "write the rows to FILE as CSV")
    private Path csvFile;

    @Option(names = "--svg", paramLabel = "FILE", description = "draw latency and throughput against load to FILE")
    private Path svgFile;

    @Mixin
    private OutputFormat.Option format;

    /** One run's figures. */
    record Row(
            EngineProfile profile,
            double offered,
            double throughput,
            long p50,
            long p90,
            long p99,
            long max,
            long sent,
            long delivered,
            long dropped,
            double utilisation) {}

    @Override
    public Integer call() throws IOException {
        List<EngineProfile> engines = engines();
        if (packets < 1 || packets > 100_000_000) {
            throw usage("--packets " + packets + ": must be 1..100000000");
        }
        for (double r : rates) {
            if (!(r > 0 && r <= 1e9)) {
                throw usage("--rates: " + r + " must be above 0 and at most 10^9 packets per second");
            }
        }
        WorkloadMix mix;
        try {
            mix = WorkloadMix.fromLabel(workload);
        } catch (IllegalArgumentException e) {
            throw usage("--workload: " + e.getMessage());
        }
        List<Row> rows = new ArrayList<>();
        for (EngineProfile p : engines) {
            for (double rate : rates) {
                rows.add(run(p, mix, rate));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (csvFile != null) {
            try (Writer w = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8)) {
                printCsv(rows, w);
            } catch (IOException | InvalidPathException e) {
                return cannotWrite(err, csvFile, e);
            }
        }
        if (svgFile != null) {
            try {
                Files.writeString(svgFile, chart(rows, mix.label()), StandardCharsets.UTF_8);
            } catch (IOException | InvalidPathException e) {
                return cannotWrite(err, svgFile, e);
            }
        }
        switch (format.format()) {
            case JSON -> printJson(rows, mix.label(), out);
            case CSV -> printCsv(rows, out);
            default -> printText(rows, mix.label(), out);
        }
        out.flush();
        return ExitStatus.OK;
    }

    private int cannotWrite(PrintWriter err, Path file, Exception e) {
        String why = e instanceof IOException io ? PacketSource.plainReason(io) : "not a valid file name";
        err.print(spec.qualifiedName() + ": cannot write '" + file + "': " + why + "\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }

    private List<EngineProfile> engines() {
        if (profiles == null || profiles.isEmpty()) {
            return List.of(EngineProfile.values());
        }
        List<EngineProfile> list = new ArrayList<>();
        for (String s : profiles) {
            try {
                EngineProfile p = EngineProfile.fromLabel(s.trim());
                if (!list.contains(p)) {
                    list.add(p);
                }
            } catch (IllegalArgumentException e) {
                throw usage("--profiles: " + e.getMessage());
            }
        }
        return list;
    }

    private Row run(EngineProfile profile, WorkloadMix mix, double rate) {
        Simulator.Options o = new Simulator.Options(profile, null, 1, 0, 1, seed, packets, 0, 0, null);
        Simulator.Timing timing = new Simulator.Timing(rate, false, null, true, 0, 0, null);
        Simulator.Result r = Simulator.runTimed(o, timing, g -> Simulator.Feed.of(Workload.of(mix, seed)), mix.label());
        TimedReport t = r.timed();
        LatencyHistogram l = t.latency();
        return new Row(
                profile,
                rate,
                t.throughputPps(),
                l.percentile(50),
                l.percentile(90),
                l.percentile(99),
                l.max(),
                t.arrived(),
                t.delivered(),
                t.dropped() + t.rejected() + t.errored(),
                t.utilisation().get(0));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static final String[] COLUMNS = {
        "profile",
        "offered_pps",
        "throughput_pps",
        "latency_p50_ns",
        "latency_p90_ns",
        "latency_p99_ns",
        "latency_max_ns",
        "sent",
        "delivered",
        "dropped",
        "utilisation"
    };

    private static void printCsv(List<Row> rows, Writer w) throws IOException {
        try (CSVPrinter csv = OutputFormat.csv(w, COLUMNS)) {
            for (Row r : rows) {
                csv.printRecord(
                        r.profile().label(),
                        fmt("%.1f", r.offered()),
                        fmt("%.1f", r.throughput()),
                        r.p50(),
                        r.p90(),
                        r.p99(),
                        r.max(),
                        r.sent(),
                        r.delivered(),
                        r.dropped(),
                        fmt("%.4f", r.utilisation()));
            }
        }
        w.flush();
    }

    private static void printJson(List<Row> rows, String workload, PrintWriter out) {
        try (JsonGenerator j = OutputFormat.json(out)) {
            j.writeStartObject();
            j.writeStringProperty("command", "sweep");
            j.writeStringProperty("workload", workload);
            j.writeName("runs");
            j.writeStartArray();
            for (Row r : rows) {
                j.writeStartObject();
                j.writeStringProperty("profile", r.profile().label());
                j.writeNumberProperty("offered_pps", r.offered());
                j.writeNumberProperty("throughput_pps", Math.round(r.throughput() * 10) / 10.0);
                j.writeName("latency_ns");
                j.writeStartObject();
                j.writeNumberProperty("p50", r.p50());
                j.writeNumberProperty("p90", r.p90());
                j.writeNumberProperty("p99", r.p99());
                j.writeNumberProperty("max", r.max());
                j.writeEndObject();
                j.writeNumberProperty("sent", r.sent());
                j.writeNumberProperty("delivered", r.delivered());
                j.writeNumberProperty("dropped", r.dropped());
                j.writeNumberProperty("utilisation", Math.round(r.utilisation() * 10_000) / 10_000.0);
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        out.print("\n");
    }

    private void printText(List<Row> rows, String workload, PrintWriter out) {
        out.print("netback-rx sweep: " + packets + " packets of workload " + workload + " per run, seed " + seed
                + ", Poisson arrivals, default cost model\n\n");
        out.print(fmt(
                "%-8s %12s %12s %10s %10s %10s %8s %6s%n",
                "engine", "offered/s", "delivered/s", "p50 us", "p99 us", "max us", "dropped", "busy"));
        for (Row r : rows) {
            out.print(fmt(
                    "%-8s %12.0f %12.0f %10.2f %10.2f %10.2f %8d %5.1f%%%n",
                    r.profile().label(),
                    r.offered(),
                    r.throughput(),
                    r.p50() / 1e3,
                    r.p99() / 1e3,
                    r.max() / 1e3,
                    r.dropped(),
                    100 * r.utilisation()));
        }
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

    /** Two panels: p99 latency (log scale) and throughput against the offered load, a line per engine. */
    static String chart(List<Row> rows, String workload) {
        int pw = 380;
        int ph = 260;
        int left = 70;
        int top = 50;
        int gap = 90;
        SvgWriter svg = new SvgWriter(left + 2 * pw + gap + 30, top + ph + 90);
        double maxX = rows.stream().mapToDouble(Row::offered).max().orElse(1);
        double maxT =
                Math.max(maxX, rows.stream().mapToDouble(Row::throughput).max().orElse(1));
        double minL = Math.max(
                1, rows.stream().mapToLong(Row::p99).filter(v -> v > 0).min().orElse(1));
        double maxL =
                Math.max(minL * 10, rows.stream().mapToLong(Row::p99).max().orElse(10));
        double lo = Math.floor(Math.log10(minL));
        double hi = Math.ceil(Math.log10(maxL));
        svg.text(
                "text",
                "netback-rx sweep: workload " + workload + ", one guest, Poisson arrivals, default cost model",
                "x",
                left,
                "y",
                20,
                "font-size",
                13);
        List<EngineProfile> engines = rows.stream().map(Row::profile).distinct().toList();
        for (int panel = 0; panel < 2; panel++) {
            int x0 = left + panel * (pw + gap);
            svg.start("g");
            svg.empty("rect", "x", x0, "y", top, "width", pw, "height", ph, "fill", "none", "stroke", "#888");
            svg.text(
                    "text",
                    panel == 0 ? "p99 latency (us, log scale)" : "delivered (packets/s)",
                    "x",
                    x0,
                    "y",
                    top - 8);
            svg.text("text", "offered load (packets/s)", "x", x0 + pw / 2 - 70, "y", top + ph + 35);
            for (int k = 0; k <= 4; k++) {
                double v = maxX * k / 4;
                double x = x0 + pw * v / maxX;
                svg.text("text", fmt("%.0f", v), "x", x - 15, "y", top + ph + 15, "font-size", 9);
            }
            if (panel == 0) {
                for (double e = lo; e <= hi; e++) {
                    double y = top + ph - ph * (e - lo) / (hi - lo);
                    svg.empty("line", "x1", x0, "x2", x0 + pw, "y1", y, "y2", y, "stroke", "#eee");
                    svg.text("text", fmt("%.0f", Math.pow(10, e) / 1e3), "x", x0 - 50, "y", y + 4, "font-size", 9);
                }
            } else {
                for (int k = 0; k <= 4; k++) {
                    double v = maxT * k / 4;
                    double y = top + ph - ph * v / maxT;
                    svg.empty("line", "x1", x0, "x2", x0 + pw, "y1", y, "y2", y, "stroke", "#eee");
                    svg.text("text", fmt("%.0f", v), "x", x0 - 65, "y", y + 4, "font-size", 9);
                }
            }
            for (int i = 0; i < engines.size(); i++) {
                EngineProfile p = engines.get(i);
                StringBuilder pts = new StringBuilder();
                for (Row r : rows) {
                    if (r.profile() != p) {
                        continue;
                    }
                    double x = x0 + pw * r.offered() / maxX;
                    double y = panel == 0
                            ? top + ph - ph * (Math.log10(Math.max(1, r.p99())) - lo) / (hi - lo)
                            : top + ph - ph * r.throughput() / maxT;
                    pts.append(fmt("%.1f,%.1f ", x, y));
                    svg.empty("circle", "cx", fmt("%.1f", x), "cy", fmt("%.1f", y), "r", 2.5, "fill", colour(i));
                }
                svg.empty(
                        "polyline",
                        "points",
                        pts.toString().trim(),
                        "fill",
                        "none",
                        "stroke",
                        colour(i),
                        "stroke-width",
                        1.5);
            }
            svg.end();
        }
        for (int i = 0; i < engines.size(); i++) {
            int x = left + i * 110;
            int y = top + ph + 60;
            svg.empty("rect", "x", x, "y", y - 9, "width", 12, "height", 10, "fill", colour(i));
            svg.text("text", engines.get(i).label(), "x", x + 16, "y", y);
        }
        return svg.finish();
    }

    private static String colour(int i) {
        return COLOURS[i % COLOURS.length];
    }
}
