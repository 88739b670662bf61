package io.github.netbackrx.cli;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.CostCalibration;
import io.github.netbackrx.sim.CostCalibration.Measurement;
import io.github.netbackrx.sim.CostCalibration.Quantity;
import io.github.netbackrx.sim.CostCalibration.Residual;
import io.github.netbackrx.sim.CostCalibration.Result;
import io.github.netbackrx.sim.CostModel.Parameter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;

/**
 * {@code netback-rx calibrate POINTS.csv}: fits the cost model ({@link CostCalibration}) to measured
 * throughput and latency per packet size and prints the fitted costs and the fit error.
 */
@Command(
        name = "calibrate",
        header = "Fit the cost model to measured throughput and latency per packet size.",
        description = {
            "POINTS is a CSV file (or - for standard input) of rows 'size,throughput[,latency_ns]': the packet"
                    + " size in bytes, the maximum throughput measured at that size (packets per second, or"
                    + " bits per second with --unit bps; empty when only the latency was measured) and"
                    + " optionally the latency of one packet alone in nanoseconds. A first row starting with"
                    + " 'size' is a header; lines starting with # are comments. Prints each cost with its value"
                    + " and standard error (or why it kept its default), the fit error and every point's"
                    + " residual (--format csv: the costs only). docs/timing.md explains the model and the fit."
        },
        exitCodeList = {
            "0:ok",
            "2:bad usage or bad input (an unreadable file, a bad row as 'line N: reason', too few points)",
            "3:internal error"
        })
final class CalibrateCommand extends CommandBase implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POINTS", description = "the measurements, CSV; - reads standard input")
    private String file;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "rx.c",
            converter = ProfileOption.Converter.class,
            completionCandidates = ProfileOption.Names.class,
            description = "the backend's generation, whose batching the counts follow: ${COMPLETION-CANDIDATES}"
                    + " (default: ${DEFAULT-VALUE})")
    private EngineProfile profile;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            converter = PolicyOption.Converter.class,
            completionCandidates = PolicyOption.Names.class,
            description = "packing policy: ${COMPLETION-CANDIDATES} (default: the profile's own)")
    private PackingPolicy policy;

    @Option(
            names = "--batch",
            paramLabel = "N",
            description = "at most N packets per backend action (default: as many as the generation takes)")
    private Integer batch;

    @Option(
            names = "--unit",
            paramLabel = "UNIT",
            defaultValue = "pps",
            description = "the throughput column's unit: pps (packets per second) or bps (bits per second of whole"
                    + " packets) (default: ${DEFAULT-VALUE})")
    private String unit;

    @Option(
            names = "--fit",
            paramLabel = "NAME",
            split = ",",
            description = "fit exactly these costs (e.g. perByte,perCopyOp; default: what the data determine)")
    private List<String> fit;

    @Mixin
    private OutputFormat.Option format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!unit.equals("pps") && !unit.equals("bps")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for option '--unit': '" + unit + "' (valid: pps, bps)");
        }
        if (batch != null && batch < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for option '--batch': " + batch + " is less than 1");
        }
        CostCalibration.Builder b = CostCalibration.builder().profile(profile);
        if (policy != null) {
            b.policy(policy);
        }
        if (batch != null) {
            b.packetsPerAction(batch);
        }
        if (fit != null) {
            List<Parameter> ps = new ArrayList<>();
            for (String name : fit) {
                try {
                    ps.add(Parameter.fromLabel(name));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "Invalid value for option '--fit': " + e.getMessage());
                }
            }
            b.fit(ps.toArray(new Parameter[0]));
        }
        CostCalibration calibration = b.build();

        List<Measurement> points;
        try (Reader in = open()) {
            points = read(in);
        } catch (NoSuchFileException e) {
            return fail("cannot read " + describe() + ": no such file");
        } catch (CharacterCodingException e) {
            return fail("cannot read " + describe() + ": not UTF-8 text");
        } catch (IOException | InvalidPathException | UncheckedIOException e) {
            return fail("cannot read " + describe() + ": " + e.getMessage());
        } catch (BadRow e) {
            return fail(e.getMessage());
        }
        Result r;
        try {
            r = calibration.fit(points);
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        switch (format.format()) {
            case JSON -> printJson(out, calibration, points, r);
            case CSV -> printCsv(out, r);
            default -> printText(out, calibration, points, r);
        }
        out.flush();
        return ExitStatus.OK;
    }

    private Reader open() throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(main().stdin(), StandardCharsets.UTF_8.newDecoder()));
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    private String describe() {
        return file.equals("-") ? "standard input" : "'" + file + "'";
    }

    private int fail(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.print(spec.qualifiedName() + ": " + message + "\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }

    /** A row that is not a measurement: {@code line N: reason}. */
    private static final class BadRow extends Exception {
        private static final long serialVersionUID = 1L;

        BadRow(long line, String reason) {
            super("line " + line + ": " + reason);
        }
    }

    /** The rows of the file, each a measurement; the first bad row ends the reading. */
    private List<Measurement> read(Reader in) throws IOException, BadRow {
        CSVFormat csv = CSVFormat.DEFAULT
                .builder()
                .setCommentMarker('#')
                .setIgnoreEmptyLines(true)
                .setTrim(true)
                .get();
        List<Measurement> points = new ArrayList<>();
        boolean first = true;
        CSVParser parser = csv.parse(in);
        for (CSVRecord row : parser) {
            long line = parser.getCurrentLineNumber();
            boolean header = first && row.get(0).toLowerCase(Locale.ROOT).equals("size");
            first = false;
            if (header) {
                continue;
            }
            if (points.size() == CostCalibration.MAX_MEASUREMENTS) {
                throw new BadRow(
                        line,
                        "more than " + CostCalibration.MAX_MEASUREMENTS
                                + " measurements (the most a calibration takes)");
            }
            if (row.size() < 2 || row.size() > 3) {
                throw new BadRow(
                        line,
                        "expected size,throughput[,latency_ns], got " + row.size() + " field"
                                + (row.size() == 1 ? "" : "s"));
            }
            int size;
            try {
                size = Integer.parseInt(row.get(0));
            } catch (NumberFormatException e) {
                throw new BadRow(line, "packet size '" + row.get(0) + "' is not a whole number of bytes");
            }
            String tp = row.get(1);
            String lat = row.size() == 3 ? row.get(2) : "";
            try {
                if (tp.isEmpty() && lat.isEmpty()) {
                    throw new BadRow(line, "neither a throughput nor a latency");
                } else if (lat.isEmpty()) {
                    points.add(throughput(size, number(line, "throughput", tp)));
                } else if (tp.isEmpty()) {
                    points.add(Measurement.latency(size, number(line, "latency", lat)));
                } else {
                    double pps =
                            throughput(size, number(line, "throughput", tp)).packetsPerSecond();
                    points.add(Measurement.of(size, pps, number(line, "latency", lat)));
                }
            } catch (IllegalArgumentException e) {
                throw new BadRow(line, e.getMessage());
            }
        }
        return points;
    }

    private Measurement throughput(int size, double value) {
        return unit.equals("bps") ? Measurement.bitsPerSecond(size, value) : Measurement.packetsPerSecond(size, value);
    }

    private static double number(long line, String what, String text) throws BadRow {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadRow(line, what + " '" + text + "' is not a number");
        }
    }

    private static String sizes(List<Measurement> points) {
        Set<Integer> s = new HashSet<>();
        for (Measurement m : points) {
            s.add(m.packetSize());
        }
        return s.size() + " packet sizes";
    }

    private void printText(PrintWriter out, CostCalibration c, List<Measurement> points, Result r) {
        out.print("# calibration: profile " + c.profile().label() + ", policy "
                + c.policy().label() + ", "
                + (c.packetsPerAction() == 0
                        ? "saturated batches"
                        : "at most " + c.packetsPerAction() + " packets per action")
                + "; " + r.residuals().size() + " measured values at " + sizes(points) + "\n");
        out.print(String.format(Locale.ROOT, "%-20s %12s %12s  %s%n", "cost", "value (ns)", "std error", "source"));
        for (Parameter p : Parameter.values()) {
            double v = r.model().get(p);
            if (r.fitted().contains(p)) {
                double se = r.standardErrors().get(p);
                out.print(String.format(
                        Locale.ROOT,
                        "%-20s %12s %12s  fitted%s%n",
                        p.label(),
                        number(v),
                        Double.isNaN(se) ? "-" : number(se),
                        r.atZero().contains(p) ? " (held at 0: the data would make it negative)" : ""));
            } else {
                out.print(String.format(
                        Locale.ROOT,
                        "%-20s %12s %12s  prior: %s%n",
                        p.label(),
                        number(v),
                        "-",
                        r.notFitted().get(p)));
            }
        }
        out.print(String.format(
                Locale.ROOT,
                "fit: RMS relative error %s, largest %s, %d degree%s of freedom%s%n",
                percent(r.rmsRelativeError()),
                percent(r.maxRelativeError()),
                r.degreesOfFreedom(),
                r.degreesOfFreedom() == 1 ? "" : "s",
                r.degreesOfFreedom() == 0 ? " (an exact fit: its error says nothing about the model)" : ""));
        out.print("\n");
        out.print(String.format(
                Locale.ROOT, "%7s  %-10s %14s %14s %8s%n", "size", "quantity", "measured", "model", "error"));
        for (Residual res : r.residuals()) {
            String unitName = res.quantity() == Quantity.THROUGHPUT ? " pps" : " ns";
            out.print(String.format(
                    Locale.ROOT,
                    "%7d  %-10s %14s %14s %8s%n",
                    res.point().packetSize(),
                    res.quantity().name().toLowerCase(Locale.ROOT),
                    round(res.measured()) + unitName,
                    round(res.predicted()) + unitName,
                    signedPercent(res.relativeError())));
        }
    }

    private void printJson(PrintWriter out, CostCalibration c, List<Measurement> points, Result r) {
        try (JsonGenerator g = OutputFormat.json(out)) {
            g.writeStartObject();
            g.writeStringProperty("profile", c.profile().label());
            g.writeStringProperty("policy", c.policy().label());
            if (c.packetsPerAction() == 0) {
                g.writeNullProperty("packets_per_action");
            } else {
                g.writeNumberProperty("packets_per_action", c.packetsPerAction());
            }
            g.writeNumberProperty("measured_values", r.residuals().size());
            g.writeNumberProperty("points", points.size());
            g.writeName("costs");
            g.writeStartArray();
            for (Parameter p : Parameter.values()) {
                g.writeStartObject();
                g.writeStringProperty("name", p.label());
                g.writeNumberProperty("value_ns", r.model().get(p));
                boolean fitted = r.fitted().contains(p);
                g.writeBooleanProperty("fitted", fitted);
                if (fitted) {
                    double se = r.standardErrors().get(p);
                    if (Double.isNaN(se)) {
                        g.writeNullProperty("standard_error_ns");
                    } else {
                        g.writeNumberProperty("standard_error_ns", se);
                    }
                    g.writeBooleanProperty("at_zero", r.atZero().contains(p));
                } else {
                    g.writeStringProperty("reason", r.notFitted().get(p));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberProperty("rms_relative_error", r.rmsRelativeError());
            g.writeNumberProperty("max_relative_error", r.maxRelativeError());
            g.writeNumberProperty("degrees_of_freedom", r.degreesOfFreedom());
            g.writeName("residuals");
            g.writeStartArray();
            for (Residual res : r.residuals()) {
                g.writeStartObject();
                g.writeNumberProperty("size", res.point().packetSize());
                g.writeStringProperty("quantity", res.quantity().name().toLowerCase(Locale.ROOT));
                g.writeNumberProperty("measured", res.measured());
                g.writeNumberProperty("predicted", res.predicted());
                g.writeNumberProperty("relative_error", res.relativeError());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.print("\n");
    }

    private static void printCsv(PrintWriter out, Result r) {
        try (CSVPrinter p = OutputFormat.csv(out, "cost", "value_ns", "fitted", "standard_error_ns", "reason")) {
            for (Parameter q : Parameter.values()) {
                boolean fitted = r.fitted().contains(q);
                Double se = fitted ? r.standardErrors().get(q) : null;
                p.printRecord(
                        q.label(),
                        r.model().get(q),
                        fitted,
                        se == null || se.isNaN() ? "" : se,
                        fitted ? "" : r.notFitted().get(q));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cost: one decimal from 100 ns up, up to four below, without trailing zeros. */
    private static String number(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String round(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String signedPercent(double v) {
        return String.format(Locale.ROOT, "%+.2f%%", 100 * v);
    }
}
