package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract a simulator relies on when it drives a {@link TimedHost} from its own event loop:
 * the same inputs give the same events at the same times (determinism); stepping with {@link
 * TimedHost#advanceTo} in any increments gives exactly what {@link TimedHost#run()} gives; every
 * packet's lifecycle ends once, at a time no earlier than its arrival, and the counts equal the
 * report's and the statistics'; time does not go back.
 */
class TimedHostDriveTest {
    private static final int PACKETS = Math.max(300, Integer.getInteger("netbackrx.randomCount", 20000) / 40);

    static Stream<Arguments> cases() {
        long[] seeds = LongStream.range(1, 4).toArray();
        List<Arguments> out = new ArrayList<>();
        for (EngineProfile p : EngineProfile.values()) {
            for (long seed : seeds) {
                out.add(Arguments.of(p, seed));
            }
        }
        return out.stream();
    }

    /** Logs every lifecycle call with the host's time, and checks each packet ends exactly once. */
    static final class Log implements PacketListener {
        final StringBuilder text = new StringBuilder();
        final Map<Long, String> ends = new HashMap<>();
        final Map<Long, Long> arrivedAt = new HashMap<>();
        TimedHost host;
        long delivered;
        long dropped;
        long errored;
        long rejected;

        private void line(String s) {
            text.append(host.now()).append(' ').append(s).append('\n');
        }

        private void end(long id, String how) {
            String before = ends.put(id, how);
            assertThat(before)
                    .as("packet %d ended twice: %s then %s", id, before, how)
                    .isNull();
        }

        @Override
        public void admitted(long id, int guest, int queue) {
            line("admitted " + id + " " + guest + " " + queue);
        }

        @Override
        public void dropped(long id, int guest, DropReason reason) {
            line("dropped " + id + " " + reason);
            end(id, "dropped");
            dropped++;
        }

        @Override
        public void taken(long id, int guest, int context, long action) {
            line("taken " + id + " " + context + " " + action);
        }

        @Override
        public void responded(long id, int guest, int slots, boolean error) {
            line("responded " + id + " " + slots + " " + error);
        }

        @Override
        public void delivered(long id, int guest, ReceivedPacket packet) {
            line("delivered " + id + " " + guest + " " + packet.length());
            assertThat(packet.id()).isEqualTo(id);
            end(id, "delivered");
            delivered++;
        }

        @Override
        public void errored(long id, int guest) {
            line("errored " + id);
            end(id, "errored");
            errored++;
        }

        @Override
        public void rejected(long id, int guest, RejectReason reason) {
            line("rejected " + id + " " + reason);
            end(id, "rejected");
            rejected++;
        }
    }

    /** Two or three guests, bursts above capacity so that queues fill and drop, some packets sent by hand. */
    static TimedHost build(EngineProfile profile, long seed, Log log, List<TimedHost.Interval> series) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int guests = 2 + rnd.nextInt(2);
        TimedHost h = TimedHost.builder()
                .simulation(s -> s.guests(guests)
                        .backend(b -> b.profile(profile))
                        .payloadFree(rnd.nextBoolean())
                        .listener(log))
                .backendCpus(1 + rnd.nextInt(2))
                .interval(50_000, series::add)
                .build();
        log.host = h;
        for (int g = 0; g < guests; g++) {
            Workload w = Workload.of(WorkloadMix.MIXED, seed * 31 + g);
            h.addSource(
                    g, Arrivals.poisson(100_000 + rnd.nextInt(900_000), seed * 7 + g), TimedHost.Feed.of(w), PACKETS);
        }
        return h;
    }

    private static String series(List<TimedHost.Interval> s) {
        StringBuilder b = new StringBuilder();
        s.forEach(i -> b.append(i).append('\n'));
        return b.toString();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void steppingEqualsRunAndTheSameSeedGivesTheSameRun(EngineProfile profile, long seed) {
        Log a = new Log();
        List<TimedHost.Interval> sa = new ArrayList<>();
        TimedHost ha = build(profile, seed, a, sa);
        long end = ha.run();
        assertThat(ha.nextEventTime()).isEqualTo(TimedHost.NEVER);

        // the same again, driven by a simulator's loop: steps of random length, sometimes to the next event
        Log b = new Log();
        List<TimedHost.Interval> sb = new ArrayList<>();
        TimedHost hb = build(profile, seed, b, sb);
        SplittableRandom steps = new SplittableRandom(seed ^ 0x5DEECE66DL);
        while (hb.nextEventTime() != TimedHost.NEVER) {
            long next = hb.nextEventTime();
            long t = steps.nextBoolean() ? next : hb.now() + steps.nextLong(20_000);
            hb.advanceTo(t);
            assertThat(hb.now()).isEqualTo(t);
            assertThat(hb.nextEventTime()).isGreaterThan(t);
        }
        hb.run();
        // the stepped host may stand later than the last event: bring both to the same time (idle)
        long t = Math.max(ha.now(), hb.now());
        ha.advanceTo(t);
        hb.advanceTo(t);

        assertThat(b.text.toString()).isEqualTo(a.text.toString());
        assertThat(hb.report().toString()).isEqualTo(ha.report().toString());
        assertThat(hb.report().latency().percentile(99))
                .isEqualTo(ha.report().latency().percentile(99));
        assertThat(hb.report().utilisation()).isEqualTo(ha.report().utilisation());
        assertThat(hb.statistics()).isEqualTo(ha.statistics());
        // run() closes a last, partial interval at its end: the whole intervals before it agree
        long whole = end / 50_000 * 50_000;
        assertThat(series(sb.stream().filter(i -> i.end() <= whole).toList()))
                .isEqualTo(series(sa.stream().filter(i -> i.end() <= whole).toList()))
                .isNotEmpty();

        // a third time from scratch: byte for byte the same
        Log c = new Log();
        List<TimedHost.Interval> sc = new ArrayList<>();
        TimedHost hc = build(profile, seed, c, sc);
        hc.run();
        assertThat(c.text.toString()).isEqualTo(a.text.toString());
        assertThat(series(sc)).isEqualTo(series(sa));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void everyPacketEndsOnceAndTheCountsAgree(EngineProfile profile, long seed) {
        Log log = new Log();
        List<TimedHost.Interval> series = new ArrayList<>();
        TimedHost h = build(profile, seed, log, series);
        h.run();
        TimedReport r = h.report();
        SimulationStatistics s = h.statistics();
        long sent = (long) PACKETS * h.guests();
        assertThat(r.arrived()).isEqualTo(sent);
        // every packet ended once, but those a stalled queue still holds (counted in flight)
        assertThat(log.ends).hasSize((int) (sent - s.inFlight()));
        if (profile != EngineProfile.FREEBSD) {
            assertThat(s.inFlight()).isZero();
        }
        assertThat(r.delivered()).isEqualTo(log.delivered).isEqualTo(s.delivered());
        assertThat(r.errored()).isEqualTo(log.errored).isEqualTo(s.errored());
        assertThat(r.dropped()).isEqualTo(log.dropped);
        assertThat(r.rejected()).isEqualTo(log.rejected);
        assertThat(r.dropped() + r.rejected()).isEqualTo(s.dropped());
        assertThat(r.droppedBy()).isEqualTo(s.droppedBy());
        assertThat(r.latency().count()).isEqualTo(r.delivered());
        // the series adds up to the run
        assertThat(series.stream().mapToLong(TimedHost.Interval::arrived).sum()).isEqualTo(sent);
        assertThat(series.stream().mapToLong(TimedHost.Interval::delivered).sum())
                .isEqualTo(r.delivered());
        assertThat(series.stream().mapToLong(TimedHost.Interval::dropped).sum()).isEqualTo(r.dropped() + r.rejected());
        for (int i = 0; i < series.size(); i++) {
            assertThat(series.get(i).index()).isEqualTo(i);
            assertThat(series.get(i).utilisation())
                    .allSatisfy(u -> assertThat(u).isBetween(0.0, 1.0));
        }
    }

    @Test
    void timeDoesNotGoBackAndAnIdleHostWaits() {
        TimedHost h = TimedHost.builder().simulation(s -> s.payloadFree(true)).build();
        assertThat(h.nextEventTime()).isEqualTo(TimedHost.NEVER);
        h.advanceTo(1_000);
        assertThat(h.now()).isEqualTo(1_000);
        Workload w = Workload.of(WorkloadMix.MTU, 1);
        assertThatThrownBy(() -> h.send(999, 0, w.next()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in the past");
        assertThatThrownBy(() -> h.advanceTo(999))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not go back");
        assertThatThrownBy(() -> h.send(2_000, 1, w.next()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guest 1");
        long id = h.send(2_000, 0, w.next());
        assertThat(h.nextEventTime()).isEqualTo(2_000);
        h.advanceTo(1_500);
        assertThat(h.report().arrived()).isZero();
        h.advanceTo(2_000);
        assertThat(h.report().arrived()).isEqualTo(1);
        assertThat(h.nextEventTime()).isGreaterThan(2_000).isLessThan(TimedHost.NEVER);
        long end = h.run();
        TimedReport r = h.report();
        assertThat(r.delivered()).isEqualTo(1);
        assertThat(r.latency().max()).isEqualTo(end - 2_000);
        assertThat(id).isZero();
        assertThatThrownBy(() -> h.send(end, 0, w.next(), new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        TimedHost.builder().simulation(s -> s.replayable(true)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replayable");
    }
}
