package io.github.netbackrx.cli;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.SimulationStatistics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
        customSynopsis = {
            "netback-rx simulate [-hV] [--profile=PROFILE] [--policy=POLICY]",
            "                           [--packets=N] [--seed=S]",
            "                           [FILE | --workload=NAME |",
            "                            --capture=PCAP [--capture-head=BYTES]]"
        },
        header = "Run packets through netback, the hypervisor and netfront, and verify every delivered byte.",
        descriptionHeading = "%n",
        description = {
            "Sends packets through a netback engine (--profile), GNTTABOP_copy and a Linux netfront,"
                    + " and prints what was delivered and verified, dropped and errored, with ring slots, copy"
                    + " ops, hypercalls and notifications per packet.",
            "",
            "The packets come from FILE (a trace, each packet given random bytes from the seed), from"
                    + " --workload NAME (with the workload's own bytes), from --capture PCAP (each frame's own"
                    + " bytes), or by default from a built-in seeded mix of MTU frames, small ACKs, 64 KiB GSO"
                    + " packets, small-fragment packets and packets with foreign fragments. A trace or capture"
                    + " repeats to reach --packets. Runs of " + SimulateCommand.PROGRESS_MIN + " packets or more"
                    + " draw a progress bar on standard error when both standard output and standard error are"
                    + " a terminal."
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
    /** Packets of the built-in mix or a workload without {@code --packets}. */
    static final int DEFAULT_PACKETS = 10_000;

    /** Runs of at least this many packets show a progress bar (on a terminal). */
    static final int PROGRESS_MIN = 10_000;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private Main main;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "2010",
            converter = ProfileConverter.class,
            completionCandidates = ProfileNames.class,
            description = "netback engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private EngineProfile profile;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            converter = PolicyOption.Converter.class,
            completionCandidates = PolicyOption.Names.class,
            description = "packing policy: ${COMPLETION-CANDIDATES} (default: the engine's own: coalesce for 2010,"
                    + " coalesce-compound for 3.14, full-page for rx.c, freebsd for freebsd)")
    private PackingPolicy policy;

    @Mixin
    private PacketSource source;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        source.validate(false);
        Simulator.Feed feed;
        String name;
        Integer packets = source.packets();
        int count;
        if (source.isEmpty()) {
            feed = Simulator.Feed.builtIn();
            name = "the built-in mix";
            count = packets != null ? packets : DEFAULT_PACKETS;
        } else if (source.isWorkload()) {
            feed = Simulator.Feed.of(source.workload());
            count = packets != null ? packets : DEFAULT_PACKETS;
            name = "workload " + source.workload().mix().label();
        } else {
            // a trace or a capture: every packet of it, repeated to reach --packets
            PacketSource.Loaded input = source.loadAll(main.stdin(), err);
            if (input == null) {
                return ExitStatus.BAD_INPUT;
            }
            if (!input.trace().isValid()) {
                return input.report(err, input.trace().errors());
            }
            if (input.trace().packets().isEmpty()) {
                err.print(spec.qualifiedName() + ": the " + input.description() + " holds no packet\n");
                err.flush();
                return ExitStatus.BAD_INPUT;
            }
            List<Skb> skbs = input.skbs();
            feed = input.payloads() == null
                    ? Simulator.Feed.repeating(skbs)
                    : Simulator.Feed.repeating(skbs, input.payloads());
            count = packets != null ? packets : skbs.size();
            name = input.description();
        }
        ProgressBar progress = new ProgressBar("simulate", count, err, main.terminal() && count >= PROGRESS_MIN);
        SimulationStatistics st = Simulator.run(profile, policy, count, source.seed(), feed, name, out, progress);
        return st.mismatched() == 0 ? ExitStatus.OK : ExitStatus.FINDING;
    }

    /** Converts a label with {@link EngineProfile#fromLabel(String)}; an unknown name is a usage error. */
    static final class ProfileConverter implements CommandLine.ITypeConverter<EngineProfile> {
        @Override
        public EngineProfile convert(String value) {
            try {
                return EngineProfile.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The profiles' labels, for the help text. */
    static final class ProfileNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (EngineProfile p : EngineProfile.values()) {
                names.add(p.label());
            }
            return names.iterator();
        }
    }
}
