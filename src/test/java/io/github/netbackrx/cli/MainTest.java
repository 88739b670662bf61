package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @Test
    void topLevelHelpListsEveryCommandAndTheExitStatuses() {
        CliRun run = CliRun.of("--help");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .startsWith("Usage: netback-rx [-hV] [COMMAND]\n")
                .containsPattern("\n  plan +Print how a packing policy")
                .containsPattern("\n  demo +Show every packing policy")
                .containsPattern("\n  help +")
                .contains("0   ok", "1   a finding", "2   bad usage or bad input");
        assertThat(CliRun.of("-h")).isEqualTo(run);
        assertThat(CliRun.of("help")).isEqualTo(run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plan", "demo", "help"})
    void everyCommandHasHelpThatExitsZero(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: netback-rx " + command);
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
                        "netback-rx: missing command (one of: plan, simulate, demo, help)\n"
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
