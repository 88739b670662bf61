package io.github.netbackrx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
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
 * {@code netback-rx bench}: runs the JMH suite of {@code target/benchmarks.jar} (built by {@code
 * ./mvnw -Pbench -DskipTests package}) through JMH's Java API — {@code CommandLineOptions} and
 * {@code Runner}, loaded from that jar — with short default settings, and prints JMH's output, which
 * ends with its result table. Every argument this command does not know goes to JMH unchanged and,
 * being later, overrides the defaults. JMH failing (a benchmark that throws, a fork that dies) is
 * status 3; arguments JMH refuses are status 2.
 */
@Command(
        name = "bench",
        header = "Run the JMH benchmarks and print their result table.",
        customSynopsis = "netback-rx bench [-hV] [--dry-run] [--quick] [--project=DIR] [[--] JMH-ARG...]",
        description = {
            "Runs the benchmarks of target/benchmarks.jar (build it with './mvnw -Pbench -DskipTests package')"
                    + " through JMH's Java API, with short settings: " + BenchCommand.DEFAULTS_TEXT + " (--quick: "
                    + BenchCommand.QUICK_TEXT + "). Every other argument goes to JMH in"
                    + " order and overrides these (a '--' first passes even this command's own option names), e.g."
                    + " 'netback-rx bench PlanBenchmark -p policy=COALESCE -prof gc'; 'netback-rx bench -- -h' lists"
                    + " JMH's options. docs/performance.md"
                    + " holds measured figures and the commands behind them."
        },
        exitCodeList = {
            "0:ok",
            "2:bad usage: no benchmarks.jar, or arguments JMH refuses",
            "3:JMH failed (a benchmark threw, a fork died), or an internal error"
        })
final class BenchCommand extends CommandBase implements Callable<Integer> {
    /** JMH settings unless told otherwise: one fork, 2 warm-up and 3 measured iterations of 1 s. */
    static final List<String> DEFAULTS = List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s");

    /** JMH settings of {@code --quick}: a smoke run, 1 warm-up and 2 measured iterations of 200 ms. */
    static final List<String> QUICK = List.of("-f", "1", "-wi", "1", "-i", "2", "-w", "200ms", "-r", "200ms");

    static final String DEFAULTS_TEXT = "-f 1 -wi 2 -i 3 -w 1s -r 1s";
    static final String QUICK_TEXT = "-f 1 -wi 1 -i 2 -w 200ms -r 200ms";

    /** The command that builds the benchmark jar (this command does not run it). */
    static final String BUILD = "./mvnw -Pbench -DskipTests package";

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
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = project != null ? project : defaultProject();
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--project: no pom.xml in " + dir + " (give the netback-rx checkout)");
        }
        Path jar = dir.resolve("target").resolve("benchmarks.jar");
        List<String> args = jmhArguments(quick, jmhArgs);
        if (dryRun) {
            out.print("JMH from " + jar + ": " + String.join(" ", args) + "\n");
            if (!Files.isRegularFile(jar)) {
                out.print("(missing: build it with " + BUILD + ")\n");
            }
            out.flush();
            return ExitStatus.OK;
        }
        if (!Files.isRegularFile(jar)) {
            err.print("bench: " + jar + " is missing: build it with " + BUILD + " in " + dir + "\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        out.flush();
        return runJmh(jar, args, err);
    }

    /** The arguments given to JMH: the default (or quick) settings, then the user's, which override them. */
    static List<String> jmhArguments(boolean quick, List<String> extra) {
        List<String> args = new ArrayList<>(quick ? QUICK : DEFAULTS);
        args.addAll(extra);
        return args;
    }

    /**
     * Runs JMH in this JVM through its API, as its own {@code Main} does: {@code CommandLineOptions}
     * parse the arguments, a {@code Runner} lists or runs the benchmarks and prints on standard
     * output. JMH's classes and the benchmarks come from {@code jar} (a class loader of its own: the
     * command line does not carry JMH); the benchmark forks JMH starts run {@code java -cp jar}, so
     * {@code java.class.path} names the jar while JMH runs.
     */
    private static int runJmh(Path jar, List<String> args, PrintWriter err) throws IOException {
        String classPath = System.getProperty("java.class.path");
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            System.setProperty("java.class.path", jar.toString());
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> optionsClass = loader.loadClass("org.openjdk.jmh.runner.options.CommandLineOptions");
            Object options;
            try {
                options = optionsClass.getConstructor(String[].class).newInstance((Object) args.toArray(new String[0]));
            } catch (InvocationTargetException e) {
                err.print("bench: JMH refuses the arguments: " + e.getCause().getMessage() + "\n");
                err.flush();
                return ExitStatus.BAD_INPUT;
            }
            if ((Boolean) optionsClass.getMethod("shouldHelp").invoke(options)) {
                optionsClass.getMethod("showHelp").invoke(options);
                return ExitStatus.OK;
            }
            Class<?> optionsType = loader.loadClass("org.openjdk.jmh.runner.options.Options");
            Class<?> runnerClass = loader.loadClass("org.openjdk.jmh.runner.Runner");
            Object runner = runnerClass.getConstructor(optionsType).newInstance(options);
            if ((Boolean) optionsClass.getMethod("shouldList").invoke(options)) {
                runnerClass.getMethod("list").invoke(runner);
                return ExitStatus.OK;
            }
            runnerClass.getMethod("run").invoke(runner);
            return ExitStatus.OK;
        } catch (InvocationTargetException e) {
            err.print("bench: JMH failed: " + e.getCause() + "\n");
            err.flush();
            return ExitStatus.INTERNAL_ERROR;
        } catch (ReflectiveOperationException | ClassCastException e) {
            err.print("bench: " + jar + " is not a JMH benchmark jar (" + e + "); rebuild it with " + BUILD + "\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        } finally {
            Thread.currentThread().setContextClassLoader(context);
            System.setProperty("java.class.path", classPath);
        }
    }

    /**
     * The checkout this command runs from: the runnable jar is {@code target/netback-rx-cli-*.jar}
     * and the classes of a build {@code target/classes}, both two levels below the project;
     * otherwise the working directory.
     */
    static Path defaultProject() {
        try {
            Path classes = Path.of(BenchCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path parent = classes.getParent();
            if (parent != null
                    && parent.getParent() != null
                    && parent.getFileName().toString().equals("target")) {
                return parent.getParent();
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through: no usable code source
        }
        return Path.of("").toAbsolutePath();
    }
}
