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
        assertThat(run.out()).isEqualTo("JMH from " + jar() + ": -f 1 -wi 2 -i 3 -w 1s -r 1s\n");
    }

    @Test
    void quickSelectsTheSmokeSettings() throws Exception {
        withJar();
        CliRun run = CliRun.of("bench", "--quick", "--dry-run", "--project", project.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("JMH from " + jar() + ": -f 1 -wi 1 -i 2 -w 200ms -r 200ms\n");
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
    void aMissingJarIsSaidWithTheCommandThatBuildsIt() throws Exception {
        withPom();
        CliRun dry = CliRun.of("bench", "--dry-run", "--project", project.toString());
        assertThat(dry.status()).isZero();
        assertThat(dry.out()).endsWith("(missing: build it with ./mvnw -Pbench -DskipTests package)\n");
        CliRun run = CliRun.of("bench", "--project", project.toString());
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("is missing: build it with ./mvnw -Pbench -DskipTests package");
    }

    @Test
    void aJarWithoutJmhIsBadInputNotACrash() throws Exception {
        withPom();
        Files.createDirectories(project.resolve("target"));
        try (var jar =
                new java.util.jar.JarOutputStream(Files.newOutputStream(project.resolve("target/benchmarks.jar")))) {
            jar.putNextEntry(new java.util.jar.JarEntry("README"));
            jar.write("not JMH".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        CliRun run = CliRun.of("bench", "--project", project.toString());
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.err()).contains("is not a JMH benchmark jar");
        assertThat(System.getProperty("java.class.path")).doesNotContain("benchmarks.jar");
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
    void theJmhArgumentsAreTheDefaultsThenTheExtras() {
        assertThat(BenchCommand.jmhArguments(false, List.of("-prof", "gc")))
                .containsExactly("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "-prof", "gc");
        assertThat(BenchCommand.jmhArguments(true, List.of()))
                .containsExactly("-f", "1", "-wi", "1", "-i", "2", "-w", "200ms", "-r", "200ms");
    }

    @Test
    void theDefaultProjectHoldsThePom() {
        assertThat(BenchCommand.defaultProject().resolve("pom.xml")).isRegularFile();
    }
}
