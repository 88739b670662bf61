package io.github.netbackrx.examples.eventloop;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.sim.PacketListener;
import io.github.netbackrx.sim.TimedHost;
import io.github.netbackrx.sim.TimedReport;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A closed loop that only an event loop can drive: guest 1 answers requests one at a time (the next
 * request leaves a think time after the previous one was delivered), while guest 0, in the same
 * 2010 group, receives a bulk stream at a given rate. The loop sends both; the host's listener
 * schedules the next request when one is delivered. With the bulk stream off, each request takes
 * the bare service time; with it on, the requests wait behind the bulk packets in the shared group.
 *
 * <p>Run: {@code java -cp target/classes:... io.github.netbackrx.examples.eventloop.PingPong
 * [bulkPacketsPerSecond]} (src/examples/README.md).
 */
public final class PingPong {
    /** A 64-byte request: the smallest Ethernet frame, all in the linear head. */
    static final Skb REQUEST = Skb.builder().head(64, 64).build();

    /** The think time between a delivery and the next request: 20 µs. */
    static final long THINK_NANOS = 20_000;

    private PingPong() {}

    /**
     * What one run measured.
     *
     * @param roundTrips each delivered request's time from being sent to being delivered to guest 1,
     *     in order
     * @param lost the requests dropped on the way (the next one is sent as if it had been answered)
     * @param report the host's report at the end
     */
    public record Result(List<Long> roundTrips, int lost, TimedReport report) {}

    /**
     * Runs {@code requests} requests to guest 1 beside a bulk stream to guest 0.
     *
     * @param requests how many requests guest 1 receives, one after another
     * @param bulkPps the bulk stream's rate in packets per second (64 KiB TCP packets), 0 for none
     * @param seed the seed of the bulk stream's Poisson arrivals and packets
     * @return what was measured
     */
    public static Result run(int requests, double bulkPps, long seed) {
        Map<Long, Long> sentAt = new HashMap<>();
        List<Long> roundTrips = new ArrayList<>();
        int[] lost = new int[1];
        EventLoop[] loop = new EventLoop[1];
        TimedHost[] host = new TimedHost[1];
        Runnable[] request = new Runnable[1];
        PacketListener listener = new PacketListener() {
            @Override
            public void delivered(long id, int guest, ReceivedPacket packet) {
                if (guest == 1) {
                    roundTrips.add(loop[0].now() - sentAt.get(id));
                    next();
                }
            }

            @Override
            public void dropped(long id, int guest, DropReason reason) {
                lostRequest(guest);
            }

            @Override
            public void errored(long id, int guest) {
                lostRequest(guest);
            }

            @Override
            public void rejected(long id, int guest, RejectReason reason) {
                lostRequest(guest);
            }

            private void lostRequest(int guest) {
                if (guest == 1) {
                    lost[0]++;
                    next();
                }
            }

            private void next() {
                if (sentAt.size() < requests) {
                    // react through the loop: a listener never calls back into the host
                    loop[0].at(loop[0].now() + THINK_NANOS, request[0]);
                }
            }
        };
        host[0] = TimedHost.builder()
                .simulation(s -> s.guests(2)
                        .backend(n -> n.profile(EngineProfile.LINUX_2010).groups(1))
                        .payloadFree(true)
                        .listener(listener))
                .build();
        loop[0] = new EventLoop(host[0]);
        request[0] = () -> sentAt.put(host[0].send(loop[0].now(), 1, REQUEST), loop[0].now());
        loop[0].at(0, request[0]);
        if (bulkPps > 0) {
            Workload bulk = Workload.of(WorkloadMix.TCP_BULK, seed);
            SplittableRandom gaps = new SplittableRandom(seed);
            double mean = 1e9 / bulkPps;
            Runnable[] stream = new Runnable[1];
            stream[0] = () -> {
                host[0].send(loop[0].now(), 0, bulk.next());
                // keep the bulk stream going while requests are outstanding
                if (roundTrips.size() + lost[0] < requests) {
                    long gap = Math.max(1, Math.round(-Math.log(1 - gaps.nextDouble()) * mean));
                    loop[0].at(loop[0].now() + gap, stream[0]);
                }
            };
            loop[0].at(0, stream[0]);
        }
        loop[0].run();
        return new Result(List.copyOf(roundTrips), lost[0], host[0].report());
    }

    /**
     * Prints the requests' latency without and with a bulk neighbour.
     *
     * @param args optionally the bulk rate in packets per second (default 10,000)
     */
    public static void main(String[] args) {
        double bulk = args.length > 0 ? Double.parseDouble(args[0]) : 10_000;
        for (double pps : new double[] {0, bulk}) {
            Result r = run(500, pps, 1);
            long sum = 0;
            long max = 0;
            for (long t : r.roundTrips()) {
                sum += t;
                max = Math.max(max, t);
            }
            System.out.printf(
                    Locale.ROOT,
                    "bulk %8.0f pps: %d requests answered, %d lost, mean %.1f us, max %.1f us; host delivered %d, dropped %d%n",
                    pps,
                    r.roundTrips().size(),
                    r.lost(),
                    sum / 1e3 / r.roundTrips().size(),
                    max / 1e3,
                    r.report().delivered(),
                    r.report().dropped());
        }
    }
}
