package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @Test
    void topLevelHelpListsEveryCommandAndTheExitStatuses() {
        CliRun run = CliRun.of("--help");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .startsWith("Usage: netback-rx [-hqvV] [COMMAND]\n")
                .containsPattern("\n  plan +Print how a packing policy")
                .containsPattern("\n  demo +Show every packing policy")
                .containsPattern("\n  layout +Draw how one packet is laid out")
                .containsPattern("\n  workloads +List the built-in workloads")
                .containsPattern("\n  help +")
                .contains("0   ok", "1   a finding", "2   bad usage or bad input");
        assertThat(CliRun.of("-h")).isEqualTo(run);
        assertThat(CliRun.of("help")).isEqualTo(run);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "plan",
                "simulate",
                "run",
                "calibrate",
                "compare",
                "layout",
                "bugs",
                "workloads",
                "bench",
                "demo",
                "help"
            })
    void everyCommandHasHelpThatExitsZero(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: netback-rx " + command);
    }

    /** One bad usage per command: status 2, nothing on standard output, the reason on standard error. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "plan --frobnicate x.trace|Unknown option: '--frobnicate'",
                "plan|Missing required parameter: 'FILE'",
                "simulate --packets 0|--packets must be at least 1, got 0",
                "simulate --workload mtu --capture x.pcap|give one packet source",
                "compare --workload nope|unknown workload 'nope'",
                "layout|Missing required parameter: 'PACKET'",
                "layout --policy all head=0+0|bad packet",
                "bugs no-such-case|unknown case 'no-such-case'",
                "workloads nope|unknown workload 'nope'",
                "bench --project /nonexistent/netback-rx --dry-run|--project: no pom.xml",
                "demo extra|Unmatched argument",
                "help nosuch|Unknown subcommand 'nosuch'"
            })
    void everyCommandReportsBadUsageWithStatusTwo(String line, String reason) {
        CliRun run = CliRun.of(line.split(" "));
        assertThat(run.status()).as(line).isEqualTo(2);
        assertThat(run.out()).as(line).isEmpty();
        assertThat(run.err()).as(line).contains(reason);
    }

    @Test
    void versionPrintsTheProjectVersion() {
        CliRun run = CliRun.of("--version");
        assertThat(run.status()).isZero();
        assertThat(run.out()).matches("netback-rx \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
        assertThat(CliRun.of("plan", "--version")).isEqualTo(run);
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertThat(run)
                .isEqualTo(new CliRun(
                        2,
                        "",
                        "netback-rx: missing command (one of: plan, simulate, run, calibrate, sweep, compare, layout, bugs, workloads, bench, demo, help)\n"
                                + "Try 'netback-rx --help' for more information.\n"));
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithASuggestion() {
        CliRun run = CliRun.of("plann", "x");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("netback-rx: Unmatched arguments").contains("plan");
    }

    @Test
    void anUnknownTopLevelOptionIsAUsageError() {
        assertThat(CliRun.of("--frobnicate").status()).isEqualTo(2);
    }
}
