package io.github.netbackrx.cli;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.EventSink;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.sim.TimedHost;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netback-rx simulate}: runs packets through the whole guest-RX path and checks every byte. */
@Command(
        name = "simulate",
        header = "Run packets through netback, the hypervisor and netfront, and verify every delivered byte.",
        description = {
            "Sends packets through a netback engine (--profile) serving one or more guests (--guests), GNTTABOP_copy"
                    + " and a Linux netfront per guest ring, and prints what was delivered and verified, dropped and"
                    + " errored, with ring slots, copy ops, hypercalls and notifications per packet, and a row per guest.",
            "",
            "The packets come from FILE (a trace, each packet given random bytes from the seed), from"
                    + " --workload NAME (with the workload's own bytes), from --capture PCAP (each frame's own"
                    + " bytes), or by default from a built-in seeded mix of MTU frames, small ACKs, 64 KiB GSO"
                    + " packets, small-fragment packets and packets with foreign fragments. Every guest has its own"
                    + " source (a workload or the mix seeded with S + guest; a trace or capture repeated). --packets"
                    + " counts all guests together; --rounds R instead keeps every guest's sender backlogged for R"
                    + " rounds (a saturation run). The senders are closed-loop: a guest is offered packets only while"
                    + " fewer than " + KernelLimits.VIF_TX_QUEUE_LEN + " wait in its qdisc and fewer than a ring's"
                    + " worth on the host side of its ring, so memory stays bounded. Runs of "
                    + SimulateCommand.PROGRESS_MIN + " packets or more draw a progress bar on standard error when both"
                    + " standard output and standard error are a terminal."
        },
        exitCodeList = {
            "0:every delivered byte equals what was sent",
            "1:some delivered byte differs",
            "2:bad usage or bad input",
            "3:internal error"
        })
final class SimulateCommand extends CommandBase implements Callable<Integer> {
    /** Packets of the built-in mix or a workload without {@code --packets}. */
    static final int DEFAULT_PACKETS = 10_000;

    /** Runs of at least this many packets show a progress bar (on a terminal). */
    static final int PROGRESS_MIN = 10_000;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileOption profileOption;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            converter = PolicyOption.Converter.class,
            completionCandidates = PolicyOption.Names.class,
            description = "packing policy: ${COMPLETION-CANDIDATES} (default: the engine's own: coalesce for 2010,"
                    + " coalesce-compound for 3.13 and 3.14, full-page for rx.c, freebsd for freebsd)")
    private PackingPolicy policy;

    @Option(
            names = "--guests",
            paramLabel = "N",
            defaultValue = "1",
            description = "guests on the host, each its own domain, vif and netfront (default: ${DEFAULT-VALUE})")
    private int guests;

    @Option(
            names = "--groups",
            paramLabel = "G",
            description = "2010 only: netback groups (struct xen_netbk); each vif joins the least-loaded (default: 1)")
    private Integer groups;

    @Option(
            names = "--queues",
            paramLabel = "Q",
            defaultValue = "1",
            description = "rx.c only: queues per vif, each its own ring, event channel and thread; a packet without a"
                    + " hash gets a random flow hash, and goes to queue hash % Q (default: ${DEFAULT-VALUE})")
    private int queues;

    @Option(
            names = "--rounds",
            paramLabel = "R",
            description = "instead of --packets: run R rounds with every guest's sender always backlogged")
    private Integer rounds;

    @Option(
            names = "--actions-per-round",
            paramLabel = "A",
            description = "a backend CPU budget: each execution context runs at most A actions per round (default: as"
                    + " many as make progress)")
    private Integer actionsPerRound;

    @Option(
            names = "--noisy",
            paramLabel = "NAME",
            completionCandidates = PacketSource.WorkloadNames.class,
            description = "guest 0 sends workload NAME instead of the common source (a noisy neighbour)")
    private String noisy;

    @Option(
            names = "--events",
            paramLabel = "FILE",
            description = "write the engine's event log (docs/engine-format.md) to FILE")
    private Path events;

    @Option(
            names = "--rate",
            paramLabel = "PPS",
            description = "a timed run (docs/timing.md): each guest is offered PPS packets per second in simulated time"
                    + " (--arrivals), the backend's contexts and the guests' vCPUs priced by the default cost model;"
                    + " prints latency percentiles, throughput and utilisation per context")
    private Double rate;

    @Option(
            names = "--arrivals",
            paramLabel = "KIND",
            defaultValue = "poisson",
            description =
                    "with --rate: poisson (seeded by --seed) or constant (evenly spaced) (default: ${DEFAULT-VALUE})")
    private String arrivals;

    @Option(
            names = "--timestamps",
            description = "a timed run whose packets arrive at the times of the --capture file's frames (looped to"
                    + " reach --packets)")
    private boolean timestamps;

    @Option(
            names = "--payload-free",
            description = "timed runs: carry no packet bytes (layouts, slots, ops, hypercalls and notifications only;"
                    + " the same counters, nothing verified)")
    private boolean payloadFree;

    @Option(
            names = "--backend-cpus",
            paramLabel = "N",
            description = "timed runs: the CPUs the backend's contexts share (default: one per context)")
    private Integer backendCpus;

    @Option(
            names = "--series",
            paramLabel = "FILE.csv",
            description = "timed runs: write a time series to FILE.csv, a row per --interval (delivered, dropped,"
                    + " latency p99, utilisation per context)")
    private Path series;

    @Option(
            names = "--interval",
            paramLabel = "NS",
            defaultValue = "1000000",
            description = "the --series interval in simulated nanoseconds (default: ${DEFAULT-VALUE})")
    private long interval;

    @Mixin
    private OutputFormat.Option format;

    @Mixin
    private PacketSource source;

    @Override
    public Integer call() throws IOException {
        EngineProfile profile = profileOption.profile();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        source.validate(false);
        validate();
        IntFunction<Simulator.Feed> feeds;
        String name;
        Integer packets = source.packets();
        int count;
        if (source.isEmpty()) {
            feeds = g -> Simulator.Feed.builtIn();
            name = "the built-in mix";
            count = packets != null ? packets : DEFAULT_PACKETS;
        } else if (source.isWorkload()) {
            WorkloadMix mix = source.workload().mix();
            feeds = g -> Simulator.Feed.of(Workload.of(mix, source.seed() + g));
            count = packets != null ? packets : DEFAULT_PACKETS;
            name = "workload " + mix.label();
        } else {
            // a trace or a capture: every packet of it, repeated to reach --packets
            PacketSource.Loaded input = source.loadAll(main().stdin(), err);
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
            Simulator.Feed feed = input.payloads() == null
                    ? Simulator.Feed.repeating(skbs)
                    : Simulator.Feed.repeating(skbs, input.payloads());
            feeds = g -> feed;
            count = packets != null ? packets : skbs.size() * guests;
            captureTimes = input.timestamps();
            name = input.description();
        }
        if (noisy != null) {
            IntFunction<Simulator.Feed> common = feeds;
            WorkloadMix mix = Workload.named(noisy, source.seed()).mix();
            feeds = g -> g == 0 ? Simulator.Feed.of(Workload.of(mix, source.seed())) : common.apply(g);
            name = name + ", guest 0 workload " + mix.label();
        }
        if (timestamps && captureTimes == null) {
            throw usage("--timestamps needs --capture FILE (a trace or workload has no times)");
        }
        int total = rounds != null ? rounds : count;
        ProgressBar progress = new ProgressBar(
                "simulate",
                total,
                err,
                main().terminal() && format.format() == OutputFormat.TEXT && total >= PROGRESS_MIN && !timed());
        Simulator.Result result;
        try (EventFile log = events == null ? null : new EventFile(events);
                SeriesFile seriesFile = series == null ? null : new SeriesFile(series)) {
            Simulator.Options o = new Simulator.Options(
                    profile,
                    policy,
                    guests,
                    groups == null ? 0 : groups,
                    queues,
                    source.seed(),
                    count,
                    rounds == null ? 0 : rounds,
                    actionsPerRound == null ? 0 : actionsPerRound,
                    log);
            if (timed()) {
                Simulator.Timing timing = new Simulator.Timing(
                        rate == null ? 0 : rate,
                        "constant".equals(arrivals),
                        timestamps ? captureTimes : null,
                        payloadFree,
                        backendCpus == null ? 0 : backendCpus,
                        interval,
                        seriesFile);
                result = Simulator.runTimed(o, timing, feeds, name);
            } else {
                result = Simulator.run(o, feeds, name, progress);
            }
        }
        switch (format.format()) {
            case JSON -> Simulator.printJson(result, out);
            case CSV -> printCsv(result, out);
            default -> Simulator.printText(result, out);
        }
        return result.total().mismatched() == 0 ? ExitStatus.OK : ExitStatus.FINDING;
    }

    /** The capture's frame times, when the source is a capture. */
    private long[] captureTimes;

    private boolean timed() {
        return rate != null || timestamps;
    }

    private void validate() {
        EngineProfile profile = profileOption.profile();
        if (guests < 1 || guests > GuestRxSimulation.MAX_GUESTS) {
            throw usage("--guests " + guests + ": must be 1.." + GuestRxSimulation.MAX_GUESTS);
        }
        if (groups != null) {
            if (profile != EngineProfile.LINUX_2010) {
                throw usage("--groups applies to the 2010 profile (" + profile.label() + " runs one context per vif"
                        + (profile.multiQueue() ? " queue" : "") + ")");
            }
            if (groups < 1 || groups > 4096) {
                throw usage("--groups " + groups + ": must be 1..4096");
            }
        }
        if (queues < 1 || queues > 64) {
            throw usage("--queues " + queues + ": must be 1..64");
        }
        if (queues > 1 && !profile.multiQueue()) {
            throw usage("--queues applies to the rx.c profile (" + profile.label() + " has one ring per vif)");
        }
        if (rounds != null) {
            if (source.packets() != null) {
                throw usage("--rounds and --packets exclude each other");
            }
            if (rounds < 1) {
                throw usage("--rounds " + rounds + ": must be at least 1");
            }
        }
        if (actionsPerRound != null && actionsPerRound < 1) {
            throw usage("--actions-per-round " + actionsPerRound + ": must be at least 1");
        }
        if (rate != null && !(rate > 0 && rate <= 1e9)) {
            throw usage("--rate " + rate + ": must be above 0 and at most 10^9 packets per second");
        }
        if (rate != null && timestamps) {
            throw usage("--rate and --timestamps exclude each other (the capture's times are the arrivals)");
        }
        if (!"poisson".equals(arrivals) && !"constant".equals(arrivals)) {
            throw usage("--arrivals " + arrivals + ": must be poisson or constant");
        }
        if (!timed()) {
            for (String[] o : new String[][] {
                {"--payload-free", payloadFree ? "" : null},
                {"--backend-cpus", backendCpus != null ? "" : null},
                {"--series", series != null ? "" : null},
                {"--arrivals", spec.commandLine().getParseResult().hasMatchedOption("--arrivals") ? "" : null},
                {"--interval", spec.commandLine().getParseResult().hasMatchedOption("--interval") ? "" : null}
            }) {
                if (o[1] != null) {
                    throw usage(o[0] + " applies to a timed run (--rate or --timestamps)");
                }
            }
        } else {
            if (rounds != null) {
                throw usage("--rounds applies to the untimed run: a timed run offers packets at --rate");
            }
            if (actionsPerRound != null) {
                throw usage("--actions-per-round applies to the untimed run: in a timed run time is the budget");
            }
        }
        if (backendCpus != null && (backendCpus < 1 || backendCpus > 4096)) {
            throw usage("--backend-cpus " + backendCpus + ": must be 1..4096");
        }
        if (interval < 1) {
            throw usage("--interval " + interval + ": must be at least 1 ns");
        }
        if (noisy != null) {
            try {
                WorkloadMix.fromLabel(noisy);
            } catch (IllegalArgumentException e) {
                throw usage("--noisy: " + e.getMessage());
            }
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void printCsv(Simulator.Result r, PrintWriter out) throws IOException {
        try (CSVPrinter csv = OutputFormat.csv(
                out, "guest", "sent", "delivered", "delivered_bytes", "mismatched", "dropped", "errored")) {
            List<SimulationStatistics> gs = r.guests();
            for (int g = 0; g < gs.size(); g++) {
                SimulationStatistics s = gs.get(g);
                csv.printRecord(
                        g, s.sent(), s.delivered(), s.deliveredBytes(), s.mismatched(), s.dropped(), s.errored());
            }
        }
        out.flush();
    }

    /**
     * The {@code --series} file: a CSV row per interval of a timed run, its header written with the
     * first row (the contexts' number is known then).
     */
    private static final class SeriesFile implements TimedHost.IntervalListener, AutoCloseable {
        private final BufferedWriter w;
        private CSVPrinter csv;

        SeriesFile(Path file) throws IOException {
            this.w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        @Override
        public void interval(TimedHost.Interval i) {
            try {
                if (csv == null) {
                    List<String> header = new ArrayList<>(List.of(
                            "interval",
                            "start_ns",
                            "end_ns",
                            "arrived",
                            "delivered",
                            "dropped",
                            "errored",
                            "latency_p99_ns",
                            "latency_max_ns"));
                    for (int c = 0; c < i.utilisation().size(); c++) {
                        header.add("utilisation_" + c);
                    }
                    csv = OutputFormat.csv(w, header.toArray(String[]::new));
                }
                List<Object> row = new ArrayList<>(List.of(
                        i.index(),
                        i.start(),
                        i.end(),
                        i.arrived(),
                        i.delivered(),
                        i.dropped(),
                        i.errored(),
                        i.latencyP99(),
                        i.latencyMax()));
                for (double u : i.utilisation()) {
                    row.add(String.format(Locale.ROOT, "%.4f", u));
                }
                csv.printRecord(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (csv != null) {
                csv.close();
            }
            w.close();
        }
    }

    /** The {@code --events} file: one line per event, written as the engine runs. */
    private static final class EventFile implements EventSink, AutoCloseable {
        private final BufferedWriter w;

        EventFile(Path file) throws IOException {
            this.w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        @Override
        public void event(String line) {
            try {
                w.write(line);
                w.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            w.close();
        }
    }
}
