package io.github.netbackrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.CostCalibration;
import io.github.netbackrx.sim.CostCalibration.Measurement;
import io.github.netbackrx.sim.CostModel;
import io.github.netbackrx.sim.CostModel.Parameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The calibration example of docs/timing.md, kept here word for word so that it always compiles and
 * runs, and the page's table of defaults checked against {@link CostModel}.
 */
class TimingExampleTest {

    // --- begin timing example ---
    /** Fits the cost model to one machine's measurements: maximum throughput, one packet's latency. */
    static CostCalibration.Result calibrate() {
        List<Measurement> measured = List.of(
                Measurement.of(64, 1_430_000, 7_200), // bytes, packets per second, nanoseconds
                Measurement.packetsPerSecond(512, 650_000),
                Measurement.of(1514, 465_000, 8_600),
                Measurement.bitsPerSecond(9000, 7.8e9),
                Measurement.of(65536, 16_700, 68_000));
        CostCalibration calibration = CostCalibration.builder()
                .profile(EngineProfile.RX_C) // the generation of the backend that was measured
                .build(); // saturated batches; CostModel.DEFAULTS where the data say nothing
        return calibration.fit(measured);
    }

    /** What a model forecasts for one packet size under a generation: packets per second, latency. */
    static double[] forecast(CostModel model, EngineProfile profile, int size) {
        CostCalibration.Counts c =
                CostCalibration.builder().profile(profile).build().counts(size);
        return new double[] {c.packetsPerSecond(model), c.latencyNanos(model)};
    }

    /** Backend CPU of one action that copied 150,000 bytes in 40 ops and 3 hypercalls, 45 responses. */
    static double oneAction(CostModel model) {
        return model.backendNanos(1, 3, 40, 150_000, 45, 1);
    }
    // --- end timing example ---

    @Test
    void theExampleFitsItsMeasurements() {
        CostCalibration.Result fit = calibrate();
        assertThat(fit.rmsRelativeError()).isLessThan(0.01);
        assertThat(fit.residuals()).hasSize(8);
        assertThat(fit.fitted()).contains(Parameter.PER_BYTE, Parameter.PER_COPY_OP);
        assertThat(fit.model().perByte()).isBetween(0.55, 0.7);
        assertThat(fit.degreesOfFreedom()).isPositive();

        double[] small = forecast(fit.model(), EngineProfile.LINUX_2010, 64);
        double[] mtu = forecast(fit.model(), EngineProfile.LINUX_2010, 1514);
        assertThat(small[0]).isGreaterThan(mtu[0]);
        assertThat(small[1]).isLessThan(mtu[1]);
        assertThat(oneAction(CostModel.DEFAULTS)).isEqualTo(1000 + 3 * 870 + 40 * 817 + 150_000 * 1.1 + 45 * 50 + 870);
    }

    @Test
    void theGuideShowsThisCode() throws Exception {
        String doc = Files.readString(Path.of("docs/timing.md"), StandardCharsets.UTF_8);
        int section = doc.indexOf("### From Java");
        int start = doc.indexOf("```java\n", section) + 8;
        String shown = doc.substring(start, doc.indexOf("```\n", start));
        String source = Files.readString(
                Path.of("src/test/java/io/github/netbackrx/examples/TimingExampleTest.java"), StandardCharsets.UTF_8);
        List<String> body = source.substring(
                        source.indexOf("// --- begin timing example ---\n")
                                + "// --- begin timing example ---\n".length(),
                        source.indexOf("    // --- end timing example ---"))
                .lines()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.toList());
        assertThat(shown.lines().collect(Collectors.toList())).isEqualTo(body);
    }

    @Test
    void theGuidesTableOfDefaultsIsTheModels() throws Exception {
        String doc = Files.readString(Path.of("docs/timing.md"), StandardCharsets.UTF_8);
        for (Parameter p : Parameter.values()) {
            String row = doc.lines()
                    .filter(l -> l.startsWith("| `" + p.label() + "` |"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + p.label()));
            String value = row.split("\\|")[3].trim().replace(",", "");
            assertThat(Double.parseDouble(value)).as(p.label()).isEqualTo(CostModel.DEFAULTS.get(p));
        }
    }
}
