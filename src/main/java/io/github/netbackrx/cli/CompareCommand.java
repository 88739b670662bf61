package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.Invariant;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.netfront.GuestKernel;
import io.github.netbackrx.netfront.NetfrontLimits;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.TracePacket;
import io.github.netbackrx.trace.TraceWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code netback-rx compare}: every packing policy side by side on each packet of a trace. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        customSynopsis = {
            "netback-rx compare [-hV] [--max-buffer-offset=BYTES] [--gso=TYPES]",
            "                          [--gso-prefix=TYPES] [--no-hash] [--faithful]",
            "                          [--guest=KERNEL] [--packets=N] [--seed=S]",
            "                          (FILE | --workload=NAME |",
            "                           --capture=PCAP [--capture-head=BYTES])"
        },
        header = "Compare how every packing policy lays each packet of a trace onto the guest's RX ring.",
        descriptionHeading = "%n",
        description = {
            "Plans every packet of the trace (or of --workload, or --capture, as for 'plan') under every policy and prints, per packet and in total, one"
                    + " row per policy: ring slots used and estimated, copy ops, the bytes of each data slot,"
                    + " the first data slot's bytes, whether the guest's Linux netfront accepts the layout"
                    + " (--guest current: at most 17 data slots, 18 when the first holds at most 256 bytes;"
                    + " --guest 2010: 18, or 19; every status >= 0 and offset + status <= 4096) and the"
                    + " invariants the plan breaks. A policy that refuses a packet"
                    + " says so in its row. docs/cli.md describes the output."
        },
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every packet compared, no finding",
            "1:every packet compared, some plan broke an invariant",
            "2:bad usage, unreadable file or bad trace line",
            "3:internal error"
        })
final class CompareCommand implements Callable<Integer> {

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand
    private Main main;

    @Mixin
    private PackerOptions packerOptions;

    @Mixin
    private PacketSource source;

    @Option(
            names = "--guest",
            paramLabel = "KERNEL",
            defaultValue = "current",
            converter = GuestKernelConverter.class,
            description = "the guest kernel whose netfront judges each layout: current (MAX_SKB_FRAGS 17) or 2010"
                    + " (MAX_SKB_FRAGS 18) (default: ${DEFAULT-VALUE})")
    private GuestKernel guest;

    /** Reads {@code --guest} by the kernel's label. */
    static final class GuestKernelConverter implements CommandLine.ITypeConverter<GuestKernel> {
        @Override
        public GuestKernel convert(String value) {
            try {
                return GuestKernel.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Running totals of one policy. */
    private static final class Totals {
        int packets;
        int refused;
        long slots;
        long estimate;
        long ops;
        long dataSlots;
        long bytes;
        int drops;
        int findings;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        source.validate(true);
        PackingPolicy[] policies = PackingPolicy.values();
        RxPacker[] packers = new RxPacker[policies.length];
        for (int p = 0; p < policies.length; p++) {
            packers[p] = packerOptions.comparisonPacker(policies[p]);
        }
        PacketSource.Loaded input = source.load(main.stdin(), err, PacketSource.DEFAULT_WORKLOAD_PACKETS);
        if (input == null) {
            return ExitStatus.BAD_INPUT;
        }
        ParsedTrace trace = input.trace();
        if (!trace.isValid()) {
            return input.report(err, trace.errors());
        }
        Totals[] totals = new Totals[policies.length];
        for (int p = 0; p < policies.length; p++) {
            totals[p] = new Totals();
        }
        PlanBuffer buffer = new PlanBuffer();
        List<TracePacket> packets = trace.packets();
        for (int i = 0; i < packets.size(); i++) {
            TracePacket packet = packets.get(i);
            out.print("packet " + i + " len=" + packet.skb().length() + ": " + TraceWriter.toLine(packet.skb()) + "\n");
            for (int p = 0; p < policies.length; p++) {
                out.print(row(packers[p], guest, packet, buffer, totals[p]));
            }
        }
        boolean anyFinding = false;
        out.print("total packets=" + packets.size() + "\n");
        for (int p = 0; p < policies.length; p++) {
            Totals t = totals[p];
            anyFinding |= t.findings > 0;
            String perSlot = t.dataSlots == 0 ? "-" : Long.toString(t.bytes / t.dataSlots);
            out.print(String.format(
                    Locale.ROOT,
                    "  %-17s planned=%d refused=%d slots=%d estimate=%d ops=%d bytes/slot=%s netfront-drops=%d"
                            + " findings=%d%n",
                    policies[p].label(),
                    t.packets,
                    t.refused,
                    t.slots,
                    t.estimate,
                    t.ops,
                    perSlot,
                    t.drops,
                    t.findings));
        }
        out.flush();
        return anyFinding ? ExitStatus.FINDING : ExitStatus.OK;
    }

    /** One policy's row for one packet, and its share of the totals. */
    private static String row(RxPacker packer, GuestKernel guest, TracePacket packet, PlanBuffer b, Totals t) {
        String name = String.format(Locale.ROOT, "  %-17s ", packer.policy().label());
        try {
            packer.plan(packet.skb(), b);
        } catch (PolicyViolationException e) {
            t.refused++;
            return name + "refused: " + e.getMessage() + "\n";
        }
        List<Finding> findings = PlanChecker.check(packet.skb(), b);
        StringBuilder perSlot = new StringBuilder();
        int first = -1;
        for (int s = 0; s < b.slotCount(); s++) {
            if (b.slotIsExtra(s) || b.slotIsPrefix(s)) {
                continue;
            }
            if (perSlot.length() > 0) {
                perSlot.append(',');
            }
            perSlot.append(b.slotStatus(s));
            if (first < 0) {
                first = b.slotStatus(s);
            }
            t.dataSlots++;
            t.bytes += b.slotStatus(s);
        }
        String rejection = NetfrontLimits.rejection(guest, b);
        t.packets++;
        t.slots += b.slotCount();
        t.estimate += b.estimate();
        t.ops += b.opCount();
        t.findings += findings.size();
        if (rejection != null) {
            t.drops++;
        }
        StringBuilder names = new StringBuilder();
        for (Finding f : findings) {
            Invariant inv = f.invariant();
            if (names.indexOf(inv.label()) < 0) {
                names.append(names.length() > 0 ? "," : "").append(inv.label());
            }
        }
        return name + "slots=" + b.slotCount() + " estimate=" + b.estimate() + " ops=" + b.opCount() + " bytes/slot="
                + perSlot + " first-slot=" + first + " netfront=" + (rejection == null ? "accepts" : "drops")
                + " findings=" + (names.length() == 0 ? "-" : names) + (rejection == null ? "" : " (" + rejection + ")")
                + "\n";
    }
}
