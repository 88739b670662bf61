package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.PlanPrinter;
import io.github.netbackrx.trace.TraceParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code netback-rx demo}: plans a built-in sample trace under every packing policy, one after the
 * other, so their layouts can be compared. Findings are part of the show (the rule before 2010
 * leaves the first buffer empty for an empty head) and are printed on standard output.
 */
@Command(
        name = "demo",
        header = "Show every packing policy at work on a built-in sample trace.",
        description = {
            "Plans a built-in sample trace (the worked examples of docs/plan-format.md and a few everyday"
                    + " packets) under every packing policy and prints the plans one policy after the other,"
                    + " with the findings of each. Findings are expected here (they show the historical"
                    + " bugs), so they go to standard output and do not change the exit status.",
            "Then runs the built-in realistic mix through the whole path (the 'simulate' command) and"
                    + " verifies every delivered byte."
        },
        exitCodeList = {"0:ok", "1:a delivered byte differs", "2:bad usage", "3:internal error"})
final class DemoCommand extends CommandBase implements Callable<Integer> {

    /** Packets of the built-in mix the demo's simulation sends. */
    static final int DEMO_PACKETS = 5000;

    /** The sample trace, a resource beside this class. */
    static final String SAMPLE = "sample.trace";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String sample = sampleTrace();
        ParsedTrace trace;
        try {
            trace = TraceParser.read(new java.io.StringReader(sample));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!trace.isValid()) {
            throw new IllegalStateException("the built-in sample trace is bad: " + trace.errors());
        }
        // every policy is planned first, so that the demo can lead with the summary
        StringBuilder sections = new StringBuilder();
        List<String> summaries = new ArrayList<>();
        for (PackingPolicy policy : PackingPolicy.values()) {
            sections.append("\n== policy " + policy.label() + summary(policy) + " ==\n\n");
            TracePlanner.Result result = TracePlanner.plan(trace, policy);
            for (LineError error : result.errors()) {
                sections.append("refused: " + error + "\n");
            }
            int slots = 0;
            int estimate = 0;
            int ops = 0;
            int findings = 0;
            for (TracePlanner.Planned p : result.packets()) {
                PlanPrinter.print(p.index(), p.packet().skb(), p.plan(), sections);
                for (Finding f : p.findings()) {
                    sections.append("finding: " + TracePlanner.finding(p.index(), f) + "\n");
                }
                slots += p.plan().slotCount();
                estimate += p.plan().estimate();
                ops += p.plan().ops().size();
                findings += p.findings().size();
            }
            String summary = policy.label() + ": " + result.packets().size() + " packets planned, "
                    + result.errors().size() + " refused; " + slots + " ring slots used of " + estimate
                    + " estimated; " + ops + " copy ops; " + findings + (findings == 1 ? " finding\n" : " findings\n");
            summaries.add(summary);
            sections.append("\n" + summary);
        }
        out.print("netback-rx demo: how each packing policy lays packets onto the guest's RX ring\n");
        out.print("\n== summary: the sample trace under every policy ==\n\n");
        summaries.forEach(out::print);
        out.print("\nThe sample trace (docs/plan-format.md describes both formats):\n\n");
        for (String line : sample.lines().collect(Collectors.toList())) {
            out.print(line.isEmpty() ? "\n" : "    " + line + "\n");
        }
        out.print(sections);
        out.print("\n== simulation: the built-in mix through netback, GNTTABOP_copy and netfront ==\n\n");
        io.github.netbackrx.sim.SimulationStatistics st = Simulator.run(PackingPolicy.COALESCE, DEMO_PACKETS, 1, out);
        out.flush();
        return st.mismatched() == 0 ? ExitStatus.OK : ExitStatus.FINDING;
    }

    /** A few words on a policy for its heading. */
    private static String summary(PackingPolicy policy) {
        return switch (policy) {
            case COALESCE -> ": the 2010 rule, bytes packed into as few 4096-byte buffers as it can";
            case PER_FRAG -> ": the rule before 2010, one buffer per head and per fragment";
            case COALESCE_COMPOUND -> ": Linux 3.7-3.19, the 2010 rule on 4 KiB source-frame chunks";
            case FULL_PAGE -> ": Linux rx.c, every slot filled to 4096 bytes";
            case FREEBSD -> ": FreeBSD netback, full slots, source frames not honoured";
        };
    }

    /** The built-in sample trace. */
    static String sampleTrace() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SAMPLE + " is missing from the build");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                List<String> lines = reader.lines().collect(Collectors.toList());
                return String.join("\n", lines) + "\n";
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
