package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class SimulateCommandTest {
    @Test
    void builtInMixIsDeliveredAndVerified() {
        CliRun run = CliRun.of("simulate", "--packets", "800", "--seed", "3");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("800 packets from the built-in mix, engine 2010, policy coalesce, seed 3")
                .contains("delivered:      800 packets")
                .contains("verified:       800 packets equal to what was sent, byte for byte; 0 differ")
                .contains("all delivered bytes verified");
    }

    @Test
    void traceFromStandardInputRepeats() {
        CliRun run = CliRun.withStdin(
                "head=0+1514\nhead=100+66 frag=0+4096 frag=0+100\n",
                "simulate",
                "--policy",
                "per-frag",
                "--packets",
                "10",
                "-");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("10 packets from trace -").contains("delivered:      10 packets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2010", "3.13", "3.14", "rx.c"})
    void everyProfileDeliversTheBuiltInMix(String profile) {
        CliRun run = CliRun.of("simulate", "--profile", profile, "--packets", "400", "--seed", "5");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("400 packets from the built-in mix, engine " + profile + ", policy ")
                .contains("0 differ")
                .contains("all delivered bytes verified");
    }

    @Test
    void freeBsdTruncatesTheMixsSixtyFourKibPacketsToTheirSixteenBitSize() {
        // xnb_pkt.size is uint16_t: a 65602-byte GSO packet of the mix reaches the guest as 66 bytes
        CliRun run = CliRun.of("simulate", "--profile", "freebsd", "--packets", "400", "--seed", "5");
        assertThat(run.status()).isEqualTo(1);
        // the same 400 packets, drawn as the simulation draws them (layout, then bytes)
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int wrapped = 0;
        for (int i = 0; i < 400; i++) {
            io.github.netbackrx.core.Skb skb = Workload.packet(WorkloadMix.BUILT_IN, rnd);
            Simulator.Feed.builtIn().payload(i, skb, rnd);
            wrapped += skb.length() > 65535 ? 1 : 0;
        }
        assertThat(wrapped).isPositive();
        assertThat(run.out())
                .contains("400 packets from the built-in mix, engine freebsd, policy freebsd")
                .contains("; " + wrapped + " differ")
                .contains("DELIVERED BYTES DIFFER");
    }

    @Test
    void profileChoosesItsOwnPolicyUnlessOneIsGiven() {
        assertThat(CliRun.of("simulate", "--profile", "rx.c", "--packets", "20").out())
                .contains("engine rx.c, policy full-page");
        assertThat(CliRun.of("simulate", "--profile", "3.14", "--policy", "full-page", "--packets", "20")
                        .out())
                .contains("engine 3.14, policy full-page");
        CliRun bad = CliRun.of("simulate", "--profile", "4.0");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown engine profile '4.0' (valid: 2010, 3.13, 3.14, rx.c, freebsd)");
    }

    @Test
    void badUsageIsStatusTwo() {
        assertThat(CliRun.of("simulate", "--packets", "0").status()).isEqualTo(2);
        assertThat(CliRun.of("simulate", "--policy", "nope").status()).isEqualTo(2);
        assertThat(CliRun.withStdin("bogus line\n", "simulate", "-").status()).isEqualTo(2);
        assertThat(CliRun.of("simulate", "/no/such/file").status()).isEqualTo(2);
    }

    @Test
    void aWorkloadIsSimulatedWithItsOwnBytes() {
        CliRun run = CliRun.of("simulate", "--workload", "tcp-bulk", "--packets", "300", "--seed", "9");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("300 packets from workload tcp-bulk, engine 2010, policy coalesce, seed 9")
                .contains("verified:       300 packets equal to what was sent, byte for byte; 0 differ");
        // the same workload and seed give the same run; another seed another one
        assertThat(CliRun.of("simulate", "--workload", "tcp-bulk", "--packets", "300", "--seed", "9"))
                .isEqualTo(run);
        assertThat(CliRun.of("simulate", "--workload", "tcp-bulk", "--packets", "300", "--seed", "10")
                        .out())
                .isNotEqualTo(run.out());
    }

    @Test
    void aCaptureIsSimulatedFrameByFrameAndRepeats(@TempDir Path dir) {
        Path pcapng = CliRun.resourceFile("/capture/tiny.pcapng", dir);
        CliRun run = CliRun.of("simulate", "--capture", pcapng.toString());
        assertThat(run.status()).isZero();
        // 54 + 590 + 1514 + 9014 + 66 bytes, the 9014-byte frame as GSO
        assertThat(run.out())
                .contains("5 packets from capture " + pcapng + ", engine 2010")
                .contains("delivered:      5 packets, 11238 bytes")
                .contains("all delivered bytes verified");
        CliRun twice =
                CliRun.of("simulate", "--capture", pcapng.toString(), "--packets", "10", "--policy", "full-page");
        assertThat(twice.out()).contains("delivered:      10 packets, 22476 bytes");
        CliRun headers = CliRun.of("simulate", "--capture", pcapng.toString(), "--capture-head", "headers");
        assertThat(headers.status()).isZero();
        assertThat(headers.out()).contains("delivered:      5 packets, 11238 bytes");
    }

    @Test
    void packetSourcesAreExclusiveAndChecked(@TempDir Path dir) {
        CliRun both = CliRun.withStdin("head=0+60\n", "simulate", "--workload", "mtu", "-");
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.out()).isEmpty();
        assertThat(both.err())
                .startsWith(
                        "netback-rx simulate: give one packet source: FILE, --workload NAME or --capture PCAP, not 2\n");
        CliRun unknown = CliRun.of("simulate", "--workload", "huge");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err())
                .contains(
                        "unknown workload 'huge' (valid: mtu, tcp-bulk, small-frags, imix, jumbo, mixed, built-in, edges, crossing, random, engines)");
        CliRun missing =
                CliRun.of("simulate", "--capture", dir.resolve("none.pcap").toString());
        assertThat(missing)
                .isEqualTo(new CliRun(
                        2, "", "netback-rx simulate: cannot read '" + dir.resolve("none.pcap") + "': no such file\n"));
        CliRun headWithoutCapture = CliRun.of("simulate", "--capture-head", "64");
        assertThat(headWithoutCapture.status()).isEqualTo(2);
        assertThat(headWithoutCapture.err()).contains("--capture-head applies only with --capture");
        CliRun badHead = CliRun.of("simulate", "--capture", "x.pcap", "--capture-head", "5000");
        assertThat(badHead.status()).isEqualTo(2);
        assertThat(badHead.err()).contains("--capture-head 5000: ");
    }

    @Test
    void aLongRunDrawsProgressOnATerminalOnly() {
        String[] args = {"simulate", "--workload", "imix", "--packets", String.valueOf(SimulateCommand.PROGRESS_MIN)};
        CliRun terminal = CliRun.onTerminal(args);
        assertThat(terminal.status()).isZero();
        String last = ProgressBar.render("simulate", SimulateCommand.PROGRESS_MIN, SimulateCommand.PROGRESS_MIN);
        assertThat(terminal.err()).startsWith("\rsimulate [").endsWith("\r" + last + "\n");
        assertThat(terminal.err().split("\r", -1).length).isBetween(50, 103);
        CliRun pipe = CliRun.of(args);
        assertThat(pipe.err()).isEmpty();
        assertThat(pipe.out()).isEqualTo(terminal.out());
        // a short run stays quiet even on a terminal
        assertThat(CliRun.onTerminal("simulate", "--packets", "100").err()).isEmpty();
    }

    @Test
    void severalGuestsOnGroupsAsOneJsonObject() {
        CliRun run = CliRun.of("simulate", "--guests", "8", "--groups", "2", "--packets", "1600", "--format", "json");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode j = new ObjectMapper().readTree(run.out());
        for (String key : List.of(
                "sent", "delivered", "mismatched", "dropped", "errored", "hypercalls", "notifications", "guests")) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        assertThat(j.get("sent").asLong()).isEqualTo(1600);
        assertThat(j.get("mismatched").asLong()).isZero();
        assertThat(j.get("profile").asString()).isEqualTo("2010");
        JsonNode guests = j.get("guests");
        assertThat(guests.size()).isEqualTo(8);
        long sent = 0;
        long delivered = 0;
        for (int g = 0; g < 8; g++) {
            JsonNode row = guests.get(g);
            assertThat(row.get("guest").asInt()).isEqualTo(g);
            for (String key : List.of("sent", "delivered", "mismatched", "dropped", "errored")) {
                assertThat(row.has(key)).as(key).isTrue();
            }
            assertThat(row.get("sent").asLong()).isEqualTo(200);
            assertThat(row.get("sent").asLong())
                    .isEqualTo(row.get("delivered").asLong()
                            + row.get("dropped").asLong()
                            + row.get("errored").asLong());
            sent += row.get("sent").asLong();
            delivered += row.get("delivered").asLong();
        }
        assertThat(sent).isEqualTo(j.get("sent").asLong());
        assertThat(delivered).isEqualTo(j.get("delivered").asLong());
        JsonNode contexts = j.get("contexts");
        assertThat(contexts.size()).isEqualTo(2);
        assertThat(contexts.get(0).get("members").asInt()
                        + contexts.get(1).get("members").asInt())
                .isEqualTo(8);
        assertThat(contexts.get(0).get("hypercalls").asLong()
                        + contexts.get(1).get("hypercalls").asLong())
                .isEqualTo(j.get("hypercalls").asLong());
    }

    @Test
    void perGuestRowsInTextAndCsv() {
        CliRun text = CliRun.of("simulate", "--guests", "3", "--packets", "300", "--noisy", "tcp-bulk");
        assertThat(text.status()).isZero();
        assertThat(text.out())
                .contains("300 packets from the built-in mix, guest 0 workload tcp-bulk, engine 2010")
                .contains("3 guests")
                .containsPattern("guest +sent +delivered +bytes +share")
                .containsPattern("\\n +2 +100 +100 ");
        CliRun csv = CliRun.of("simulate", "--guests", "2", "--packets", "100", "--format", "csv");
        assertThat(csv.out()).startsWith("guest,sent,delivered,delivered_bytes,mismatched,dropped,errored\n0,50,50,");
    }

    @Test
    void multiQueueGuestsUseEveryQueue() {
        CliRun run = CliRun.of(
                "simulate",
                "--profile",
                "rx.c",
                "--guests",
                "2",
                "--queues",
                "4",
                "--packets",
                "800",
                "--format",
                "json");
        assertThat(run.status()).isZero();
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertThat(j.get("queues").asInt()).isEqualTo(4);
        assertThat(j.get("delivered").asLong()).isEqualTo(800);
        JsonNode contexts = j.get("contexts");
        assertThat(contexts.size()).isEqualTo(8);
        for (JsonNode c : contexts) {
            assertThat(c.get("kind").asString()).isEqualTo("queue");
            assertThat(c.get("packets").asLong())
                    .as("every queue carried packets")
                    .isPositive();
        }
    }

    @Test
    void eventsFileHasOneGntcopyLinePerHypercallAndOneNotifyLinePerNotification(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("events.log");
        CliRun run = CliRun.of(
                "simulate",
                "--guests",
                "4",
                "--groups",
                "2",
                "--packets",
                "600",
                "--events",
                log.toString(),
                "--format",
                "json");
        assertThat(run.status()).isZero();
        JsonNode j = new ObjectMapper().readTree(run.out());
        List<String> lines = Files.readAllLines(log);
        assertThat(lines.stream().filter(l -> l.startsWith("gntcopy ")).count())
                .isEqualTo(j.get("hypercalls").asLong());
        assertThat(lines.stream().filter(l -> l.startsWith("notify irq=")).count())
                .isEqualTo(j.get("notifications").asLong());
        assertThat(lines.stream().filter(l -> l.startsWith("xmit ")).count()).isEqualTo(600);
        assertThat(lines).anyMatch(l -> l.startsWith("action ") && l.contains(" group=1 "));
    }

    @Test
    void hostOptionsAreCheckedAgainstTheProfile() {
        CliRun groups = CliRun.of("simulate", "--profile", "3.14", "--groups", "2");
        assertThat(groups.status()).isEqualTo(2);
        assertThat(groups.err()).contains("--groups applies to the 2010 profile");
        CliRun queues = CliRun.of("simulate", "--queues", "2");
        assertThat(queues.status()).isEqualTo(2);
        assertThat(queues.err()).contains("--queues applies to the rx.c profile");
        assertThat(CliRun.of("simulate", "--guests", "0").status()).isEqualTo(2);
        assertThat(CliRun.of("simulate", "--rounds", "5", "--packets", "9").err())
                .contains("--rounds and --packets exclude each other");
        assertThat(CliRun.of("simulate", "--noisy", "nope").err()).contains("--noisy: ");
    }

    @Test
    void roundsKeepEveryGuestBacklogged() {
        CliRun run = CliRun.of("simulate", "--guests", "3", "--rounds", "30", "--workload", "mtu", "--format", "json");
        assertThat(run.status()).isZero();
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertThat(j.get("rounds").asInt()).isEqualTo(30);
        for (JsonNode g : j.get("guests")) {
            // closed loop: each guest kept its window full, so each sent well over one burst per round
            assertThat(g.get("sent").asLong()).isGreaterThan(30L * 20);
            assertThat(g.get("delivered").asLong()).isEqualTo(g.get("sent").asLong());
        }
    }

    /** Issue 11, item 7: these ran out of grant entries of the peer domain and exited 3. */
    @ParameterizedTest
    @ValueSource(strings = {"3.14:10000", "freebsd:20000"})
    void mixedWorkloadsNoLongerExhaustThePeersGrants(String profileAndCount) {
        String[] pc = profileAndCount.split(":");
        CliRun run = CliRun.of("simulate", "--profile", pc[0], "--workload", "mixed", "--packets", pc[1]);
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("delivered:      " + pc[1] + " packets")
                .contains("all delivered bytes verified");
    }
}
