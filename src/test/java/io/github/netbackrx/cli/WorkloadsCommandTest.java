package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.trace.TraceWriter;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadsCommandTest {

    @Test
    void listsEveryMix() {
        CliRun run = CliRun.of("workloads");
        assertThat(run.status()).isZero();
        assertThat(run.out().lines().map(l -> l.split(" ")[0]))
                .containsExactly(
                        "mtu",
                        "tcp-bulk",
                        "small-frags",
                        "imix",
                        "jumbo",
                        "mixed",
                        "built-in",
                        "edges",
                        "crossing",
                        "random",
                        "engines");
    }

    @Test
    void printsSeededPacketsThatPlanCanRead() {
        CliRun run = CliRun.of("workloads", "tcp-bulk", "--count", "5", "--seed", "42");
        assertThat(run.status()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("# workload tcp-bulk, seed 42, 5 packets");
        assertThat(lines.subList(1, 6))
                .isEqualTo(Workload.of(WorkloadMix.TCP_BULK, 42).next(5).stream()
                        .map(TraceWriter::toLine)
                        .toList());
        CliRun plan = CliRun.withStdin(run.out(), "plan", "-");
        assertThat(plan.status()).as(plan.err()).isZero();
        assertThat(plan.out()).startsWith("packet 0 len=");
    }

    @Test
    void badNamesAndCountsExitTwo() {
        CliRun bad = CliRun.of("workloads", "bulk");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err())
                .startsWith("netback-rx workloads: unknown workload 'bulk' (valid: mtu, tcp-bulk, small-frags, imix,"
                        + " jumbo, mixed, built-in, edges, crossing, random, engines)\n");
        assertThat(CliRun.of("workloads", "imix", "-n", "-1").status()).isEqualTo(2);
        assertThat(CliRun.of("workloads", "imix", "-n", "x").status()).isEqualTo(2);
    }
}
