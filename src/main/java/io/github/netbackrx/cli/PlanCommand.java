package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.trace.PlanPrinter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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
        customSynopsis = {
            "netback-rx plan [-hV] [--policy=POLICY] [--max-buffer-offset=BYTES]",
            "                       [--gso=TYPES] [--gso-prefix=TYPES] [--no-hash]",
            "                       [--faithful] [--packets=N] [--seed=S]",
            "                       (FILE | --workload=NAME |",
            "                        --capture=PCAP [--capture-head=BYTES])"
        },
        header = "Print how a packing policy lays each packet of a trace onto the guest's RX ring.",
        descriptionHeading = "%n",
        description = {
            "Reads packets in the trace format, one per line (for example 'head=0+54 frag=0+100 gso=1448"
                    + " csum=partial'), or takes them from a built-in workload (--workload) or a pcap/pcapng"
                    + " capture (--capture), and prints for each one the policy's slot estimate, the grant-copy"
                    + " operations and the ring responses in the canonical plan output.",
            "",
            "The whole input is checked first: on bad input nothing is printed and each bad line, or"
                    + " packet the policy refuses, is reported on standard error as 'line N: reason' ('frame N' of a"
                    + " capture, 'packet I' of a workload). Every"
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

    @Mixin
    private PacketSource source;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        source.validate(true);
        RxPacker packer = packerOptions.packer(policy);
        PacketSource.Loaded input = source.load(main.stdin(), err, PacketSource.DEFAULT_WORKLOAD_PACKETS);
        if (input == null) {
            return ExitStatus.BAD_INPUT;
        }
        TracePlanner.Result result = TracePlanner.plan(input.trace(), packer);
        if (!result.errors().isEmpty()) {
            return input.report(err, result.errors());
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
}
