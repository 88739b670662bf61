package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.PlanPrinter;
import io.github.netbackrx.trace.TraceParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code netback-rx plan}: prints how a policy lays each packet of a trace onto the RX ring. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Print how a packing policy lays each packet of a trace onto the guest's RX ring.",
        descriptionHeading = "%n",
        description = {
            "Reads packets in the trace format, one per line (for example 'head=0+54 frag=0+100 gso=1448"
                    + " csum=partial'), and prints for each one the policy's slot estimate, the grant-copy"
                    + " operations and the ring responses in the canonical plan output.",
            "",
            "The whole input is checked first: on bad input nothing is printed and each bad line, or"
                    + " packet the policy refuses, is reported on standard error as 'line N: reason'. Every"
                    + " plan is checked against the model's invariants; a broken one is reported on standard"
                    + " error as 'packet I: NAME: details'. Both formats are described in"
                    + " docs/plan-format.md."
        },
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every plan printed, no finding",
            "1:every plan printed, some plan broke an invariant",
            "2:bad usage, unreadable file, bad trace line or a packet the policy refuses",
            "3:internal error"
        })
final class PlanCommand implements Callable<Integer> {

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand
    private Main main;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "coalesce",
            converter = PolicyOption.Converter.class,
            completionCandidates = PolicyOption.Names.class,
            description = "packing policy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private PackingPolicy policy;

    @Mixin
    private PackerOptions packerOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "the trace file, or - for standard input")
    private String file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RxPacker packer = packerOptions.packer(policy);
        ParsedTrace trace;
        try (Reader in = open()) {
            trace = TraceParser.read(in);
        } catch (NoSuchFileException e) {
            return cannotRead(err, "no such file");
        } catch (CharacterCodingException e) {
            return cannotRead(err, "not UTF-8 text");
        } catch (IOException | InvalidPathException e) {
            return cannotRead(err, e.toString());
        }
        TracePlanner.Result result = TracePlanner.plan(trace, packer);
        if (!result.errors().isEmpty()) {
            for (LineError error : result.errors()) {
                err.print(error + "\n");
            }
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        for (TracePlanner.Planned p : result.packets()) {
            PlanPrinter.print(p.index(), p.packet().skb(), p.plan(), out);
            if (!p.findings().isEmpty()) {
                out.flush();
                for (Finding f : p.findings()) {
                    err.print(TracePlanner.finding(p.index(), f) + "\n");
                }
                err.flush();
            }
        }
        out.flush();
        return result.hasFindings() ? ExitStatus.FINDING : ExitStatus.OK;
    }

    private Reader open() throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(main.stdin(), StandardCharsets.UTF_8.newDecoder()));
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    private int cannotRead(PrintWriter err, String why) {
        String what = file.equals("-") ? "standard input" : "'" + file + "'";
        err.print(spec.qualifiedName() + ": cannot read " + what + ": " + why + "\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }
}
