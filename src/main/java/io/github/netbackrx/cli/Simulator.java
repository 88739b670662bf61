package io.github.netbackrx.cli;

import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.ContextStatistics;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.EventSink;
import io.github.netbackrx.netback.Netback;
import io.github.netbackrx.sim.Arrivals;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.LatencyHistogram;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.sim.TimedHost;
import io.github.netbackrx.sim.TimedReport;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import tools.jackson.core.JsonGenerator;

/**
 * Runs packets through a {@link GuestRxSimulation} of one or more guests and prints the summary of
 * {@code simulate}.
 *
 * <p><b>Backpressure.</b> The senders are closed-loop, as a TCP sender held back by its window and
 * TCP Small Queues: each round a guest is offered at most {@link #SEND_BURST} packets (the guests
 * taking turns, one packet each, so their packets arrive interleaved), and only
 * while fewer than {@link KernelLimits#VIF_TX_QUEUE_LEN} of its packets wait in the host's qdisc
 * and fewer than a ring's worth ({@link KernelLimits#NET_RX_RING_SIZE}) wait on the host side of
 * its ring in all. So memory stays bounded whatever {@code --packets} says, and a slow guest slows
 * its sender instead of filling the host.
 */
final class Simulator {
    /** Packets offered to a guest per round, at most. */
    static final int SEND_BURST = 64;

    private Simulator() {}

    /** What a run is asked to do. */
    record Options(
            EngineProfile profile,
            PackingPolicy policy,
            int guests,
            int groups,
            int queues,
            long seed,
            int packets,
            int rounds,
            int actionsPerRound,
            EventSink events) {}

    /** What a run did. */
    record Result(
            Options options,
            String source,
            PackingPolicy policy,
            SimulationStatistics total,
            List<SimulationStatistics> guests,
            List<ContextStatistics> contexts,
            long hypercalls,
            long notifications,
            TimedReport timed,
            boolean payloadFree) {}

    /**
     * How a timed run ({@link TimedHost}) offers its packets: each guest at {@code rate} packets per
     * second (a seeded Poisson process, or evenly spaced when {@code constant}), or at the times of
     * a capture's frames ({@code timestamps}, looped to reach the packet count).
     *
     * @param rate packets per second per guest, or 0 with {@code timestamps}
     * @param constant evenly spaced arrivals instead of Poisson
     * @param timestamps a capture's frame times in nanoseconds, or null
     * @param payloadFree no bytes carried (layouts, slots, ops and counters only)
     * @param backendCpus CPUs the contexts share (0: one each)
     * @param interval the time series' interval in nanoseconds, with {@code series}
     * @param series told each interval, or null
     */
    record Timing(
            double rate,
            boolean constant,
            long[] timestamps,
            boolean payloadFree,
            int backendCpus,
            long interval,
            TimedHost.IntervalListener series) {}

    /**
     * Where one guest's packets and their bytes come from. Both methods share the guest's random
     * source, drawn in send order, so a run is the same for the same seed.
     */
    interface Feed {
        /**
         * The packet with this send number.
         *
         * @param index 0, 1, 2, ... in order
         * @param rnd the guest's random source
         * @return its layout
         */
        Skb packet(long index, SplittableRandom rnd);

        /**
         * The bytes of the packet just returned by {@link #packet}.
         *
         * @param index its send number
         * @param skb its layout
         * @param rnd the guest's random source
         * @return {@code skb.length()} bytes
         */
        default byte[] payload(long index, Skb skb, SplittableRandom rnd) {
            byte[] data = new byte[skb.length()];
            rnd.nextBytes(data);
            return data;
        }

        /** The built-in mix ({@link WorkloadMix#BUILT_IN}) from the guest's random source, random bytes. */
        static Feed builtIn() {
            return (i, rnd) -> Workload.packet(WorkloadMix.BUILT_IN, rnd);
        }

        /** A list of packets, repeated as often as needed, random bytes. */
        static Feed repeating(List<Skb> packets) {
            return (i, rnd) -> packets.get((int) (i % packets.size()));
        }

        /** A list of packets with their own bytes (a capture's frames), repeated as needed. */
        static Feed repeating(List<Skb> packets, List<byte[]> payloads) {
            return new Feed() {
                @Override
                public Skb packet(long index, SplittableRandom rnd) {
                    return packets.get((int) (index % packets.size()));
                }

                @Override
                public byte[] payload(long index, Skb skb, SplittableRandom rnd) {
                    return payloads.get((int) (index % payloads.size()));
                }
            };
        }

        /** A workload's packets, with the workload's own bytes. */
        static Feed of(Workload workload) {
            return new Feed() {
                @Override
                public Skb packet(long index, SplittableRandom rnd) {
                    return workload.next();
                }

                @Override
                public byte[] payload(long index, Skb skb, SplittableRandom rnd) {
                    return workload.payload(index, skb.length());
                }
            };
        }
    }

    /**
     * Runs {@code count} packets of the built-in mix through one 2010 guest, prints the summary, and
     * returns its statistics (the demo's run).
     */
    static SimulationStatistics run(PackingPolicy policy, int count, long seed, PrintWriter out) {
        Options o = new Options(EngineProfile.LINUX_2010, policy, 1, 0, 1, seed, count, 0, 0, null);
        Result r = run(o, g -> Feed.builtIn(), "the built-in mix", new ProgressBar("simulate", count, out, false));
        printText(r, out);
        return r.total();
    }

    /**
     * Runs a simulation: {@code options.packets()} packets shared out among the guests (the first
     * guests get one more when they do not divide evenly), or, with {@code options.rounds() > 0},
     * that many rounds with every guest's sender always backlogged; then drains it.
     *
     * @param feeds each guest's packet source (guest number to feed)
     */
    static Result run(Options o, IntFunction<Feed> feeds, String source, ProgressBar progress) {
        GuestRxSimulation.Builder sb = GuestRxSimulation.builder();
        if (o.actionsPerRound() > 0) {
            sb.actionsPerRound(o.actionsPerRound());
        }
        GuestRxSimulation sim = sb.guests(o.guests())
                .queues(o.queues())
                .backend(b -> configure(b, o))
                .vif(v -> {
                    if (o.policy() != null) {
                        v.policy(o.policy());
                    }
                })
                .keepReceived(false)
                .build();
        int n = o.guests();
        Feed[] feed = new Feed[n];
        SplittableRandom[] rnd = new SplittableRandom[n];
        long[] sent = new long[n];
        long[] quota = new long[n];
        for (int g = 0; g < n; g++) {
            feed[g] = feeds.apply(g);
            rnd[g] = new SplittableRandom(o.seed() + g);
            quota[g] = o.rounds() > 0 ? Long.MAX_VALUE : o.packets() / n + (g < o.packets() % n ? 1 : 0);
        }
        long total = 0;
        int round = 0;
        while (o.rounds() > 0 ? round < o.rounds() : total < o.packets()) {
            // the guests' senders take turns, one packet each, so their packets arrive interleaved
            for (int i = 0; i < SEND_BURST; i++) {
                for (int g = 0; g < n; g++) {
                    if (sent[g] < quota[g]
                            && sim.backlog(g) < KernelLimits.VIF_TX_QUEUE_LEN
                            && sim.hostQueued(g) < KernelLimits.NET_RX_RING_SIZE) {
                        Skb skb = feed[g].packet(sent[g], rnd[g]);
                        byte[] data = feed[g].payload(sent[g], skb, rnd[g]);
                        if (o.queues() > 1 && !skb.hasHash()) {
                            skb = withFlowHash(skb, rnd[g].nextInt());
                        }
                        sim.send(g, skb, data);
                        sent[g]++;
                        total++;
                    }
                }
            }
            sim.step();
            round++;
            progress.update(o.rounds() > 0 ? round : total);
        }
        sim.drain();
        progress.finish();
        return new Result(
                o,
                source,
                sim.vif(0).policy(),
                sim.statistics(),
                sim.guestStatistics(),
                sim.contextStatistics(),
                sim.netback().hypercalls(),
                sim.netback().notifications(),
                null,
                false);
    }

    /**
     * Runs a timed simulation ({@link TimedHost}): {@code options.packets()} packets shared out
     * among the guests as {@link #run} does, each guest an open-loop source at the times {@code
     * timing} gives; then runs until every packet is delivered, dropped or errored.
     *
     * @param feeds each guest's packet source
     */
    static Result runTimed(Options o, Timing timing, IntFunction<Feed> feeds, String source) {
        TimedHost.Builder tb = TimedHost.builder()
                .simulation(sb -> sb.guests(o.guests())
                        .queues(o.queues())
                        .payloadFree(timing.payloadFree())
                        .backend(b -> configure(b, o))
                        .vif(v -> {
                            if (o.policy() != null) {
                                v.policy(o.policy());
                            }
                        }));
        if (timing.backendCpus() > 0) {
            tb.backendCpus(timing.backendCpus());
        }
        if (timing.series() != null) {
            tb.interval(timing.interval(), timing.series());
        }
        TimedHost host = tb.build();
        int n = o.guests();
        for (int g = 0; g < n; g++) {
            Feed feed = feeds.apply(g);
            // the layouts and the bytes draw from streams of their own, so that a payload-free run (which
            // asks for no bytes) offers the same packets as a run with bytes
            SplittableRandom rnd = new SplittableRandom(o.seed() + g);
            SplittableRandom bytes = rnd.split();
            long count = o.packets() / n + (g < o.packets() % n ? 1 : 0);
            Arrivals arrivals;
            if (timing.timestamps() != null) {
                arrivals = Arrivals.loop(timing.timestamps());
            } else if (timing.constant()) {
                arrivals = Arrivals.constant(timing.rate());
            } else {
                // a stream of its own per guest, apart from the packets' random source
                arrivals = Arrivals.poisson(
                        timing.rate(),
                        new SplittableRandom(o.seed() + g).split().nextLong());
            }
            host.addSource(
                    g,
                    arrivals,
                    new TimedHost.Feed() {
                        @Override
                        public Skb packet(long index) {
                            Skb skb = feed.packet(index, rnd);
                            return o.queues() > 1 && !skb.hasHash() ? withFlowHash(skb, rnd.nextInt()) : skb;
                        }

                        @Override
                        public byte[] payload(long index, Skb skb) {
                            return feed.payload(index, skb, bytes);
                        }
                    },
                    count);
        }
        host.run();
        SimulationStatistics total = host.statistics();
        List<SimulationStatistics> guests = new java.util.ArrayList<>(n);
        for (int g = 0; g < n; g++) {
            guests.add(host.statistics(g));
        }
        return new Result(
                o,
                source,
                host.vif(0).policy(),
                total,
                guests,
                host.contextStatistics(),
                host.netback().hypercalls(),
                host.netback().notifications(),
                host.report(),
                timing.payloadFree());
    }

    private static void configure(Netback.Builder b, Options o) {
        b.profile(o.profile());
        if (o.groups() > 0) {
            b.groups(o.groups());
        }
        if (o.events() != null) {
            b.events(o.events());
        }
    }

    /**
     * The packet with a flow hash of type {@code ipv4-tcp}: what the host stack's {@code
     * skb_get_hash} gives every TCP packet, and what the multi-queue vif selects its queue by.
     */
    static Skb withFlowHash(Skb skb, int hash) {
        Skb.Builder b = Skb.builder().maxFrags(Math.max(skb.fragCount(), KernelLimits.MAX_SKB_FRAGS_2010));
        b.head(skb.headOffset(), skb.headLength());
        for (int k = 0; k < skb.fragCount(); k++) {
            if (skb.fragForeign(k)) {
                b.foreignFrag(skb.fragOffset(k), skb.fragLength(k));
            } else {
                b.frag(skb.fragOffset(k), skb.fragLength(k));
            }
        }
        if (skb.hasGso()) {
            b.gso(skb.gsoSize(), skb.gsoType());
        }
        return b.checksum(skb.checksum()).hash(hash, HashType.IPV4_TCP).build();
    }

    // ---- output --------------------------------------------------------------------------------

    static void printText(Result r, PrintWriter out) {
        Options o = r.options();
        SimulationStatistics st = r.total();
        double n = Math.max(1, st.sent());
        String what = o.rounds() > 0 ? o.rounds() + " rounds" : o.packets() + " packets";
        out.print("netback-rx simulate: " + what + " from " + r.source() + ", engine "
                + o.profile().label()
                + ", policy " + r.policy().label() + ", seed " + o.seed()
                + (o.guests() > 1 ? ", " + o.guests() + " guests" : "")
                + (o.profile() == EngineProfile.LINUX_2010 && r.contexts().size() > 1
                        ? ", " + r.contexts().size() + " groups"
                        : "")
                + (o.queues() > 1 ? ", " + o.queues() + " queues per guest" : "")
                + (o.actionsPerRound() > 0 ? ", " + o.actionsPerRound() + " action(s) per context per round" : "")
                + "\n\n");
        line(out, "delivered", st.delivered() + " packets, " + st.deliveredBytes() + " bytes");
        line(
                out,
                "verified",
                (st.delivered() - st.mismatched()) + " packets equal to what was sent, byte for byte; "
                        + st.mismatched() + " differ");
        line(
                out,
                "dropped",
                st.dropped() + " (by the vif " + st.vif().packetsDropped() + ", by netfront "
                        + st.netfront().packetsRejected()
                        + (st.qdiscDropped() > 0 ? ", at the qdisc " + st.qdiscDropped() : "")
                        + ")");
        line(out, "errored", String.valueOf(st.errored()));
        line(out, "ring slots", st.vif().slotsUsed() + perPacket(st.vif().slotsUsed(), n));
        line(out, "copy ops", st.vif().copyOps() + perPacket(st.vif().copyOps(), n));
        line(out, "hypercalls", r.hypercalls() + perPacket(r.hypercalls(), n));
        line(
                out,
                "notifications",
                r.notifications() + perPacket(r.notifications(), n) + " to the guests, "
                        + st.netfront().notifications() + " to the backend");
        line(out, "queue", st.vif().queueStops() + " stops, " + st.vif().queueWakes() + " wakes");
        if (o.guests() > 1) {
            out.print(String.format(
                    Locale.ROOT,
                    "%n%5s %9s %9s %13s %6s %8s %8s %8s%n",
                    "guest",
                    "sent",
                    "delivered",
                    "bytes",
                    "share",
                    "differ",
                    "dropped",
                    "errored"));
            List<SimulationStatistics> gs = r.guests();
            for (int g = 0; g < gs.size(); g++) {
                SimulationStatistics s = gs.get(g);
                out.print(String.format(
                        Locale.ROOT,
                        "%5d %9d %9d %13d %5.1f%% %8d %8d %8d%n",
                        g,
                        s.sent(),
                        s.delivered(),
                        s.deliveredBytes(),
                        share(s, st),
                        s.mismatched(),
                        s.dropped(),
                        s.errored()));
            }
        }
        if (r.timed() != null) {
            printTimed(r.timed(), out);
        }
        boolean bytes = !r.payloadFree();
        out.print("\n"
                + (!bytes
                        ? "payload-free: no byte carried, none verified\n"
                        : st.mismatched() == 0 ? "all delivered bytes verified\n" : "DELIVERED BYTES DIFFER\n"));
        out.flush();
    }

    /** The timed run's lines: latency percentiles, throughput, utilisation per context, drops by reason. */
    private static void printTimed(TimedReport t, PrintWriter out) {
        out.print("\n");
        LatencyHistogram l = t.latency();
        line(
                out,
                "latency",
                l.count() == 0
                        ? "none delivered"
                        : String.format(
                                Locale.ROOT,
                                "p50 %s, p90 %s, p99 %s, max %s (arrival to delivery)",
                                micros(l.percentile(50)),
                                micros(l.percentile(90)),
                                micros(l.percentile(99)),
                                micros(l.max())));
        line(
                out,
                "throughput",
                String.format(
                        Locale.ROOT,
                        "%.0f packets/s, %.3f Gbit/s (offered %.0f packets/s over %.3f ms)",
                        t.throughputPps(),
                        t.throughputBitsPerSecond() / 1e9,
                        t.offeredPps(),
                        t.duration() / 1e6));
        StringBuilder u = new StringBuilder();
        for (TimedReport.ContextLoad c : t.contexts()) {
            if (u.length() > 0) {
                u.append(", ");
            }
            u.append(String.format(Locale.ROOT, "%s %d %.1f%%", c.kind(), c.context(), 100 * c.utilisation()));
        }
        line(out, "utilisation", u.toString());
        if (!t.droppedBy().isEmpty() || !t.rejectedBy().isEmpty()) {
            StringBuilder d = new StringBuilder();
            t.droppedBy()
                    .forEach((k, v) -> d.append(d.length() > 0 ? ", " : "")
                            .append(k)
                            .append(' ')
                            .append(v));
            t.rejectedBy()
                    .forEach((k, v) -> d.append(d.length() > 0 ? ", " : "")
                            .append("rejected ")
                            .append(k)
                            .append(' ')
                            .append(v));
            line(out, "drops by reason", d.toString());
        }
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.2f us", nanos / 1e3);
    }

    /** The timed keys of the JSON object (docs/output-formats.md). */
    private static void timedJson(TimedReport t, JsonGenerator j) {
        LatencyHistogram l = t.latency();
        j.writeName("latency_ns");
        j.writeStartObject();
        j.writeNumberProperty("p50", l.percentile(50));
        j.writeNumberProperty("p90", l.percentile(90));
        j.writeNumberProperty("p99", l.percentile(99));
        j.writeNumberProperty("max", l.max());
        j.writeEndObject();
        j.writeNumberProperty("throughput_pps", Math.round(t.throughputPps() * 10) / 10.0);
        j.writeNumberProperty("throughput_bps", Math.round(t.throughputBitsPerSecond()));
        j.writeNumberProperty("offered_pps", Math.round(t.offeredPps() * 10) / 10.0);
        j.writeNumberProperty("duration_ns", t.duration());
        j.writeName("utilisation");
        j.writeStartArray();
        for (TimedReport.ContextLoad c : t.contexts()) {
            j.writeNumber(Math.round(c.utilisation() * 10_000) / 10_000.0);
        }
        j.writeEndArray();
        j.writeName("dropped_by");
        j.writeStartObject();
        t.droppedBy().forEach((k, v) -> j.writeNumberProperty(k.name(), v));
        t.rejectedBy().forEach((k, v) -> j.writeNumberProperty("REJECTED_" + k.name(), v));
        j.writeEndObject();
    }

    private static double share(SimulationStatistics guest, SimulationStatistics total) {
        return total.deliveredBytes() == 0 ? 0 : 100.0 * guest.deliveredBytes() / total.deliveredBytes();
    }

    /** The result as one JSON object (keys documented in docs/output-formats.md). */
    static void printJson(Result r, PrintWriter out) {
        Options o = r.options();
        SimulationStatistics st = r.total();
        try (JsonGenerator j = OutputFormat.json(out)) {
            j.writeStartObject();
            j.writeStringProperty("command", "simulate");
            j.writeStringProperty("source", r.source());
            j.writeStringProperty("profile", o.profile().label());
            j.writeStringProperty("policy", r.policy().label());
            j.writeNumberProperty("seed", o.seed());
            j.writeNumberProperty("packets", o.rounds() > 0 ? st.sent() : o.packets());
            j.writeNumberProperty("rounds", o.rounds());
            j.writeNumberProperty("queues", o.queues());
            j.writeNumberProperty("actionsPerRound", o.actionsPerRound());
            j.writeNumberProperty("sent", st.sent());
            j.writeNumberProperty("delivered", st.delivered());
            j.writeNumberProperty("deliveredBytes", st.deliveredBytes());
            j.writeNumberProperty("mismatched", st.mismatched());
            j.writeNumberProperty("dropped", st.dropped());
            j.writeNumberProperty("qdiscDropped", st.qdiscDropped());
            j.writeNumberProperty("errored", st.errored());
            j.writeNumberProperty("inFlight", st.inFlight());
            j.writeNumberProperty("slotsUsed", st.vif().slotsUsed());
            j.writeNumberProperty("copyOps", st.vif().copyOps());
            j.writeNumberProperty("hypercalls", r.hypercalls());
            j.writeNumberProperty("notifications", r.notifications());
            j.writeNumberProperty("queueStops", st.vif().queueStops());
            j.writeNumberProperty("queueWakes", st.vif().queueWakes());
            if (r.timed() != null) {
                j.writeBooleanProperty("payloadFree", r.payloadFree());
                timedJson(r.timed(), j);
            }
            j.writeName("contexts");
            j.writeStartArray();
            for (ContextStatistics c : r.contexts()) {
                j.writeStartObject();
                j.writeNumberProperty("context", c.index());
                j.writeStringProperty("kind", c.kind());
                j.writeNumberProperty("members", c.members());
                j.writeNumberProperty("actions", c.actions());
                j.writeNumberProperty("packets", c.packets());
                j.writeNumberProperty("hypercalls", c.hypercalls());
                j.writeNumberProperty("copyOps", c.copyOps());
                j.writeNumberProperty("notifications", c.notifications());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeName("guests");
            j.writeStartArray();
            List<SimulationStatistics> gs = r.guests();
            for (int g = 0; g < gs.size(); g++) {
                SimulationStatistics s = gs.get(g);
                j.writeStartObject();
                j.writeNumberProperty("guest", g);
                j.writeNumberProperty("sent", s.sent());
                j.writeNumberProperty("delivered", s.delivered());
                j.writeNumberProperty("deliveredBytes", s.deliveredBytes());
                j.writeNumberProperty("share", Math.round(share(s, st) * 10) / 10.0);
                j.writeNumberProperty("mismatched", s.mismatched());
                j.writeNumberProperty("dropped", s.dropped());
                j.writeNumberProperty("errored", s.errored());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        out.print("\n");
        out.flush();
    }

    private static void line(PrintWriter out, String name, String value) {
        out.print(String.format(Locale.ROOT, "%-15s %s%n", name + ":", value));
    }

    private static String perPacket(long v, double n) {
        return String.format(Locale.ROOT, " (%.2f per packet)", v / n);
    }
}
