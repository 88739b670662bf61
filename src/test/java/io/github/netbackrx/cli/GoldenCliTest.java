package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden files of {@code src/test/resources/golden} through the command line, as a user runs
 * them: standard output, standard error (the findings, or the refusals) and the exit status, byte
 * for byte. Each golden trace names in its comments the upstream function its expected output was
 * checked against by hand.
 */
class GoldenCliTest {
    @TempDir
    static Path dir;

    /** One run: the command's arguments (the trace last), and the files holding what it prints. */
    record Case(String trace, String out, String err, int status, String... args) {
        @Override
        public String toString() {
            return String.join(" ", args) + " " + trace.substring(trace.lastIndexOf('/') + 1);
        }
    }

    static Stream<Arguments> cases() {
        String example = "/trace/plan-format-example.trace";
        List<Case> c = new ArrayList<>();
        c.add(new Case(example, "plan-format-example.coalesce.faithful.plan", null, 0, "plan", "--faithful"));
        c.add(new Case(
                example,
                "plan-format-example.per-frag.faithful.plan",
                "plan-format-example.per-frag.err",
                1,
                "plan",
                "--policy",
                "per-frag",
                "--faithful"));
        c.add(new Case("/golden/head-in-next-page.trace", "head-in-next-page.coalesce.plan", null, 0, "plan"));
        c.add(new Case(
                "/golden/head-in-next-page.trace",
                "head-in-next-page.per-frag.plan",
                "head-in-next-page.per-frag.err",
                1,
                "plan",
                "--policy",
                "per-frag"));
        c.add(new Case(
                "/golden/page-crossing.trace",
                "page-crossing.per-frag.plan",
                "page-crossing.per-frag.err",
                1,
                "plan",
                "--policy",
                "per-frag"));
        c.add(new Case("/golden/page-crossing.trace", null, "page-crossing.coalesce.err", 2, "plan"));
        c.add(new Case(
                "/golden/gso-not-negotiated.trace",
                "gso-not-negotiated.coalesce-compound.gso-none.plan",
                null,
                0,
                "plan",
                "--policy",
                "coalesce-compound",
                "--gso",
                "none"));
        c.add(new Case(
                "/golden/freebsd.trace",
                "freebsd.freebsd.plan",
                "freebsd.freebsd.err",
                1,
                "plan",
                "--policy",
                "freebsd"));
        c.add(new Case(
                "/golden/freebsd.trace",
                "freebsd.freebsd.faithful.plan",
                "freebsd.freebsd.faithful.err",
                1,
                "plan",
                "--policy",
                "freebsd",
                "--faithful"));
        c.add(new Case("/golden/netfront-limit.trace", "netfront-limit.compare.txt", null, 0, "compare"));
        c.add(new Case(
                "/golden/netfront-limit.trace",
                "netfront-limit.compare.guest-2010.txt",
                null,
                0,
                "compare",
                "--guest",
                "2010"));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theCommandLinePrintsTheGoldenFiles(Case c) {
        Path trace = CliRun.resourceFile(c.trace(), dir);
        String[] args = Arrays.copyOf(c.args(), c.args().length + 1);
        args[args.length - 1] = trace.toString();
        CliRun run = CliRun.of(args);
        assertThat(run.out()).isEqualTo(c.out() == null ? "" : CliRun.resource("/golden/" + c.out()));
        assertThat(run.err()).isEqualTo(c.err() == null ? "" : CliRun.resource("/golden/" + c.err()));
        assertThat(run.status()).isEqualTo(c.status());
    }
}
