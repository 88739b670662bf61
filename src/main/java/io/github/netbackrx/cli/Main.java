package io.github.netbackrx.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
        subcommands = {
            PlanCommand.class,
            SimulateCommand.class,
            RunCommand.class,
            CalibrateCommand.class,
            CompareCommand.class,
            LayoutCommand.class,
            BugsCommand.class,
            WorkloadsCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:ok",
            "1:a finding (a plan broke an invariant of the model)",
            "2:bad usage or bad input",
            "3:internal error (a bug in netback-rx)"
        })
public final class Main implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final InputStream stdin;
    private final boolean terminal;

    private Main(InputStream stdin, boolean terminal) {
        this.stdin = stdin;
        this.terminal = terminal;
    }

    /**
     * Runs the command line and exits the JVM with its exit status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int status = run(args, System.in, out, err, Terminal.interactive());
        out.flush();
        err.flush();
        System.exit(status);
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
        Objects.requireNonNull(args, "args");
        CommandLine cli = commandLine(stdin, terminal);
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Builds the command tree with the exit-status conventions of the project. */
    static CommandLine commandLine(InputStream stdin, boolean terminal) {
        CommandLine cli = new CommandLine(new Main(Objects.requireNonNull(stdin, "stdin"), terminal));
        cli.setExitCodeExceptionMapper(e -> ExitStatus.INTERNAL_ERROR);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().print(commandLine.getCommandName() + ": internal error: " + e + "\n");
            e.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return ExitStatus.INTERNAL_ERROR;
        });
        return cli;
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
