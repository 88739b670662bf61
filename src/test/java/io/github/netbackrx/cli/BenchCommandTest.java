package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The argument handling of {@code netback-rx bench}; JMH itself never runs here (--dry-run). */
class BenchCommandTest {

    @TempDir
    Path project;

    private Path withPom() throws Exception {
        Files.writeString(project.resolve("pom.xml"), "<project/>\n");
        return project;
    }

    private Path withJar() throws Exception {
        withPom();
        Files.createDirectories(project.resolve("target"));
        Files.write(project.resolve("target/benchmarks.jar"), new byte[] {0});
        return project;
    }

    private String jar() {
        return project.resolve("target").resolve("benchmarks.jar").toString();
    }

    @Test
    void defaultsAreTheShortSettings() throws Exception {
        withJar();
        CliRun run = CliRun.of("bench", "--dry-run", "--project", project.toString());
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .isEqualTo(BenchCommand.javaLauncher() + " -jar " + jar() + " -f 1 -wi 2 -i 3 -w 1s -r 1s\n");
    }

    @Test
    void quickSelectsTheSmokeSettings() throws Exception {
        withJar();
        CliRun run = CliRun.of("bench", "--quick", "--dry-run", "--project", project.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).endsWith(" -jar " + jar() + " -f 1 -wi 1 -i 2 -w 200ms -r 200ms\n");
    }

    @Test
    void otherArgumentsGoToJmhInOrderAfterTheDefaults() throws Exception {
        withJar();
        CliRun run = CliRun.of(
                "bench",
                "PlanBenchmark.mtu",
                "-p",
                "policy=COALESCE",
                "--dry-run",
                "-prof",
                "gc",
                "-f",
                "5",
                "--project",
                project.toString());
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .endsWith(" -f 1 -wi 2 -i 3 -w 1s -r 1s PlanBenchmark.mtu -p policy=COALESCE -prof gc -f 5\n");
    }

    @Test
    void aDoubleDashPassesEvenThisCommandsOptionNames() throws Exception {
        withJar();
        CliRun run = CliRun.of("bench", "--dry-run", "--project", project.toString(), "--", "-h", "--quick");
        assertThat(run.status()).isZero();
        assertThat(run.out()).endsWith(" -w 1s -r 1s -h --quick\n");
    }

    @Test
    void aMissingJarIsBuiltFirst() throws Exception {
        withPom();
        CliRun run = CliRun.of("bench", "--dry-run", "--project", project.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out().lines()).hasSize(2);
        assertThat(run.out()).startsWith("mvn -q -Pbench -DskipTests package\n");
    }

    @Test
    void aProjectWithoutPomIsAUsageError() {
        CliRun run = CliRun.of("bench", "--dry-run", "--project", project.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--project: no pom.xml in " + project).contains("Try 'netback-rx bench --help'");
    }

    @Test
    void helpDescribesTheDefaultsAndExitsZero() {
        CliRun run = CliRun.of("bench", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("Usage: netback-rx bench [-hV] [--dry-run] [--quick] [--project=DIR] [[--] JMH-ARG...]\n")
                .contains("--quick")
                .contains("-f 1 -wi 2 -i 3 -w 1s -r 1s");
    }

    @Test
    void theJmhCommandIsJavaJarDefaultsThenExtras() {
        assertThat(BenchCommand.jmhCommand("java", Path.of("b.jar"), false, List.of("-prof", "gc")))
                .containsExactly(
                        "java", "-jar", "b.jar", "-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "-prof",
                        "gc");
        assertThat(BenchCommand.jmhCommand("java", Path.of("b.jar"), true, List.of()))
                .containsExactly(
                        "java", "-jar", "b.jar", "-f", "1", "-wi", "1", "-i", "2", "-w", "200ms", "-r", "200ms");
    }

    @Test
    void theDefaultProjectHoldsThePom() {
        assertThat(BenchCommand.defaultProject().resolve("pom.xml")).isRegularFile();
    }
}
