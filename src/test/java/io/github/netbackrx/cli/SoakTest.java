package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory bounds of the runnable command line, each a process with a small heap ({@code mvn -Psoak
 * -DskipTests verify}, after {@code package} built {@code target/netback-rx-cli-VERSION.jar}): an
 * input much larger than the heap must stream through. A command that held its input would end
 * with an {@code OutOfMemoryError}, which the command line reports with status 3. The figures of
 * docs/performance.md come from the same commands.
 */
@Tag("soak")
class SoakTest {

    @TempDir
    Path dir;

    /** The runnable jar the build made (the soak profile passes its path). */
    private static Path cliJar() {
        String jar = System.getProperty("netbackrx.cliJar");
        assertThat(jar)
                .as("system property netbackrx.cliJar (run with mvn -Psoak)")
                .isNotNull();
        return Path.of(jar);
    }

    /** A finished process: its status, its standard error, and how long it took. */
    private record Run(int status, String err, long millis) {}

    private Run java(String heap, List<String> args, Path stdout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.add("-jar");
        command.add(cliJar().toString());
        command.addAll(args);
        return run(command, stdout, null);
    }

    private Run run(List<String> command, Path stdout, Path workDir) throws IOException, InterruptedException {
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(
                stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        if (workDir != null) {
            pb.directory(workDir.toFile());
            pb.environment().put("MAVEN_ARGS", "-o"); // the outer build fetched every plugin already
        }
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String text = Files.readString(err, StandardCharsets.UTF_8);
        System.out.println("soak: " + String.join(" ", command) + ": status " + p.exitValue() + ", " + millis + " ms");
        return new Run(p.exitValue(), text, millis);
    }

    /** Ten distinct packet lines, repeated to {@code packets} lines (about 60 bytes a line). */
    private Path trace(long packets) throws IOException {
        String[] lines = {
            "head=64+1514 csum=unnecessary",
            "head=0+54 frag=0+100 frag=200+100 frag=4000+96",
            "head=2+66 frag=0+4096 frag=0+4096 frag=0+1000 gso=1448/tcpv4 csum=partial",
            "head=128+66 csum=partial",
            "head=0+54 frag=0+4096 gso=1448/tcpv6 hash=7/ipv6-tcp",
            "head=3000+1000 frag=0+514",
            "head=64+2000 frag=0+4096 frag=0+2918 gso=1448",
            "head=0+60",
            "head=128+0 frag=0+300",
            "head=64+590 csum=none"
        };
        Path file = dir.resolve("soak.trace");
        byte[][] bytes = new byte[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            bytes[i] = (lines[i] + "\n").getBytes(StandardCharsets.US_ASCII);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long i = 0; i < packets; i++) {
                out.write(bytes[(int) (i % lines.length)]);
            }
        }
        return file;
    }

    @Test
    void planOfTenMillionPacketsStreamsIn128MiB() throws Exception {
        Path trace = trace(10_000_000);
        Run run = java("-Xmx128m", List.of("plan", trace.toString()), null);
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
    }

    @Test
    void compareOfAMillionPacketsStreamsIn128MiB() throws Exception {
        Path trace = trace(1_000_000);
        Path out = dir.resolve("compare.txt");
        Run run = java("-Xmx128m", List.of("compare", trace.toString()), out);
        assertThat(run.status()).as(run.err()).isEqualTo(ExitStatus.FINDING); // the empty head: per-frag's finding
        String tail = Files.readString(out).substring((int) Math.max(0, Files.size(out) - 2000));
        assertThat(tail).contains("total packets=1000000\n");
        Files.delete(out);
    }

    @Test
    void aHalfGigabyteCaptureIsReadOnlyUpToPackets() throws Exception {
        Path pcap = dir.resolve("big.pcap");
        int frame = 1514;
        long records = (512L << 20) / (16 + frame);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pcap), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xA1B2C3D4)
                    .putShort((short) 2)
                    .putShort((short) 4)
                    .putInt(0)
                    .putInt(0);
            h.putInt(65535).putInt(1);
            out.write(h.array());
            ByteBuffer r = ByteBuffer.allocate(16 + frame).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < records; i++) {
                r.clear();
                r.putInt((int) i).putInt(0).putInt(frame).putInt(frame);
                out.write(r.array());
            }
        }
        assertThat(Files.size(pcap)).isGreaterThan(500L << 20);
        Path out = dir.resolve("plan.txt");
        Run run = java("-Xmx128m", List.of("plan", "--capture", pcap.toString(), "--packets", "1"), out);
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(Files.readString(out)).startsWith("packet 0 len=1514 ").doesNotContain("packet 1 ");
        // reading stops at the first frame: far quicker than reading 512 MB twice
        assertThat(run.millis()).isLessThan(10_000);
    }

    @Test
    void simulateOfAMillionTcpBulkPacketsStaysIn256MiB() throws Exception {
        Run run = java(
                "-Xmx256m", List.of("simulate", "--workload", "tcp-bulk", "--packets", "1000000", "--quiet"), null);
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
    }

    @Test
    void aFreshCloneBuildsTheRunnableJarAndTheLauncherRunsIt() throws Exception {
        Path project = Path.of(System.getProperty("netbackrx.projectDir"));
        Path clone = dir.resolve("clone");
        assertThat(run(List.of("git", "clone", "-q", project.toString(), clone.toString()), null, null)
                        .status())
                .isZero();
        Path version = dir.resolve("version.txt");
        Run first = run(List.of("./netback-rx", "--version"), version, clone);
        assertThat(first.status()).as(first.err()).isZero();
        String expected = "netback-rx " + VersionProvider.version() + "\n";
        assertThat(Files.readString(version)).isEqualTo(expected);
        assertThat(first.err()).contains("building the command line with Maven");
        // the jar the launcher built: runnable alone, its dependencies inside, no test library
        Path jar = clone.resolve("target").resolve(cliJar().getFileName());
        assertThat(jar).isRegularFile();
        assertThat(clone.resolve("target").resolve("netback-rx-cli.jsa")).isRegularFile();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Implementation-Version"))
                    .isEqualTo(VersionProvider.version());
            List<String> names = j.stream().map(e -> e.getName()).toList();
            assertThat(names).contains("picocli/CommandLine.class", "io/github/netbackrx/cli/Main.class");
            assertThat(names)
                    .noneMatch(n -> n.startsWith("org/junit/")
                            || n.startsWith("org/assertj/")
                            || n.startsWith("com/tngtech/")
                            || n.startsWith("com/code_intelligence/"));
        }
        Path plan = dir.resolve("plan.txt");
        Files.writeString(dir.resolve("one.trace"), "head=0+54 frag=0+100\n");
        Run second =
                run(List.of("./netback-rx", "plan", dir.resolve("one.trace").toString()), plan, clone);
        assertThat(second.status()).isZero();
        assertThat(second.err()).isEmpty(); // built already: no Maven this time
        assertThat(Files.readString(plan)).startsWith("packet 0 len=154 estimate=1 slots=1\n");
        Run alone = java("-Xmx64m", List.of("--version"), version);
        assertThat(alone.status()).isZero();
        assertThat(Files.readString(version)).isEqualTo(expected);
    }
}
