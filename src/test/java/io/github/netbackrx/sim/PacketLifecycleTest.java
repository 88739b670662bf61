package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.ContextStatistics;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lifecycle completeness: with seeded random packets for three guests (layouts the 2010 rule
 * refuses, foreign fragments, GSO), guests that stop posting (qdisc drops) and revoked grants
 * (copy errors), every packet id the simulation handed out ends in exactly one of dropped,
 * delivered, errored and rejected, after the steps its lifecycle allows, and the counts of the
 * listener's calls equal the statistics; every delivered packet carries its id.
 */
class PacketLifecycleTest {
    private static final int COUNT = Math.max(1600, Integer.getInteger("netbackrx.randomCount", 20000) / 10);
    private static final int GUESTS = 3;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (EngineProfile p : EngineProfile.values()) {
            out.add(Arguments.of(p, p.defaultPolicy(), 31L));
        }
        out.add(Arguments.of(EngineProfile.LINUX_2010, PackingPolicy.PER_FRAG, 32L)); // netfront rejects
        out.add(Arguments.of(EngineProfile.RX_C, PackingPolicy.FULL_PAGE, 33L));
        return out.stream();
    }

    /** Every call the listener got for one packet, in order. */
    static final class Recorder implements PacketListener {
        final Map<Long, List<String>> steps = new HashMap<>();
        final Map<Long, Integer> guestOf = new HashMap<>();
        final Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
        final List<Long> deliveredIds = new ArrayList<>();
        final Map<Integer, Long> lastAction = new HashMap<>();
        long admitted;
        long taken;
        long delivered;
        long errored;
        String problem;

        private void step(long id, int guest, String what) {
            steps.computeIfAbsent(id, k -> new ArrayList<>()).add(what);
            Integer g = guestOf.putIfAbsent(id, guest);
            if (g != null && g != guest && problem == null) {
                problem = "packet " + id + " reported for guest " + guest + " and " + g;
            }
        }

        @Override
        public void admitted(long id, int guest, int queue) {
            admitted++;
            step(id, guest, "admitted");
        }

        @Override
        public void dropped(long id, int guest, DropReason reason) {
            dropped.merge(reason, 1L, Long::sum);
            step(id, guest, "dropped");
        }

        @Override
        public void taken(long id, int guest, int context, long action) {
            taken++;
            Long last = lastAction.put(context, action);
            if (last != null && last > action && problem == null) {
                problem = "context " + context + ": action " + action + " after action " + last;
            }
            step(id, guest, "taken");
        }

        @Override
        public void responded(long id, int guest, int slots, boolean error) {
            step(id, guest, error ? "responded-error" : "responded");
        }

        @Override
        public void delivered(long id, int guest, ReceivedPacket packet) {
            delivered++;
            deliveredIds.add(id);
            if (packet.id() != id && problem == null) {
                problem = "packet " + id + " delivered as id " + packet.id();
            }
            step(id, guest, "delivered");
        }

        @Override
        public void errored(long id, int guest) {
            errored++;
            step(id, guest, "errored");
        }

        @Override
        public void rejected(long id, int guest, RejectReason reason) {
            rejected.merge(reason, 1L, Long::sum);
            step(id, guest, "rejected");
        }
    }

    /** The lifecycles the model allows: dropped before or after admission, or the ring and one end at the guest. */
    private static boolean allowed(List<String> s) {
        String joined = String.join(" ", s);
        return joined.equals("dropped")
                || joined.equals("admitted dropped")
                || joined.equals("admitted taken responded delivered")
                || joined.equals("admitted taken responded rejected")
                || joined.equals("admitted taken responded-error errored");
    }

    @ParameterizedTest(name = "{0}, {1}, seed {2}")
    @MethodSource("cases")
    void everyPacketEndsOnceAndTheCountsAreTheStatistics(EngineProfile profile, PackingPolicy policy, long seed) {
        Recorder rec = new Recorder();
        GuestRxSimulation sim = run(profile, policy, seed, rec, false);
        SimulationStatistics st = sim.statistics();
        assertThat(rec.problem).isNull();
        assertThat(st.inFlight()).isZero();
        assertThat(rec.steps).hasSize((int) st.sent());
        for (long id = 0; id < st.sent(); id++) {
            List<String> s = rec.steps.get(id);
            assertThat(s).as("packet %d", id).isNotNull();
            assertThat(allowed(s)).as("packet %d: %s", id, s).isTrue();
        }
        long drops = rec.dropped.values().stream().mapToLong(Long::longValue).sum();
        long rejects = rec.rejected.values().stream().mapToLong(Long::longValue).sum();
        assertThat(rec.delivered).isEqualTo(st.delivered());
        assertThat(rec.errored).isEqualTo(st.errored());
        assertThat(drops + rejects).isEqualTo(st.dropped());
        assertThat(rec.dropped).isEqualTo(st.droppedBy());
        assertThat(st.droppedBy().getOrDefault(DropReason.QDISC_FULL, 0L)).isEqualTo(st.qdiscDropped());
        assertThat(drops).isEqualTo(st.qdiscDropped() + st.vif().packetsDropped());
        assertThat(rejects + rec.errored).isEqualTo(st.netfront().packetsRejected());
        assertThat(rec.taken)
                .isEqualTo(st.vif().packetsSent() + st.vif().packetsErrored())
                .isEqualTo(sim.contextStatistics().stream()
                        .mapToLong(ContextStatistics::packets)
                        .sum());
        // the run exercised every end: drops at the qdisc or the backend's queue bound, errors, deliveries
        assertThat(st.droppedBy().keySet()).containsAnyOf(DropReason.QDISC_FULL, DropReason.QUEUE_FULL);
        assertThat(st.errored()).isPositive();
        assertThat(st.delivered()).isGreaterThan(st.sent() / 4);
        if (policy == PackingPolicy.PER_FRAG) {
            assertThat(rejects).isPositive();
        }
        if (profile == EngineProfile.LINUX_2010 && policy == PackingPolicy.COALESCE) {
            // netif_be_start_xmit refuses what net_rx_action would BUG() on (a fragment across its page)
            assertThat(rec.dropped).containsKey(DropReason.UNSUPPORTED);
        }
        if (policy == PackingPolicy.PER_FRAG) {
            // the pre-2010 code issues a crossing copy; Xen fails it, nothing is refused up front
            assertThat(rec.dropped).doesNotContainKey(DropReason.UNSUPPORTED);
        }
    }

    @ParameterizedTest(name = "{0}, {1}, seed {2}")
    @MethodSource("cases")
    void deliveredPacketsCarryTheirIdsInOrder(EngineProfile profile, PackingPolicy policy, long seed) {
        Recorder rec = new Recorder();
        GuestRxSimulation sim = run(profile, policy, seed, rec, true);
        List<Long> kept = new ArrayList<>();
        for (int g = 0; g < GUESTS; g++) {
            for (ReceivedPacket r : sim.takeReceived(g)) {
                assertThat(r.id()).isNotEqualTo(ReceivedPacket.NO_ID);
                assertThat(rec.guestOf.get(r.id())).isEqualTo(g);
                kept.add(r.id());
            }
        }
        assertThat(kept).containsExactlyInAnyOrderElementsOf(rec.deliveredIds);
        // per guest (one queue each) the ids arrive in send order
        for (int g = 0; g < GUESTS; g++) {
            int guest = g;
            List<Long> ids = rec.deliveredIds.stream()
                    .filter(id -> rec.guestOf.get(id) == guest)
                    .toList();
            assertThat(ids).isSorted();
        }
    }

    static GuestRxSimulation run(
            EngineProfile profile, PackingPolicy policy, long seed, PacketListener listener, boolean keep) {
        SplittableRandom rnd = new SplittableRandom(seed);
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .guests(GUESTS)
                .backend(b -> b.profile(profile).groups(profile == EngineProfile.LINUX_2010 ? 2 : 1))
                .vif(v -> v.policy(policy))
                .listener(listener)
                .keepReceived(keep)
                .build();
        drive(sim, rnd, COUNT);
        return sim;
    }

    /**
     * A 300-byte head and 18 fragments: under {@code per-frag} 19 data slots with a first slot over
     * 256 bytes, which netfront rejects ({@code xennet_get_responses}: at most 18 then); 3.x kernels
     * ({@code MAX_SKB_FRAGS} 17) refuse it at {@code start_xmit}.
     */
    static Skb tooManySlotsForPerFrag() {
        Skb.Builder b = Skb.builder().head(64, 300);
        for (int k = 0; k < 18; k++) {
            b.frag(0, 100);
        }
        return b.build();
    }

    /**
     * Random packets for random guests, steps, twice a guest that stops posting for a while (a burst
     * of 400 packets and then three packets in four go to it, so its ring and the queues in front of
     * it fill), revoked grants; then drained.
     */
    static void drive(GuestRxSimulation sim, SplittableRandom rnd, int count) {
        int lastRevoked = sim.nextRequestIndex() - 1;
        int stopped = -1;
        int stoppedUntil = 0;
        for (int i = 0; i < count; i++) {
            Skb skb = rnd.nextInt(40) == 0 ? tooManySlotsForPerFrag() : Workload.packet(WorkloadMix.ENGINES, rnd);
            byte[] data = new byte[skb.length()];
            rnd.nextBytes(data);
            int to = stopped >= 0 && rnd.nextInt(4) != 0 ? stopped : rnd.nextInt(GUESTS);
            sim.send(to, skb, data);
            if (rnd.nextInt(6) == 0) {
                sim.step();
            }
            if (stopped < 0 && (i == count / 5 || i == 3 * count / 5)) {
                stopped = rnd.nextInt(GUESTS);
                stoppedUntil = i + count / 4;
                sim.stopGuestPosting(stopped);
                for (int k = 0; k < 400; k++) { // more than its ring, its backend queue and its qdisc hold
                    Skb burst = Workload.packet(WorkloadMix.ENGINES, rnd);
                    sim.send(stopped, burst, new byte[burst.length()]);
                    if (k % 8 == 7) {
                        sim.step();
                    }
                }
            } else if (stopped >= 0 && i >= stoppedUntil) {
                sim.resumeGuestPosting(stopped);
                stopped = -1;
            }
            if (rnd.nextInt(60) == 0
                    && !sim.netfront(0, 0).postingStopped()
                    && sim.netfront(0, 0).outstandingRequests() > 0
                    // a posted request the backend has not consumed yet (not only unread responses)
                    && sim.netfront(0, 0).ring().reqProdPvt() != sim.nextRequestIndex()
                    && sim.nextRequestIndex() != lastRevoked) {
                lastRevoked = sim.nextRequestIndex();
                sim.revokeNextGrant(0);
            }
        }
        for (int g = 0; g < GUESTS; g++) {
            sim.resumeGuestPosting(g);
        }
        sim.drain();
    }
}
