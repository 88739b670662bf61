package io.github.netbackrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.ContextStatistics;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The adapter of docs/simulator-integration.md ("With the full engine"), kept here word for word so
 * that it always compiles and runs.
 */
class SimulatorIntegrationExampleTest {

    // --- begin simulator-integration example ---
    /** Steps a GuestRxSimulation from a discrete-event loop and prices each backend round. */
    static final class NetbackRxAdapter {
        private final GuestRxSimulation sim;
        private final long perCopyOp, perByte, perHypercall, perNotify;
        private SimulationStatistics last;

        NetbackRxAdapter(GuestRxSimulation sim, long perCopyOp, long perByte, long perHypercall, long perNotify) {
            this.sim = sim;
            this.perCopyOp = perCopyOp;
            this.perByte = perByte;
            this.perHypercall = perHypercall;
            this.perNotify = perNotify;
            this.last = sim.statistics();
        }

        /** A packet for the guest reaches the host stack (it waits in the backlog). */
        void arrive(Skb skb, byte[] bytes) {
            sim.send(skb, bytes);
        }

        /** One backend round (net_rx_action, GNTTABOP_copy, guest poll): its cost and what it did. */
        Round round() {
            int delivered = sim.step();
            SimulationStatistics now = sim.statistics();
            VifStatistics a = last.vif(), b = now.vif();
            long ops = b.copyOps() - a.copyOps();
            long bytes = b.bytesSent() - a.bytesSent();
            long hypercalls = b.hypercalls() - a.hypercalls();
            long notifies = b.notifications() - a.notifications();
            last = now;
            long time = ops * perCopyOp + bytes * perByte + hypercalls * perHypercall + notifies * perNotify;
            return new Round(time, delivered, ops, hypercalls, b.slotsUsed() - a.slotsUsed(), now.inFlight());
        }

        record Round(long serviceTime, int delivered, long ops, long hypercalls, long slots, long inFlight) {}
    }

    record Event(long time, boolean arrival, int packet) {}

    /** Packets of a workload arrive every {@code gap} ns; the backend runs rounds while it has work. */
    static long simulate(PackingPolicy policy, int packets, long gap) {
        GuestRxSimulation sim =
                GuestRxSimulation.builder().vif(v -> v.policy(policy)).build();
        NetbackRxAdapter backend = new NetbackRxAdapter(sim, 150, 1, 900, 400); // ns: op, byte, hypercall, notify
        Workload workload = Workload.of(WorkloadMix.MIXED, 42);
        PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparingLong(Event::time));
        for (int i = 0; i < packets; i++) {
            events.add(new Event(i * gap, true, i));
        }
        boolean busy = false;
        long now = 0;
        while (!events.isEmpty()) {
            Event e = events.poll();
            now = e.time();
            if (e.arrival()) {
                Skb skb = workload.next();
                backend.arrive(skb, workload.payload(e.packet(), skb.length()));
                if (!busy) {
                    busy = true;
                    events.add(new Event(now, false, -1));
                }
            } else {
                NetbackRxAdapter.Round r = backend.round();
                busy = r.inFlight() > 0 || r.ops() > 0;
                if (busy) {
                    events.add(new Event(now + Math.max(1, r.serviceTime()), false, -1));
                }
            }
        }
        return now; // when the last packet reached the guest
    }
    // --- end simulator-integration example ---

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void theAdapterDeliversEveryPacketAndPricesEveryRound(PackingPolicy policy) {
        long end = simulate(policy, 300, 2_000);
        // the loop ends when nothing is in flight: at least as late as the last arrival
        assertThat(end).isGreaterThanOrEqualTo(299 * 2_000L);
        // the same run again: the same end (no clock, no randomness beyond the seed)
        assertThat(simulate(policy, 300, 2_000)).isEqualTo(end);
    }

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void roundDeltasAddUpToTheSimulationsTotals(PackingPolicy policy) {
        GuestRxSimulation sim =
                GuestRxSimulation.builder().vif(v -> v.policy(policy)).build();
        NetbackRxAdapter backend = new NetbackRxAdapter(sim, 3, 0, 5, 7);
        Workload workload = Workload.of(WorkloadMix.TCP_BULK, 3);
        long ops = 0;
        long hypercalls = 0;
        long slots = 0;
        long time = 0;
        long delivered = 0;
        for (int i = 0; i < 200; i++) {
            Skb skb = workload.next();
            backend.arrive(skb, workload.payload(i, skb.length()));
            if (i % 7 == 6) {
                NetbackRxAdapter.Round r = backend.round();
                ops += r.ops();
                hypercalls += r.hypercalls();
                slots += r.slots();
                time += r.serviceTime();
                delivered += r.delivered();
            }
        }
        for (NetbackRxAdapter.Round r = backend.round(); ; r = backend.round()) {
            ops += r.ops();
            hypercalls += r.hypercalls();
            slots += r.slots();
            time += r.serviceTime();
            delivered += r.delivered();
            if (r.inFlight() == 0 && r.ops() == 0) {
                break;
            }
        }
        SimulationStatistics st = sim.statistics();
        assertThat(st.delivered()).isEqualTo(200).isEqualTo(delivered);
        assertThat(st.mismatched()).isZero();
        assertThat(st.vif().copyOps()).isEqualTo(ops);
        assertThat(st.vif().hypercalls()).isEqualTo(hypercalls);
        assertThat(st.vif().slotsUsed()).isEqualTo(slots);
        assertThat(time).isEqualTo(3 * ops + 5 * hypercalls + 7 * st.vif().notifications());
    }

    @org.junit.jupiter.api.Test
    void theGuideShowsThisCode() throws Exception {
        String doc = Files.readString(Path.of("docs/simulator-integration.md"), StandardCharsets.UTF_8);
        int section = doc.indexOf("## With the full engine");
        int start = doc.indexOf("```java\n", section) + 8;
        String shown = doc.substring(start, doc.indexOf("```\n", start));
        String source = Files.readString(
                Path.of("src/test/java/io/github/netbackrx/examples/SimulatorIntegrationExampleTest.java"),
                StandardCharsets.UTF_8);
        List<String> body = source.substring(
                        source.indexOf("// --- begin simulator-integration example ---\n")
                                + "// --- begin simulator-integration example ---\n".length(),
                        source.indexOf("    // --- end simulator-integration example ---"))
                .lines()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.toList());
        assertThat(shown.lines().collect(Collectors.toList())).isEqualTo(body);
    }

    /** The "A host with many VMs" snippet of the guide, run. */
    @org.junit.jupiter.api.Test
    void theHostSnippetRunsAsShown() throws Exception {
        Skb skb = Skb.builder().head(0, 1514).build();
        byte[] bytes = new byte[skb.length()];
        new java.util.Random(7).nextBytes(bytes);
        // --- begin host example ---
        GuestRxSimulation host = GuestRxSimulation.builder()
                .guests(8) // domains 1..8, a vif and a netfront each
                .backend(b -> b.profile(EngineProfile.LINUX_2010).groups(2)) // two xen_netbk groups
                .keepReceived(false)
                .build();
        host.send(3, skb, bytes); // a packet for guest 3
        host.step(); // every group runs net_rx_action; the guests poll
        SimulationStatistics vm3 = host.statistics(3); // per guest
        List<ContextStatistics> groups = host.contextStatistics(); // per group: actions, hypercalls, notifications
        // --- end host example ---
        assertThat(vm3.delivered()).isEqualTo(1);
        assertThat(vm3.mismatched()).isZero();
        assertThat(host.statistics(2).delivered()).isZero();
        assertThat(groups).hasSize(2);
        assertThat(groups.get(1).packets()).isEqualTo(1); // guest 3 (the fourth vif) joined group 1

        String doc = Files.readString(Path.of("docs/simulator-integration.md"), StandardCharsets.UTF_8);
        int section = doc.indexOf("### A host with many VMs");
        int start = doc.indexOf("```java\n", section) + 8;
        List<String> shown =
                doc.substring(start, doc.indexOf("```\n", start)).lines().toList();
        String source = Files.readString(
                Path.of("src/test/java/io/github/netbackrx/examples/SimulatorIntegrationExampleTest.java"),
                StandardCharsets.UTF_8);
        String begin = "// --- begin host example ---\n";
        List<String> body = source.substring(
                        source.indexOf(begin) + begin.length(), source.indexOf("        // --- end host example ---"))
                .lines()
                .map(line -> line.startsWith("        ") ? line.substring(8) : line)
                .toList();
        assertThat(shown).isEqualTo(body);
    }
}
