package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code netback-rx run}: the worked example of {@code docs/engine-format.md} byte for byte (read
 * from the page itself), the golden scenarios of {@code src/test/resources/golden/engine} (each
 * checked by hand once against the driver function its comment names), and the exit statuses.
 */
class RunCommandTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/engine");

    @Test
    void workedExampleOfTheFormatPageComesOutByteForByte(@TempDir Path dir) throws IOException {
        String page = Files.readString(Path.of("docs/engine-format.md"), StandardCharsets.UTF_8);
        String section = page.substring(page.indexOf("## Worked example (`2010`)"));
        Matcher blocks = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(blocks.find()).isTrue();
        String scenario = blocks.group(1);
        assertThat(blocks.find()).isTrue();
        String log = blocks.group(1);
        Path file = dir.resolve("worked.scn");
        Files.writeString(file, scenario);
        CliRun run = CliRun.of("run", file.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(log);
        // and from standard input
        assertThat(CliRun.withStdin(scenario, "run", "--profile", "2010", "-").out())
                .isEqualTo(log);
    }

    static Stream<String[]> goldens() throws IOException {
        List<String[]> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path log :
                    files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                String name = log.getFileName().toString();
                String base = name.substring(0, name.indexOf('.'));
                String profile = name.substring(base.length() + 1, name.length() - ".log".length());
                cases.add(new String[] {base, profile});
            }
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(12);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("goldens")
    void goldenScenarioGivesItsLog(String scenario, String profile) throws IOException {
        String expected = Files.readString(GOLDEN.resolve(scenario + "." + profile + ".log"));
        CliRun run = CliRun.of(
                "run", "--profile", profile, GOLDEN.resolve(scenario + ".scn").toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo(expected);
        assertThat(run.status()).isEqualTo(expected.contains("\nbug ") ? 1 : 0);
    }

    @Test
    void aBadLinePrintsNothingAndNamesTheLine() {
        CliRun run = CliRun.withStdin("netifs 2\npost 0 8\nxmit 3 head=0+1\nfrobnicate\n", "run", "-");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo("line 3: V 3 is outside 0..1\n"
                        + "line 4: unknown command 'frobnicate' (expected post, consume, xmit, action, timeout,"
                        + " fail, irq, features, can_queue, mtu, groups or queues)\n");
    }

    @Test
    void aLineTheStateRefusesPrintsNothingEither() {
        // the second post would leave more than 256 requests outstanding: found in the silent first replay
        CliRun run = CliRun.withStdin("netifs 1\npost 0 200\nxmit 0 head=0+60\naction\npost 0 100\n", "run", "-");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo("line 5: post 0 100: only 56 slots are free (200 requests outstanding of 256)\n");
        CliRun perVif = CliRun.withStdin("netifs 2\npost 0 30\naction\n", "run", "--profile", "3.13", "-");
        assertThat(perVif.status()).isEqualTo(2);
        assertThat(perVif.err()).startsWith("line 3: action needs a vif under profile 3.13");
        CliRun groups = CliRun.withStdin("netifs 2\ngroups 2\n", "run", "--profile", "3.14", "-");
        assertThat(groups.err()).startsWith("line 2: groups: only the 2010 profile has groups");
        CliRun late = CliRun.withStdin("netifs 1\npost 0 30\nmtu 0 9000\n", "run", "-");
        assertThat(late.err()).startsWith("line 3: settings (groups, queues, irq, features, can_queue, mtu) must come");
    }

    @Test
    void aPacketTheDriverWouldBugOnEndsTheLogWithABugLine() {
        // a fragment across a page end: the 2010 netbk_gop_frag_copy has BUG_ON(size + offset > PAGE_SIZE)
        CliRun run = CliRun.withStdin(
                "netifs 1\npost 0 30\nxmit 0 head=0+100 frag=4000+200\nxmit 0 head=0+60\naction\n", "run", "-");
        assertThat(run.status()).isEqualTo(1);
        String[] lines = run.out().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("bug packet 0 to vif 0: ");
        assertThat(run.out()).doesNotContain("pkt=1"); // nothing after the bug line
    }

    @Test
    void missingFileIsBadInput() {
        CliRun run = CliRun.of("run", "/no/such/scenario");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("netback-rx run: no such file: /no/such/scenario\n");
    }

    @Test
    void aLineWithoutEndIsRefusedAtTheLimitNotReadWhole() {
        // input without line ends, like /dev/zero: refused once 4096 characters are held
        CliRun run = CliRun.withStdin("netifs 1\n" + "\0".repeat(100_000), "run", "-");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("line 2: line longer than 4096 characters");
        // 4096 characters are still a line (a long comment)
        CliRun atLimit = CliRun.withStdin("netifs 1\n#" + "x".repeat(4095) + "\npost 0 1\n", "run", "-");
        assertThat(atLimit.status()).isZero();
    }

    @Test
    void aScenarioBeyondTheCommandLimitIsRefusedWithItsLine() {
        StringBuilder s = new StringBuilder("netifs 1\n");
        for (int i = 0; i <= io.github.netbackrx.sim.Scenario.MAX_COMMANDS; i++) {
            s.append("timeout 0\n");
        }
        CliRun run = CliRun.withStdin(s.toString(), "run", "-");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith(
                        "line " + (io.github.netbackrx.sim.Scenario.MAX_COMMANDS + 2) + ": more than 100000 command");
    }

    @Test
    void badLinesAreReportedUpToTheLimit() {
        CliRun run = CliRun.withStdin("netifs 1\n" + "frobnicate\n".repeat(500), "run", "-");
        assertThat(run.status()).isEqualTo(2);
        String[] lines = run.err().split("\n");
        assertThat(lines).hasSize(101);
        assertThat(lines[100]).isEqualTo("line 102: 100 bad lines reported; reading stops here");
    }
}
