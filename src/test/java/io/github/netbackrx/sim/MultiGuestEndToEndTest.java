package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.ContextStatistics;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.EventSink;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded randomized end-to-end tests of a host with many guests on one backend: packets for random
 * guests at random moments, guests stopping and resuming their posting, vifs going down and coming
 * up, rings starting near 2^32. Every guest's bytes are verified and accounted for; the event log is
 * checked as it is written (each irq notified at most once per action, the {@code gntcopy} and
 * {@code notify} lines equal the backend's counters).
 */
class MultiGuestEndToEndTest {
    private static final int COUNT = Integer.getInteger("netbackrx.randomCount", 20000);

    /** Checks the event log as it goes. */
    private static final class LogCheck implements EventSink {
        final Set<String> vifsInAction = new HashSet<>();
        final Set<String> irqsInAction = new HashSet<>();
        long gntcopyLines;
        long notifyLines;
        long sharedHypercalls;
        long actions;
        String duplicateNotify;

        @Override
        public void event(String line) {
            if (line.startsWith("action ")) {
                actions++;
                vifsInAction.clear();
                irqsInAction.clear();
            } else if (line.startsWith("take ")) {
                vifsInAction.add(line.split(" ")[1]);
            } else if (line.startsWith("gntcopy ")) {
                gntcopyLines++;
                if (vifsInAction.size() > 1) {
                    sharedHypercalls++;
                }
                vifsInAction.clear();
            } else if (line.startsWith("notify ")) {
                notifyLines++;
                if (!irqsInAction.add(line) && duplicateNotify == null) {
                    duplicateNotify = line + " twice in action " + (actions - 1);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void eightGuestsOnTwoGroupsEveryByteVerifiedAndAccountedFor(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int guests = 8;
        int groups = 2 + (int) (seed % 2);
        LogCheck check = new LogCheck();
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .guests(guests)
                .backend(b -> b.groups(groups).events(check))
                .ringStartIndex(-2000 - rnd.nextInt(1000))
                .keepReceived(false)
                .build();
        int silent = guests - 1; // stops posting for good: the others must not notice
        sim.stopGuestPosting(silent);
        int n = Math.max(COUNT, 20000);
        for (int i = 0; i < n; i++) {
            int g = rnd.nextInt(guests);
            Skb skb = rnd.nextInt(4) == 0
                    ? Workload.packet(WorkloadMix.ENGINES, rnd)
                    : Workload.packet(WorkloadMix.RANDOM, rnd);
            byte[] data = new byte[skb.length()];
            rnd.nextBytes(data);
            sim.send(g, skb, data);
            if (rnd.nextInt(6) == 0) {
                sim.step();
            }
            int f = rnd.nextInt(guests - 1);
            if (rnd.nextInt(300) == 0) {
                sim.stopGuestPosting(f);
            } else if (rnd.nextInt(20) == 0 && sim.netfront(f, 0).postingStopped()) {
                sim.resumeGuestPosting(f);
            }
            // vifs go down now and then, and come up again soon, joining the least-loaded group
            int v = rnd.nextInt(guests);
            if (!sim.vif(v).isUp() && rnd.nextInt(25) == 0) {
                upAndCheckLeastLoaded(sim, v);
            } else if (sim.vif(v).isUp() && rnd.nextInt(1500) == 0) {
                sim.vifDown(v);
            }
        }
        for (int g = 0; g < guests; g++) {
            if (!sim.vif(g).isUp()) {
                upAndCheckLeastLoaded(sim, g);
            }
            if (g != silent) {
                sim.resumeGuestPosting(g);
            }
        }
        sim.drain();

        long total = 0;
        for (int g = 0; g < guests; g++) {
            SimulationStatistics st = sim.statistics(g);
            total += st.sent();
            assertThat(st.mismatched()).as("guest %d", g).isZero();
            assertThat(st.balanced()).as("guest %d", g).isTrue();
            if (g != silent) {
                assertThat(st.inFlight()).as("guest %d", g).isZero();
                assertThat(st.sent()).as("guest %d", g).isEqualTo(st.delivered() + st.dropped() + st.errored());
                assertThat(st.delivered())
                        .as("guest %d: %s", g, sim.dropReasons(g))
                        .isGreaterThan(st.sent() / 2);
            }
        }
        assertThat(total).isEqualTo(n);
        assertThat(ups).as("vifs came and went").isGreaterThan(3);
        // the silent guest delivered at most the ring it had posted, and holds the rest
        SimulationStatistics quiet = sim.statistics(silent);
        assertThat(quiet.delivered()).isLessThanOrEqualTo(256);
        assertThat(quiet.sent()).isEqualTo(quiet.delivered() + quiet.dropped() + quiet.errored() + quiet.inFlight());

        // one hypercall served several vifs, again and again; never an irq twice in one action
        assertThat(check.sharedHypercalls).isGreaterThan(100);
        assertThat(check.duplicateNotify).isNull();
        assertThat(check.gntcopyLines).isEqualTo(sim.netback().hypercalls());
        assertThat(check.notifyLines).isEqualTo(sim.netback().notifications());
        long contextHypercalls = 0;
        for (ContextStatistics c : sim.contextStatistics()) {
            assertThat(c.kind()).isEqualTo("group");
            assertThat(c.packets()).isPositive();
            contextHypercalls += c.hypercalls();
        }
        assertThat(sim.contextStatistics()).hasSize(groups);
        assertThat(contextHypercalls).isEqualTo(sim.netback().hypercalls());
        // a hypercall serving k vifs counts once for each of them in the per-vif counters
        assertThat(sim.statistics().vif().hypercalls())
                .isGreaterThan(sim.netback().hypercalls());
    }

    private int ups;

    /** Brings guest {@code g}'s vif up and checks it joined a group with the fewest vifs, the lowest such. */
    private void upAndCheckLeastLoaded(GuestRxSimulation sim, int g) {
        ups++;
        List<ContextStatistics> before = sim.contextStatistics();
        int expected = 0;
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).members() < before.get(expected).members()) {
                expected = i;
            }
        }
        sim.vifUp(g);
        assertThat(sim.vif(g).group()).isEqualTo(expected);
        assertThat(sim.contextStatistics().get(expected).members())
                .isEqualTo(before.get(expected).members() + 1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EngineProfile.class)
    void logLinesEqualTheCountersAndEachIrqIsNotifiedOncePerAction(EngineProfile profile) {
        SplittableRandom rnd = new SplittableRandom(31 + profile.ordinal());
        LogCheck check = new LogCheck();
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .guests(4)
                .backend(b -> b.profile(profile).groups(2).events(check))
                .keepReceived(false)
                .build();
        for (int i = 0; i < Math.max(1000, COUNT / 10); i++) {
            Skb skb = Workload.packet(WorkloadMix.RANDOM, rnd);
            byte[] data = new byte[skb.length()];
            rnd.nextBytes(data);
            sim.send(rnd.nextInt(4), skb, data);
            if (rnd.nextInt(5) == 0) {
                sim.step();
            }
        }
        sim.drain();
        assertThat(sim.statistics().mismatched()).isZero();
        assertThat(sim.statistics().inFlight()).isZero();
        assertThat(check.gntcopyLines).isPositive().isEqualTo(sim.netback().hypercalls());
        assertThat(check.notifyLines).isPositive().isEqualTo(sim.netback().notifications());
        assertThat(check.duplicateNotify).isNull();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42})
    void everyProfileDeliversTheSameBytesToEachGuest(long seed) {
        int guests = 4;
        int perGuest = Math.max(150, COUNT / 80);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<List<Skb>> skbs = new ArrayList<>();
        List<List<byte[]>> data = new ArrayList<>();
        for (int g = 0; g < guests; g++) {
            skbs.add(new ArrayList<>());
            data.add(new ArrayList<>());
            for (int i = 0; i < perGuest; i++) {
                Skb skb = Workload.packet(WorkloadMix.RANDOM, rnd);
                byte[] d = new byte[skb.length()];
                rnd.nextBytes(d);
                skbs.get(g).add(skb);
                data.get(g).add(d);
            }
        }
        for (EngineProfile profile : EngineProfile.values()) {
            GuestRxSimulation sim = GuestRxSimulation.builder()
                    .guests(guests)
                    .backend(b -> b.profile(profile).groups(2))
                    .ringStartIndex(-700)
                    .build();
            List<List<byte[]>> got = new ArrayList<>();
            for (int g = 0; g < guests; g++) {
                got.add(new ArrayList<>());
            }
            for (int i = 0; i < perGuest; i++) {
                for (int g = 0; g < guests; g++) {
                    sim.send(g, skbs.get(g).get(i), data.get(g).get(i));
                }
                if (i % 3 == 2) {
                    sim.step();
                }
            }
            sim.drain();
            for (int g = 0; g < guests; g++) {
                for (ReceivedPacket r : sim.takeReceived(g)) {
                    got.get(g).add(r.bytes());
                }
                SimulationStatistics st = sim.statistics(g);
                assertThat(st.delivered()).as("%s guest %d", profile.label(), g).isEqualTo(perGuest);
                assertThat(st.mismatched())
                        .as("%s guest %d", profile.label(), g)
                        .isZero();
                assertThat(got.get(g)).as("%s guest %d", profile.label(), g).hasSize(perGuest);
                for (int i = 0; i < perGuest; i++) {
                    assertThat(got.get(g).get(i)).isEqualTo(data.get(g).get(i));
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51})
    void multiQueueGuestsGetEachPacketOnTheQueueItsHashNames(long seed) {
        int guests = 3;
        int queues = 4;
        SplittableRandom rnd = new SplittableRandom(seed);
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .guests(guests)
                .queues(queues)
                .backend(b -> b.profile(EngineProfile.RX_C))
                .build();
        List<List<List<byte[]>>> expected = new ArrayList<>();
        for (int g = 0; g < guests; g++) {
            expected.add(new ArrayList<>());
            for (int k = 0; k < queues; k++) {
                expected.get(g).add(new ArrayList<>());
            }
        }
        int n = Math.max(2000, COUNT / 10);
        for (int i = 0; i < n; i++) {
            Skb base = Workload.packet(WorkloadMix.RANDOM, rnd);
            Skb.Builder b = Skb.builder().maxFrags(17).head(base.headOffset(), base.headLength());
            for (int f = 0; f < base.fragCount(); f++) {
                b.frag(base.fragOffset(f), base.fragLength(f));
            }
            if (base.hasGso()) {
                b.gso(base.gsoSize(), base.gsoType());
            }
            boolean hashed = rnd.nextInt(8) != 0;
            int hash = rnd.nextInt();
            if (hashed) {
                b.hash(hash, HashType.IPV4_TCP);
            }
            Skb skb = b.checksum(base.checksum()).build();
            byte[] d = new byte[skb.length()];
            rnd.nextBytes(d);
            int g = rnd.nextInt(guests);
            int queue = hashed ? Integer.remainderUnsigned(hash, queues) : 0;
            assertThat(sim.vif(g).selectQueue(skb)).isEqualTo(queue);
            expected.get(g).get(queue).add(d);
            sim.send(g, skb, d);
            if (rnd.nextInt(7) == 0) {
                sim.step();
            }
        }
        sim.drain();
        assertThat(sim.contextStatistics()).hasSize(guests * queues);
        for (int g = 0; g < guests; g++) {
            SimulationStatistics st = sim.statistics(g);
            assertThat(st.mismatched()).isZero();
            assertThat(st.inFlight()).isZero();
            assertThat(st.sent()).isEqualTo(st.delivered());
            for (int k = 0; k < queues; k++) {
                // each queue's netfront received exactly its packets, in order
                assertThat(sim.netfront(g, k).statistics().packetsReceived())
                        .as("guest %d queue %d", g, k)
                        .isEqualTo(expected.get(g).get(k).size())
                        .isPositive();
                assertThat(sim.vif(g).statistics(k).packetsSent())
                        .isEqualTo(expected.get(g).get(k).size());
            }
        }
    }
}
