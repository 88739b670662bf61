package io.github.netbackrx.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code netback-rx bench}: runs the JMH suite ({@code target/benchmarks.jar}, built with {@code mvn
 * -Pbench package} when it is missing) with short default settings and prints JMH's output, which
 * ends with its result table. Every argument this command does not know goes to JMH unchanged and,
 * being later, overrides the defaults.
 */
@Command(
        name = "bench",
        header = "Run the JMH benchmarks and print their result table.",
        customSynopsis = "netback-rx bench [-hV] [--dry-run] [--quick] [--project=DIR] [[--] JMH-ARG...]",
        description = {
            "Runs target/benchmarks.jar (building it first with 'mvn -q -Pbench -DskipTests package' when it"
                    + " is missing) with short settings: " + BenchCommand.DEFAULTS_TEXT + " (--quick: "
                    + BenchCommand.QUICK_TEXT + "). Every other argument goes to JMH in"
                    + " order and overrides these (a '--' first passes even this command's own option names), e.g."
                    + " 'netback-rx bench PlanBenchmark -p policy=COALESCE -prof gc'; 'netback-rx bench -- -h' lists"
                    + " JMH's options. docs/performance.md"
                    + " holds measured figures and the commands behind them."
        },
        exitCodeList = {"0:ok", "2:bad usage, or the build or JMH failed", "3:internal error"})
final class BenchCommand extends CommandBase implements Callable<Integer> {
    /** JMH settings unless told otherwise: one fork, 2 warm-up and 3 measured iterations of 1 s. */
    static final List<String> DEFAULTS = List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s");

    /** JMH settings of {@code --quick}: a smoke run, 1 warm-up and 2 measured iterations of 200 ms. */
    static final List<String> QUICK = List.of("-f", "1", "-wi", "1", "-i", "2", "-w", "200ms", "-r", "200ms");

    static final String DEFAULTS_TEXT = "-f 1 -wi 2 -i 3 -w 1s -r 1s";
    static final String QUICK_TEXT = "-f 1 -wi 1 -i 2 -w 200ms -r 200ms";

    /** The Maven command that builds the benchmark jar. */
    static final List<String> BUILD = List.of("mvn", "-q", "-Pbench", "-DskipTests", "package");

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "a smoke run: " + QUICK_TEXT + " instead of " + DEFAULTS_TEXT)
    boolean quick;

    @Option(
            names = "--project",
            paramLabel = "DIR",
            description = "the netback-rx checkout holding pom.xml (default: the one this command runs from)")
    Path project;

    @Option(
            names = "--dry-run",
            description = "print the commands that would run (build if needed, then JMH), run nothing")
    boolean dryRun;

    /** Everything this command does not know itself goes to JMH, in order. */
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = project != null ? project : defaultProject();
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--project: no pom.xml in " + dir + " (give the netback-rx checkout)");
        }
        Path jar = dir.resolve("target").resolve("benchmarks.jar");
        List<String> jmh = jmhCommand(javaLauncher(), jar, quick, jmhArgs);
        boolean build = !Files.isRegularFile(jar);
        if (dryRun) {
            if (build) {
                out.print(String.join(" ", BUILD) + "\n");
            }
            out.print(String.join(" ", jmh) + "\n");
            out.flush();
            return ExitStatus.OK;
        }
        if (build) {
            err.print("bench: " + jar + " is missing; building it: " + String.join(" ", BUILD) + "\n");
            err.flush();
            int status = run(BUILD, dir, out);
            if (status != 0 || !Files.isRegularFile(jar)) {
                err.print("bench: the build failed (exit status " + status + ")\n");
                err.flush();
                return ExitStatus.BAD_INPUT;
            }
        }
        int status = run(jmh, dir, out);
        if (status != 0) {
            err.print("bench: JMH exited with status " + status + "\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        return ExitStatus.OK;
    }

    /**
     * The JMH command line: {@code java -jar JAR}, the default (or quick) settings, then the user's
     * arguments, which JMH lets override the earlier ones.
     */
    static List<String> jmhCommand(String java, Path jar, boolean quick, List<String> extra) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(quick ? QUICK : DEFAULTS);
        cmd.addAll(extra);
        return cmd;
    }

    /** Runs a command in {@code dir}, copying its merged output to {@code out} line by line. */
    private static int run(List<String> command, Path dir, PrintWriter out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.print(line + "\n");
                out.flush();
            }
        }
        return p.waitFor();
    }

    /** The running JVM's {@code java}, so the benchmarks run on the same JDK. */
    static String javaLauncher() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    /**
     * The checkout this command runs from: the launcher puts {@code target/classes} on the class
     * path, two levels below the project; otherwise the working directory.
     */
    static Path defaultProject() {
        try {
            Path classes = Path.of(BenchCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path parent = classes.getParent();
            if (parent != null && parent.getParent() != null && Files.isDirectory(classes)) {
                return parent.getParent();
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through: no usable code source
        }
        return Path.of("").toAbsolutePath();
    }
}
