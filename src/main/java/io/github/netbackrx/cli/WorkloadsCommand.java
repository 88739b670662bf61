package io.github.netbackrx.cli;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.trace.TraceWriter;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netback-rx workloads}: lists the built-in packet mixes, or prints packets of one as a trace. */
@Command(
        name = "workloads",
        header = "List the built-in workloads, or print packets of one as a trace.",
        description = {
            "Without NAME, lists the built-in seeded packet mixes with what each contains"
                    + " (docs/workloads.md says why each is realistic). With NAME, prints COUNT packets of"
                    + " that mix in the trace format, the same for the same seed, ready for 'netback-rx"
                    + " plan -'. The trace format has no token for a foreign page: foreign fragments of the"
                    + " mixed workload are printed as plain fragments."
        },
        exitCodeList = {"0:ok", "2:bad usage (an unknown workload, a negative count)", "3:internal error"})
final class WorkloadsCommand extends CommandBase implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "NAME",
            description = "a workload: mtu, tcp-bulk, small-frags, imix, jumbo, mixed")
    private String name;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "COUNT",
            defaultValue = "10",
            description = "packets to print (default: ${DEFAULT-VALUE})")
    private int count;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "1",
            description = "the seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            for (WorkloadMix m : WorkloadMix.values()) {
                out.print(String.format(Locale.ROOT, "%-12s %s%n", m.label(), m.summary()));
            }
            out.flush();
            return ExitStatus.OK;
        }
        Workload w;
        try {
            w = Workload.named(name, seed);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (count < 0) {
            return usage("Invalid value for option '--count': " + count + " is negative");
        }
        out.print("# workload " + name + ", seed " + seed + ", " + count + " packets\n");
        for (int i = 0; i < count; i++) {
            Skb skb = w.next();
            out.print(TraceWriter.toLine(skb) + "\n");
        }
        out.flush();
        return ExitStatus.OK;
    }

    private int usage(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.print(spec.qualifiedName() + ": " + message + "\n");
        err.print("Try '" + spec.qualifiedName() + " --help' for more information.\n");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }
}
