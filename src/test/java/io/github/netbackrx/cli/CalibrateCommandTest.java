package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.CostCalibration;
import io.github.netbackrx.sim.CostCalibration.Measurement;
import io.github.netbackrx.sim.CostCalibration.Result;
import io.github.netbackrx.sim.CostModel.Parameter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class CalibrateCommandTest {

    private static final String POINTS = "# measured on the test bench\n"
            + "size,pps,latency_ns\n"
            + "64,1430000,7200\n"
            + "512,650000\n"
            + "\n"
            + "1514,465000,8600\n"
            + "9000,108333\n"
            + "65536,16700,68000\n";

    /** The measurements of {@link #POINTS}. */
    private static final List<Measurement> MEASURED = List.of(
            Measurement.of(64, 1430000, 7200),
            Measurement.packetsPerSecond(512, 650000),
            Measurement.of(1514, 465000, 8600),
            Measurement.packetsPerSecond(9000, 108333),
            Measurement.of(65536, 16700, 68000));

    /** The same points through the library: what the command must print. */
    private static Result library() {
        return CostCalibration.of().fit(MEASURED);
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void printsTheFittedCostsTheErrorAndEveryResidual(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of("calibrate", write(dir, "p.csv", POINTS).toString());
        assertThat(run.status()).as(run.err()).isZero();
        Result r = library();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("# calibration: profile rx.c, policy full-page, saturated batches; 8 measured values at 5"
                        + " packet sizes");
        for (Parameter p : Parameter.values()) {
            String row = lines.stream()
                    .filter(l -> l.startsWith(p.label() + " "))
                    .findFirst()
                    .orElseThrow();
            assertThat(row)
                    .contains(
                            r.fitted().contains(p)
                                    ? "fitted"
                                    : "prior: " + r.notFitted().get(p));
        }
        assertThat(run.out())
                .contains(String.format(
                        java.util.Locale.ROOT,
                        "fit: RMS relative error %.2f%%, largest %.2f%%, %d degrees of freedom",
                        100 * r.rmsRelativeError(),
                        100 * r.maxRelativeError(),
                        r.degreesOfFreedom()));
        assertThat(lines.stream().filter(l -> l.matches(" *\\d+  (throughput|latency) .*")))
                .hasSize(8);
        assertThat(run.out()).contains("     64  throughput    1430000 pps");
    }

    @Test
    void theGuideShowsWhatTheExampleFilePrints() throws IOException {
        String doc = Files.readString(Path.of("docs/timing.md"), StandardCharsets.UTF_8);
        String prompt = "$ ./netback-rx calibrate docs/calibration-example.csv\n";
        int start = doc.indexOf(prompt) + prompt.length();
        assertThat(start).isGreaterThan(prompt.length());
        String shown = doc.substring(start, doc.indexOf("```\n", start));
        CliRun run = CliRun.of("calibrate", "docs/calibration-example.csv");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(shown);
        // the example file holds the measurements of the Java example in the same page
        assertThat(run.out()).contains("     64  throughput    1430000 pps");
    }

    @Test
    void jsonCarriesTheSameFit(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of(
                "calibrate", "--format", "json", write(dir, "p.csv", POINTS).toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode n = new ObjectMapper().readTree(run.out());
        Result r = library();
        assertThat(n.get("profile").asString()).isEqualTo("rx.c");
        assertThat(n.get("packets_per_action").isNull()).isTrue();
        assertThat(n.get("costs")).hasSize(10);
        for (JsonNode c : n.get("costs")) {
            Parameter p = Parameter.fromLabel(c.get("name").asString());
            assertThat(c.get("value_ns").asDouble()).isEqualTo(r.model().get(p));
            assertThat(c.get("fitted").asBoolean()).isEqualTo(r.fitted().contains(p));
            if (!r.fitted().contains(p)) {
                assertThat(c.get("reason").asString()).isEqualTo(r.notFitted().get(p));
            }
        }
        assertThat(n.get("rms_relative_error").asDouble()).isEqualTo(r.rmsRelativeError());
        assertThat(n.get("degrees_of_freedom").asInt()).isEqualTo(r.degreesOfFreedom());
        assertThat(n.get("residuals")).hasSize(8);
        assertThat(n.get("residuals").get(1).get("quantity").asString()).isEqualTo("latency");
        assertThat(n.get("residuals").get(1).get("measured").asDouble()).isEqualTo(7200);
    }

    @Test
    void csvListsTheCosts(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of(
                "calibrate", "--format", "csv", write(dir, "p.csv", POINTS).toString());
        assertThat(run.status()).as(run.err()).isZero();
        List<CSVRecord> rows = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(run.out()))
                .getRecords();
        assertThat(rows).hasSize(10);
        assertThat(rows.get(3).get("cost")).isEqualTo("perByte");
        assertThat(Double.parseDouble(rows.get(3).get("value_ns")))
                .isEqualTo(library().model().perByte());
    }

    @Test
    void readsStandardInputAndBitsPerSecond() {
        String bits = "64,732160000\n65536,8755609600\n1514,5632080000\n";
        CliRun run = CliRun.withStdin(bits, "calibrate", "--unit", "bps", "--format", "json", "-");
        assertThat(run.status()).as(run.err()).isZero();
        Result r = CostCalibration.of()
                .fit(List.of(
                        Measurement.packetsPerSecond(64, 1430000),
                        Measurement.packetsPerSecond(65536, 16700),
                        Measurement.packetsPerSecond(1514, 465000)));
        JsonNode n = new ObjectMapper().readTree(run.out());
        assertThat(n.get("rms_relative_error").asDouble()).isCloseTo(r.rmsRelativeError(), within(1e-12));
    }

    @Test
    void theOptionsReachTheCalibration(@TempDir Path dir) throws IOException {
        Path f = write(dir, "p.csv", POINTS);
        CliRun run = CliRun.of(
                "calibrate",
                "--profile",
                "3.14",
                "--policy",
                "coalesce",
                "--batch",
                "8",
                "--fit",
                "perByte,perCopyOp",
                "--format",
                "json",
                f.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode n = new ObjectMapper().readTree(run.out());
        assertThat(n.get("profile").asString()).isEqualTo("3.14");
        assertThat(n.get("policy").asString()).isEqualTo("coalesce");
        assertThat(n.get("packets_per_action").asInt()).isEqualTo(8);
        Result r = CostCalibration.builder()
                .profile(EngineProfile.LINUX_3_14)
                .policy(io.github.netbackrx.core.PackingPolicy.COALESCE)
                .packetsPerAction(8)
                .fit(Parameter.PER_BYTE, Parameter.PER_COPY_OP)
                .build()
                .fit(MEASURED);
        assertThat(n.get("costs").get(3).get("value_ns").asDouble())
                .isEqualTo(r.model().perByte());
        assertThat(n.get("costs").get(0).get("reason").asString()).isEqualTo("not requested");
    }

    @Test
    void badRowsExitTwoNamingTheLine(@TempDir Path dir) throws IOException {
        assertBad(dir, "64,1430000\n# comment\n512,abc\n", "line 3: throughput 'abc' is not a number");
        assertBad(dir, "64,1430000\n512,650000,1,2\n", "line 2: expected size,throughput[,latency_ns], got 4 fields");
        assertBad(dir, "64\n", "line 1: expected size,throughput[,latency_ns], got 1 field");
        assertBad(dir, "64.5,1000\n", "line 1: packet size '64.5' is not a whole number of bytes");
        assertBad(dir, "0,1000\n", "line 1: packet size 0 outside 1..65536 bytes");
        assertBad(dir, "64,-5\n", "line 1: throughput -5.0 packets per second is not positive");
        assertBad(dir, "64,NaN\n", "line 1: throughput NaN is not a finite number of packets per second");
        assertBad(dir, "64,1000,-1\n", "line 1: latency -1.0 nanoseconds is not positive");
        assertBad(dir, "size,pps\n64,,\n", "line 2: neither a throughput nor a latency");
        assertBad(
                dir,
                "64,1000\n64,1100\n",
                "all 2 measured values are at 64 bytes: a calibration needs 2 or more"
                        + " packet sizes (at one size the per-byte, per-op and per-slot costs cannot be told apart)");
        assertBad(dir, "# nothing\n", "no measurements: a calibration needs values at 2 or more packet sizes");
    }

    @Test
    void aFileOfTooManyRowsStopsAtTheBound(@TempDir Path dir) throws IOException {
        StringBuilder rows = new StringBuilder("size,pps\n");
        for (int i = 0; i <= CostCalibration.MAX_MEASUREMENTS; i++) {
            rows.append(64 + i % 1000).append(",1000000\n");
        }
        assertBad(
                dir,
                rows.toString(),
                "line " + (CostCalibration.MAX_MEASUREMENTS + 2) + ": more than " + CostCalibration.MAX_MEASUREMENTS
                        + " measurements (the most a calibration takes)");
    }

    private static void assertBad(Path dir, String text, String message) throws IOException {
        CliRun run = CliRun.of("calibrate", write(dir, "bad.csv", text).toString());
        assertThat(run.status()).as(text).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("netback-rx calibrate: " + message + "\n");
    }

    @Test
    void badUsageExitsTwo(@TempDir Path dir) throws IOException {
        Path f = write(dir, "p.csv", POINTS);
        CliRun unit = CliRun.of("calibrate", "--unit", "mbps", f.toString());
        assertThat(unit.status()).isEqualTo(2);
        assertThat(unit.err()).contains("Invalid value for option '--unit': 'mbps' (valid: pps, bps)");
        CliRun fit = CliRun.of("calibrate", "--fit", "perFoo", f.toString());
        assertThat(fit.status()).isEqualTo(2);
        assertThat(fit.err()).contains("unknown cost parameter 'perFoo'");
        assertThat(CliRun.of("calibrate", "--batch", "0", f.toString()).status())
                .isEqualTo(2);
        assertThat(CliRun.of("calibrate", "--profile", "2.6", f.toString()).status())
                .isEqualTo(2);
        CliRun missing = CliRun.of("calibrate", dir.resolve("none.csv").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).endsWith(": no such file\n");
        CliRun collinear = CliRun.of("calibrate", "--fit", "perAction,perNotification", f.toString());
        assertThat(collinear.status()).isEqualTo(2);
        assertThat(collinear.err()).contains("perNotification cannot be told apart from perAction");
    }
}
