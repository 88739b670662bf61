package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulateCommandTest {
    @Test
    void builtInMixIsDeliveredAndVerified() {
        CliRun run = CliRun.of("simulate", "--packets", "800", "--seed", "3");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("800 packets from the built-in mix, policy coalesce, seed 3")
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

    @Test
    void badUsageIsStatusTwo() {
        assertThat(CliRun.of("simulate", "--packets", "0").status()).isEqualTo(2);
        assertThat(CliRun.of("simulate", "--policy", "nope").status()).isEqualTo(2);
        assertThat(CliRun.withStdin("bogus line\n", "simulate", "-").status()).isEqualTo(2);
        assertThat(CliRun.of("simulate", "/no/such/file").status()).isEqualTo(2);
    }

    @Test
    void demoEndsWithTheSimulation() {
        CliRun run = CliRun.of("demo");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("== simulation: the built-in mix").contains("all delivered bytes verified");
    }
}
