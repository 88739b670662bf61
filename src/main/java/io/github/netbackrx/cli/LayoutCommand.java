package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.trace.TraceFormatException;
import io.github.netbackrx.trace.TraceParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netback-rx layout}: draws how one packet is laid out, as text and optionally as SVG. */
@Command(
        name = "layout",
        header = "Draw how one packet is laid out: source areas, copy ops, ring slots.",
        description = {
            "Plans one packet, given in the trace format (for example 'head=0+54 frag=0+100 gso=1448"
                    + " csum=partial'; several arguments are joined with spaces), and draws the layout on"
                    + " standard output: the packet's areas in their 4 KiB frames, each grant-copy op, and"
                    + " each ring slot with the bytes that land in its guest buffer, one character per 64"
                    + " bytes (H is the head, 0-9 and a-z the fragments). With --policy all, every policy is"
                    + " drawn one after the other (side by side in the SVG picture).",
            "",
            "Findings are drawn with the plan and make the exit status 1. A policy that refuses the"
                    + " packet is drawn as refused under --policy all; when it is the only policy asked for,"
                    + " the refusal is an input error (status 2)."
        },
        exitCodeList = {
            "0:drawn, no finding",
            "1:drawn, some plan broke an invariant",
            "2:bad usage, a bad packet, a packet every policy asked for refuses, or an SVG file that cannot be written",
            "3:internal error"
        })
final class LayoutCommand extends CommandBase implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "coalesce",
            completionCandidates = PolicyOption.NamesAndAll.class,
            description = "packing policy, or all: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private String policy;

    @Option(
            names = "--svg",
            paramLabel = "FILE",
            description = "also write the picture as SVG to FILE (- writes it to standard output instead of the"
                    + " text drawing)")
    private String svg;

    @Parameters(arity = "1..*", paramLabel = "PACKET", description = "the packet in the trace format")
    private List<String> packet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<PackingPolicy> policies;
        try {
            policies = PolicyOption.parseOrAll(policy);
        } catch (IllegalArgumentException e) {
            return fail(err, "Invalid value for option '--policy': " + e.getMessage());
        }
        Skb skb;
        try {
            skb = TraceParser.parsePacket(String.join(" ", packet));
        } catch (TraceFormatException e) {
            return fail(err, "bad packet: " + e.errors().get(0).reason());
        }
        List<LayoutDrawing.Column> columns = new ArrayList<>();
        boolean findings = false;
        for (PackingPolicy p : policies) {
            try {
                RxPlan plan = RxPacker.of(p).plan(skb);
                List<Finding> f = PlanChecker.check(skb, plan);
                findings |= !f.isEmpty();
                columns.add(new LayoutDrawing.Column(p, plan, f, null));
            } catch (PolicyViolationException e) {
                if (policies.size() == 1) {
                    return fail(err, TracePlanner.refusal(p, e));
                }
                columns.add(new LayoutDrawing.Column(p, null, List.of(), e.getMessage()));
            }
        }
        if (columns.stream().allMatch(c -> c.plan() == null)) {
            for (LayoutDrawing.Column c : columns) {
                err.print(spec.qualifiedName() + ": policy " + c.policy().label() + " refuses the packet: "
                        + c.refusal() + "\n");
            }
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        if (svg != null) {
            String picture = LayoutDrawing.svg(skb, columns);
            if (svg.equals("-")) {
                out.print(picture);
            } else {
                try {
                    Files.writeString(Path.of(svg), picture, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return fail(err, "cannot write '" + svg + "': " + PacketSource.plainReason(e));
                } catch (InvalidPathException e) {
                    return fail(err, "cannot write '" + svg + "': not a valid file name");
                }
            }
        }
        if (svg == null || !svg.equals("-")) {
            out.print(LayoutDrawing.text(skb, columns));
        }
        out.flush();
        return findings ? ExitStatus.FINDING : ExitStatus.OK;
    }

    private int fail(PrintWriter err, String message) {
        err.print(spec.qualifiedName() + ": " + message + "\n");
        err.print("Try '" + spec.qualifiedName() + " --help' for more information.\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }
}
