package io.github.netbackrx.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code netback-rx} command line. Exit statuses are the same for every command: {@value
 * ExitStatus#OK} ok, {@value ExitStatus#FINDING} a finding (a broken invariant), {@value
 * ExitStatus#BAD_INPUT} bad usage or bad input, {@value ExitStatus#INTERNAL_ERROR} an internal
 * error (a bug in netback-rx).
 */
@Command(
        name = "netback-rx",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "A byte-exact model of the Xen netback guest-RX path: how a packet (a linear head plus page"
                    + " fragments) lands on the guest's RX ring under each packing policy.",
            "",
            "Start with 'netback-rx demo'; 'netback-rx help COMMAND' describes a command."
        },
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:ok",
            "1:a finding (a plan broke an invariant of the model)",
            "2:bad usage or bad input",
            "3:internal error (a bug in netback-rx)"
        })
public final class Main implements Callable<Integer> {

    /**
     * The commands, in the order the help lists them. Only the one a run names is built (picocli
     * reflects over a command's classes to build it, which is most of the start-up time), all of them
     * for the help and for a name that is no command.
     */
    static final List<Class<?>> COMMANDS = List.of(
            PlanCommand.class,
            SimulateCommand.class,
            RunCommand.class,
            CalibrateCommand.class,
            SweepCommand.class,
            CompareCommand.class,
            LayoutCommand.class,
            BugsCommand.class,
            WorkloadsCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class);

    @Spec
    private CommandSpec spec;

    private final InputStream stdin;
    private final boolean terminal;

    /** Standard output as bytes, for bulk text ({@link TextOut}); null in-process. */
    private final OutputStream bytes;

    private Main(InputStream stdin, boolean terminal, OutputStream bytes) {
        this.stdin = stdin;
        this.bytes = bytes;
        this.terminal = terminal;
    }

    /**
     * Runs the command line and exits the JVM with its exit status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // the library logs through SLF4J; the command line's binding (slf4j-simple) shows errors only
        // unless told otherwise (--verbose, --quiet, or the property itself)
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "error");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int status;
        try {
            status = run(args, System.in, out, err, Terminal.interactive(), stdout);
            out.flush();
        } catch (OutOfMemoryError e) {
            status = outOfMemory(err, "netback-rx");
        }
        err.flush();
        System.exit(status);
    }

    /** The system property slf4j-simple reads its default level from. */
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /**
     * {@code --verbose}: every event the library logs, down to debug (for example each packet a
     * vif drops and why).
     */
    @Option(
            names = {"-v", "--verbose"},
            scope = CommandLine.ScopeType.INHERIT,
            description = "log every event of the model (each drop and its reason) on standard error")
    void verbose(boolean on) {
        if (on) {
            System.setProperty(LOG_LEVEL, "debug");
        }
    }

    /** {@code --quiet}: nothing logged at all, not even errors. */
    @Option(
            names = {"-q", "--quiet"},
            scope = CommandLine.ScopeType.INHERIT,
            description = "log nothing, not even the model's errors (results and problems are still reported)")
    void quiet(boolean on) {
        if (on) {
            System.setProperty(LOG_LEVEL, "off");
        }
    }

    /**
     * Reports that the heap ran out, in one line, and returns {@link ExitStatus#INTERNAL_ERROR}:
     * netback-rx reads its inputs as streams, so this is a bug or a heap set too small.
     */
    static int outOfMemory(PrintWriter err, String command) {
        long max = Runtime.getRuntime().maxMemory() >> 20;
        err.print(command + ": out of memory (the heap limit is " + max + " MiB; it can be raised with"
                + " NETBACKRX_JAVA_OPTS=-Xmx...)\n");
        err.flush();
        return ExitStatus.INTERNAL_ERROR;
    }

    /**
     * Runs the command line in-process, with the given streams (tests use this).
     *
     * @param args the arguments
     * @param stdin what {@code -} reads
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    static int run(String[] args, InputStream stdin, PrintWriter out, PrintWriter err) {
        return run(args, stdin, out, err, false);
    }

    /**
     * As {@link #run(String[], InputStream, PrintWriter, PrintWriter)}, saying whether the output
     * streams are a terminal (progress bars are drawn only then).
     */
    static int run(String[] args, InputStream stdin, PrintWriter out, PrintWriter err, boolean terminal) {
        return run(args, stdin, out, err, terminal, null);
    }

    private static int run(
            String[] args, InputStream stdin, PrintWriter out, PrintWriter err, boolean terminal, OutputStream bytes) {
        Objects.requireNonNull(args, "args");
        CommandLine cli = commandLine(stdin, terminal, bytes, args);
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(err, "netback-rx");
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Builds the command tree with the exit-status conventions of the project. */
    static CommandLine commandLine(InputStream stdin, boolean terminal, OutputStream bytes, String[] args) {
        CommandLine cli = new CommandLine(new Main(Objects.requireNonNull(stdin, "stdin"), terminal, bytes));
        String named = commandNamed(args);
        for (Class<?> command : COMMANDS) {
            if (named == null
                    || named.equals(command.getAnnotation(Command.class).name())) {
                cli.addSubcommand(command);
            }
        }
        cli.setExitCodeExceptionMapper(e -> ExitStatus.INTERNAL_ERROR);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UncheckedIOException io && io.getCause() != null) {
                // an output that can no longer be written (a closed pipe): no bug, nothing more to say
                commandLine
                        .getErr()
                        .print(commandLine.getCommandSpec().qualifiedName() + ": cannot write: "
                                + PacketSource.plainReason(io.getCause()) + "\n");
                commandLine.getErr().flush();
                return ExitStatus.INTERNAL_ERROR;
            }
            commandLine.getErr().print(commandLine.getCommandName() + ": internal error: " + e + "\n");
            e.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return ExitStatus.INTERNAL_ERROR;
        });
        return cli;
    }

    /**
     * The command a run names, when it names one and only that one is needed: the first argument
     * that is not an option, unless it is {@code help} or no command at all (then null: every
     * command is built).
     */
    private static String commandNamed(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                for (Class<?> command : COMMANDS) {
                    String name = command.getAnnotation(Command.class).name();
                    if (name.equals(arg) && !name.equals("help")) {
                        return name;
                    }
                }
                return null;
            }
        }
        return null;
    }

    /** A usage error: the message and a pointer to the help, on standard error; status 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        String name = cli.getCommandSpec().qualifiedName();
        err.print(name + ": " + e.getMessage() + "\n");
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            unmatched.printSuggestions(err);
        }
        err.print("Try '" + name + " --help' for more information.\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }

    /**
     * Text output in bulk to standard output: through its bytes when running as a process (the
     * text is ASCII, so no encoder is needed), else through {@code out}.
     */
    TextOut textOut(PrintWriter out) {
        return new TextOut(out, bytes);
    }

    /** The input stream {@code -} reads. */
    InputStream stdin() {
        return stdin;
    }

    /** Whether standard output and standard error are a terminal. */
    boolean terminal() {
        return terminal;
    }

    /** Without a command: a usage error. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing command (one of: " + String.join(", ", commandNames()) + ")");
    }

    private Iterable<String> commandNames() {
        return spec.subcommands().keySet();
    }
}
