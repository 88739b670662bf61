package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code simulate --rate/--timestamps/--series} and {@code sweep}, through the command line. */
class TimedCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTimedRunPrintsLatencyThroughputAndUtilisation() {
        CliRun run = CliRun.of("simulate", "--rate", "50000", "--workload", "mtu", "--packets", "2000");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("delivered:      2000 packets")
                .contains("all delivered bytes verified")
                .containsPattern("latency: +p50 [0-9.]+ us, p90 [0-9.]+ us, p99 [0-9.]+ us, max [0-9.]+ us")
                .containsPattern("throughput: +[0-9]+ packets/s")
                .containsPattern("utilisation: +group 0 [0-9.]+%");
        // the same seed, the same output, byte for byte
        assertThat(CliRun.of("simulate", "--rate", "50000", "--workload", "mtu", "--packets", "2000")
                        .out())
                .isEqualTo(run.out());
    }

    @Test
    void jsonAddsTheTimedKeysAndPayloadFreeCountsAsBytesDo() {
        String[] args = {"simulate", "--rate", "400000", "--guests", "2", "--packets", "3000", "--format", "json"};
        JsonNode bytes = JSON.readTree(CliRun.of(args).out());
        String[] free = {
            "simulate", "--rate", "400000", "--guests", "2", "--packets", "3000", "--format", "json", "--payload-free"
        };
        JsonNode none = JSON.readTree(CliRun.of(free).out());
        JsonNode l = bytes.get("latency_ns");
        assertThat(l.get("p50").asLong()).isPositive();
        assertThat(l.get("p50").asLong()).isLessThanOrEqualTo(l.get("p90").asLong());
        assertThat(l.get("p90").asLong()).isLessThanOrEqualTo(l.get("p99").asLong());
        assertThat(l.get("p99").asLong()).isLessThanOrEqualTo(l.get("max").asLong());
        assertThat(bytes.get("throughput_pps").asDouble()).isPositive();
        assertThat(bytes.get("utilisation")).hasSize(bytes.get("contexts").size());
        assertThat(bytes.get("payloadFree").asBoolean()).isFalse();
        assertThat(none.get("payloadFree").asBoolean()).isTrue();
        // the built-in mix at twice its capacity: drops at the qdisc, and the same in both modes
        assertThat(bytes.get("dropped").asLong()).isPositive();
        assertThat(bytes.get("dropped_by").get("QDISC_FULL").asLong())
                .isEqualTo(bytes.get("qdiscDropped").asLong());
        for (String k : List.of(
                "sent",
                "delivered",
                "deliveredBytes",
                "dropped",
                "slotsUsed",
                "copyOps",
                "hypercalls",
                "notifications",
                "latency_ns",
                "throughput_pps",
                "utilisation",
                "duration_ns")) {
            assertThat(none.get(k)).as(k).isEqualTo(bytes.get(k));
        }
    }

    @Test
    void aCapturesTimestampsAreTheArrivals(@TempDir Path dir) throws IOException {
        Path pcap = dir.resolve("tiny.pcap");
        try (InputStream in = TimedCommandTest.class.getResourceAsStream("/capture/tiny-le-usec.pcap")) {
            Files.write(pcap, in.readAllBytes());
        }
        // five frames 1 ms apart, looped every 5 ms: 10 packets arrive over 9 ms, each alone
        JsonNode j = JSON.readTree(CliRun.of(
                        "simulate", "--capture", pcap.toString(), "--timestamps", "--packets", "10", "--format", "json")
                .out());
        assertThat(j.get("delivered").asLong()).isEqualTo(10);
        assertThat(j.get("dropped").asLong()).isZero();
        assertThat(j.get("duration_ns").asLong()).isBetween(9_000_000L, 9_100_000L);
        assertThat(j.get("latency_ns").get("max").asLong()).isLessThan(100_000);
    }

    @Test
    void theSeriesFileHasARowPerInterval(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("s.csv");
        CliRun run = CliRun.of(
                "simulate",
                "--rate",
                "100000",
                "--workload",
                "mtu",
                "--packets",
                "1000",
                "--series",
                csv.toString(),
                "--interval",
                "1000000",
                "--format",
                "json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode j = JSON.readTree(run.out());
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0))
                .isEqualTo("interval,start_ns,end_ns,arrived,delivered,dropped,errored,latency_p99_ns,latency_max_ns,"
                        + "utilisation_0");
        // 1000 packets at 100,000/s: about 10 ms, a row per millisecond
        assertThat(lines.size() - 1).isBetween(10, 12);
        long delivered = 0;
        long arrived = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            arrived += Long.parseLong(f[3]);
            delivered += Long.parseLong(f[4]);
            assertThat(Double.parseDouble(f[9])).isBetween(0.0, 1.0);
        }
        assertThat(arrived).isEqualTo(1000);
        assertThat(delivered).isEqualTo(j.get("delivered").asLong());
    }

    @Test
    void optionsOfTheOtherModeAreRefused() {
        assertThat(CliRun.of("simulate", "--series", "x.csv").err()).contains("--series applies to a timed run");
        assertThat(CliRun.of("simulate", "--payload-free").status()).isEqualTo(2);
        assertThat(CliRun.of("simulate", "--rate", "0").err()).contains("--rate 0.0: must be above 0");
        assertThat(CliRun.of("simulate", "--rate", "1000", "--rounds", "3").err())
                .contains("--rounds applies to the untimed run");
        assertThat(CliRun.of("simulate", "--rate", "1000", "--arrivals", "bursty")
                        .err())
                .contains("--arrivals bursty: must be poisson or constant");
        assertThat(CliRun.of("simulate", "--timestamps", "--workload", "mtu").err())
                .contains("--timestamps needs --capture");
        assertThat(CliRun.of("sweep", "--rates", "1000,-5").status()).isEqualTo(2);
        assertThat(CliRun.of("sweep", "--rates", "1000", "--profiles", "2011").status())
                .isEqualTo(2);
    }

    @Test
    void sweepSaturatesAtCapacityAndDrawsItsChart(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("sweep.csv");
        Path svg = dir.resolve("sweep.svg");
        CliRun run = CliRun.of(
                "sweep",
                "--rates",
                "100000,1000000",
                "--profiles",
                "2010,freebsd",
                "--packets",
                "3000",
                "--csv",
                csv.toString(),
                "--svg",
                svg.toString(),
                "--format",
                "csv");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(Files.readString(csv)).isEqualTo(run.out());
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(5);
        assertThat(rows.get(1)).startsWith("2010,100000.0,");
        assertThat(rows.get(4)).startsWith("freebsd,1000000.0,");
        for (String r : List.of(rows.get(1), rows.get(3))) {
            String[] f = r.split(",");
            // below capacity: nothing dropped, delivered about what was offered
            assertThat(Long.parseLong(f[9])).isZero();
            assertThat(Double.parseDouble(f[2])).isBetween(90_000.0, 110_000.0);
        }
        for (String r : List.of(rows.get(2), rows.get(4))) {
            String[] f = r.split(",");
            // above: throughput well under the offered load, drops, a busy context, latency far higher
            assertThat(Double.parseDouble(f[2])).isLessThan(600_000.0);
            assertThat(Long.parseLong(f[9])).isPositive();
            assertThat(Double.parseDouble(f[10])).isGreaterThan(0.95);
        }
        assertThat(Long.parseLong(rows.get(2).split(",")[5]))
                .isGreaterThan(10 * Long.parseLong(rows.get(1).split(",")[5]));
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(4);
        assertThat(doc.getElementsByTagName("circle").getLength()).isEqualTo(8);
    }
}
