package io.github.netbackrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.sim.PacketListener;
import io.github.netbackrx.sim.TimedHost;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The event-loop example of docs/timing.md ("Driving the timed host from an event loop"), kept here
 * word for word so that it always compiles and runs.
 */
class TimedHostExampleTest {

    // --- begin timed host example ---
    /** A simulator's own event loop: its events and the host's, in one order of time. */
    static final class EventLoop {
        record Event(long time, Runnable action) {}

        private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> Long.compare(a.time(), b.time()));
        private final TimedHost host;
        final List<long[]> deliveries = new ArrayList<>(); // {id, time}

        EventLoop(EngineProfile profile) {
            host = TimedHost.builder()
                    .simulation(s -> s.guests(2)
                            .backend(b -> b.profile(profile))
                            .payloadFree(true) // counters, slots and ops; no bytes carried
                            .listener(new PacketListener() {
                                @Override
                                public void delivered(long id, int guest, ReceivedPacket p) {
                                    deliveries.add(new long[] {id, host.now()});
                                }
                            }))
                    .build();
        }

        void at(long time, Runnable action) {
            queue.add(new Event(time, action));
        }

        /** The simulator owns time: it never lets the host run past its own next event. */
        void run() {
            while (!queue.isEmpty() || host.nextEventTime() != TimedHost.NEVER) {
                long mine = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().time();
                if (host.nextEventTime() <= mine) {
                    host.advanceTo(host.nextEventTime());
                } else {
                    Event e = queue.poll();
                    host.advanceTo(e.time()); // the host catches up, then the event happens
                    e.action().run();
                }
            }
        }

        TimedHost host() {
            return host;
        }
    }

    static EventLoop example() {
        EventLoop loop = new EventLoop(EngineProfile.LINUX_3_14);
        Workload w = Workload.of(WorkloadMix.MTU, 1);
        for (int i = 0; i < 1000; i++) {
            long t = i * 5_000L; // 200,000 packets per second, alternating between the guests
            int guest = i % 2;
            loop.at(t, () -> {
                Skb skb = w.next();
                loop.host().send(loop.host().now(), guest, skb);
            });
        }
        loop.run();
        return loop;
    }
    // --- end timed host example ---

    @Test
    void theLoopDeliversEveryPacketInTime() {
        EventLoop loop = example();
        assertThat(loop.deliveries).hasSize(1000);
        assertThat(loop.host().report().delivered()).isEqualTo(1000);
        for (long[] d : loop.deliveries) {
            // sent at id × 5 µs (ids follow the sends), delivered after it
            assertThat(d[1]).isGreaterThan(d[0] * 5_000L);
        }
        assertThat(loop.host().report().latency().percentile(50)).isBetween(1_000L, 100_000L);
    }

    @Test
    void theGuideShowsThisCode() throws Exception {
        String doc = Files.readString(Path.of("docs/timing.md"), StandardCharsets.UTF_8);
        int section = doc.indexOf("## Driving the timed host from an event loop");
        assertThat(section).isPositive();
        int start = doc.indexOf("```java\n", section) + 8;
        String shown = doc.substring(start, doc.indexOf("```\n", start));
        String source = Files.readString(
                Path.of("src/test/java/io/github/netbackrx/examples/TimedHostExampleTest.java"),
                StandardCharsets.UTF_8);
        List<String> body = source.substring(
                        source.indexOf("// --- begin timed host example ---\n")
                                + "// --- begin timed host example ---\n".length(),
                        source.indexOf("    // --- end timed host example ---"))
                .lines()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.toList());
        assertThat(shown.lines().collect(Collectors.toList())).isEqualTo(body);
    }
}
