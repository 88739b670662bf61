package io.github.netbackrx.examples.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.sim.Arrivals;
import io.github.netbackrx.sim.PacketListener;
import io.github.netbackrx.sim.TimedHost;
import io.github.netbackrx.sim.TimedReport;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    /** One packet of the open-loop traffic. */
    private record Arrival(long time, int guest, Skb skb) {}

    /**
     * Two guests in one 2010 group: guest 0 a bulk stream near the group's capacity (so its queue
     * fills and packets are dropped), guest 1 small packets, both Poisson.
     */
    private static List<Arrival> traffic() {
        List<Arrival> all = new ArrayList<>();
        Workload bulk = Workload.of(WorkloadMix.TCP_BULK, 7);
        Arrivals bulkTimes = Arrivals.poisson(14_000, 3);
        for (int i = 0; i < 300; i++) {
            all.add(new Arrival(bulkTimes.next(), 0, bulk.next()));
        }
        Workload small = Workload.of(WorkloadMix.MTU, 8);
        Arrivals smallTimes = Arrivals.poisson(30_000, 4);
        for (int i = 0; i < 400; i++) {
            all.add(new Arrival(smallTimes.next(), 1, small.next()));
        }
        all.sort(Comparator.comparingLong(Arrival::time)); // stable: ties keep guest 0 first
        return all;
    }

    /** What happened to each packet, by its position in {@link #traffic()}: "delivered@t" or "dropped@t". */
    private static final class Outcomes implements PacketListener {
        final Map<Long, Integer> index = new LinkedHashMap<>();
        final Map<Integer, String> outcome = new LinkedHashMap<>();
        TimedHost host;

        @Override
        public void delivered(long id, int guest, ReceivedPacket packet) {
            outcome.put(index.get(id), "delivered@" + host.now());
        }

        @Override
        public void dropped(long id, int guest, DropReason reason) {
            outcome.put(index.get(id), reason + "@" + host.now());
        }
    }

    private static TimedHost host(Outcomes o) {
        TimedHost h = TimedHost.builder()
                .simulation(s -> s.guests(2)
                        .backend(n -> n.profile(EngineProfile.LINUX_2010).groups(1))
                        .payloadFree(true)
                        .listener(o))
                .build();
        o.host = h;
        return h;
    }

    private static void assertSameRun(TimedReport a, TimedReport b) {
        assertThat(b.arrived()).isEqualTo(a.arrived());
        assertThat(b.delivered()).isEqualTo(a.delivered());
        assertThat(b.dropped()).isEqualTo(a.dropped());
        assertThat(b.droppedBy()).isEqualTo(a.droppedBy());
        assertThat(b.end()).isEqualTo(a.end());
        for (int g = 0; g < 2; g++) {
            assertThat(b.latency(g).count()).isEqualTo(a.latency(g).count());
            assertThat(b.latency(g).percentile(50)).isEqualTo(a.latency(g).percentile(50));
            assertThat(b.latency(g).max()).isEqualTo(a.latency(g).max());
        }
        assertThat(b.utilisation()).isEqualTo(a.utilisation());
    }

    /** The host run alone, every packet sent before {@code run()}. */
    private static TimedReport runAlone(List<Arrival> traffic, Outcomes o) {
        TimedHost h = host(o);
        for (int i = 0; i < traffic.size(); i++) {
            Arrival a = traffic.get(i);
            o.index.put(h.send(a.time, a.guest, a.skb), i);
        }
        h.run();
        return h.report();
    }

    /** The same packets, each sent by an event of the loop at its arrival time. */
    private static TimedReport runInLoop(List<Arrival> traffic, Outcomes o, long... pauses) {
        TimedHost h = host(o);
        EventLoop loop = new EventLoop(h);
        for (int i = 0; i < traffic.size(); i++) {
            Arrival a = traffic.get(i);
            int index = i;
            loop.at(a.time, () -> o.index.put(h.send(loop.now(), a.guest, a.skb), index));
        }
        for (long pause : pauses) {
            loop.run(pause);
            assertThat(loop.now()).isLessThanOrEqualTo(pause);
        }
        loop.run();
        return h.report();
    }

    @Test
    void theLoopGivesWhatTheHostGivesAlone() {
        List<Arrival> traffic = traffic();
        Outcomes alone = new Outcomes();
        Outcomes looped = new Outcomes();
        TimedReport a = runAlone(traffic, alone);
        TimedReport b = runInLoop(traffic, looped);
        // the traffic is heavy enough that both ends occur, so the comparison covers both
        assertThat(a.dropped()).isPositive();
        assertThat(a.delivered()).isGreaterThan(traffic.size() / 2);
        assertThat(looped.outcome).hasSize(traffic.size()).isEqualTo(alone.outcome);
        assertSameRun(a, b);
    }

    @Test
    void stoppingTheLoopAnywhereChangesNothing() {
        List<Arrival> traffic = traffic();
        Outcomes whole = new Outcomes();
        Outcomes paused = new Outcomes();
        TimedReport a = runInLoop(traffic, whole);
        long end = a.end();
        TimedReport b = runInLoop(traffic, paused, 1, end / 7, end / 3, end / 3, end / 2 + 12_345);
        assertThat(paused.outcome).isEqualTo(whole.outcome);
        assertSameRun(a, b);
    }

    @Test
    void aBulkNeighbourSlowsTheRequestsDown() {
        PingPong.Result alone = PingPong.run(300, 0, 1);
        PingPong.Result beside = PingPong.run(300, 10_000, 1);
        assertThat(alone.roundTrips()).hasSize(300);
        assertThat(alone.lost()).isZero();
        // on an otherwise idle host every request takes the same bare service time
        assertThat(alone.roundTrips()).containsOnly(alone.report().latency(1).min());
        assertThat(beside.roundTrips().size() + beside.lost()).isEqualTo(300);
        double aloneMean = mean(alone.roundTrips());
        double besideMean = mean(beside.roundTrips());
        assertThat(besideMean).isGreaterThan(2 * aloneMean);
        // the closed loop: request k+1 leaves a think time after request k ended, so the run lasts at
        // least the sum of the round trips and think times
        long sum = beside.roundTrips().stream().mapToLong(Long::longValue).sum();
        assertThat(beside.report().end()).isGreaterThanOrEqualTo(sum + 299 * PingPong.THINK_NANOS);
    }

    @Test
    void anEventInThePastIsRefused() {
        Outcomes o = new Outcomes();
        TimedHost h = host(o);
        EventLoop loop = new EventLoop(h);
        loop.at(1_000, () -> {});
        loop.run();
        assertThat(loop.now()).isEqualTo(1_000);
        assertThatThrownBy(() -> loop.at(999, () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in the past");
        assertThatThrownBy(() -> new EventLoop(h))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new host");
    }

    private static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElseThrow();
    }
}
