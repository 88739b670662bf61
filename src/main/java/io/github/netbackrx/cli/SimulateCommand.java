package io.github.netbackrx.cli;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.TracePacket;
import io.github.netbackrx.trace.TraceParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code netback-rx simulate}: runs packets through the whole guest-RX path and checks every byte. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Run packets through netback, the hypervisor and netfront, and verify every delivered byte.",
        descriptionHeading = "%n",
        description = {
            "Sends packets (from TRACE, each given random bytes from the seed, or a built-in seeded mix of"
                    + " MTU frames, small ACKs, 64 KiB GSO packets, small-fragment packets and packets with"
                    + " foreign fragments) through the 2010 netback engine, GNTTABOP_copy and a Linux netfront,"
                    + " and prints what was delivered and verified, dropped and errored, with ring slots, copy"
                    + " ops, hypercalls and notifications per packet."
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every delivered byte equals what was sent",
            "1:some delivered byte differs",
            "2:bad usage or bad input",
            "3:internal error"
        })
final class SimulateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

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

    @Option(
            names = "--packets",
            paramLabel = "N",
            description = "packets to send (default: 10000, or the trace's packets; a trace repeats)")
    private Integer packets;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "seed of the packets' bytes and of the built-in mix (default: ${DEFAULT-VALUE})")
    private long seed;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "TRACE",
            description = "a trace file, or - for standard input")
    private String file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (packets != null && packets < 1) {
            err.print(spec.qualifiedName() + ": --packets must be at least 1, got " + packets + "\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        List<Skb> trace = null;
        String source = "the built-in mix";
        if (file != null) {
            ParsedTrace parsed;
            try (Reader in = open()) {
                parsed = TraceParser.read(in);
            } catch (IOException | RuntimeException e) {
                err.print(spec.qualifiedName() + ": cannot read '" + file + "': " + e.getMessage() + "\n");
                err.flush();
                return ExitStatus.BAD_INPUT;
            }
            if (!parsed.isValid() || parsed.packets().isEmpty()) {
                for (LineError error : parsed.errors()) {
                    err.print(error + "\n");
                }
                if (parsed.packets().isEmpty()) {
                    err.print(spec.qualifiedName() + ": the trace holds no packet\n");
                }
                err.flush();
                return ExitStatus.BAD_INPUT;
            }
            trace = new ArrayList<>();
            for (TracePacket p : parsed.packets()) {
                trace.add(p.skb());
            }
            source = "trace " + file;
        }
        int count = packets != null ? packets : trace != null ? trace.size() : 10_000;
        SimulationStatistics st = Simulator.run(policy, count, seed, trace, source, out);
        return st.mismatched() == 0 ? ExitStatus.OK : ExitStatus.FINDING;
    }

    private Reader open() throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(main.stdin(), StandardCharsets.UTF_8.newDecoder()));
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }
}
