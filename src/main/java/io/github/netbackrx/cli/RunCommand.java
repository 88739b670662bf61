package io.github.netbackrx.cli;

import io.github.netbackrx.sim.Scenario;
import io.github.netbackrx.sim.ScenarioFormatException;
import io.github.netbackrx.trace.LineError;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netback-rx run}: replays a scenario and prints the engine's event log. */
@Command(
        name = "run",
        header = "Replay a scenario (guests posting, packets offered, backend actions) and print one line per engine"
                + " event.",
        description = {
            "SCENARIO scripts every step: 'netifs N [start=X]' first, then post, consume, xmit, action, timeout"
                    + " and fail lines, with irq, features, can_queue, mtu, groups (2010) and queues (rx.c)"
                    + " settings before them. The log is the canonical event log of docs/engine-format.md: under"
                    + " 2010 and 3.13 it is what the driver code does, line for line.",
            "",
            "A bad line prints nothing on standard output and 'line N: reason' on standard error."
        },
        exitCodeList = {
            "0:the scenario ran",
            "1:the modelled driver would have hit a BUG() (the last line, 'bug ...', says which)",
            "2:bad usage or a bad scenario line",
            "3:internal error"
        })
final class RunCommand extends CommandBase implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileOption profileOption;

    @Parameters(paramLabel = "SCENARIO", description = "the scenario file, or - for standard input")
    private String file;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Scenario scenario;
        try (Reader in = file.equals("-")
                ? new InputStreamReader(main().stdin(), StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            scenario = Scenario.parse(in);
            // a first replay without a log finds the lines the profile or the state reached refuses
            scenario.run(profileOption.profile(), null);
        } catch (ScenarioFormatException e) {
            for (LineError le : e.errors()) {
                err.print(le + "\n");
            }
            err.flush();
            return ExitStatus.BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.print(spec.qualifiedName() + ": no such file: " + file + "\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        } catch (IOException e) {
            err.print(spec.qualifiedName() + ": cannot read " + file + ": " + PacketSource.plainReason(e) + "\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        Scenario.Outcome outcome;
        try {
            outcome = scenario.run(profileOption.profile(), line -> out.print(line + "\n"));
        } catch (ScenarioFormatException e) {
            throw new IllegalStateException("the second replay refused what the first accepted", e);
        }
        out.flush();
        return outcome == Scenario.Outcome.BUG ? ExitStatus.FINDING : ExitStatus.OK;
    }
}
