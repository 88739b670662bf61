package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.trace.CaptureLayout;
import io.github.netbackrx.trace.CapturedFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Queueing sanity of the timed host, per generation, with the packets the calibration prices (a
 * 1514-byte frame laid out as {@link CaptureLayout#defaults()} lays out a captured one): below
 * capacity nothing is dropped and a packet alone takes exactly the bare service time the cost model
 * gives ({@link CostCalibration.Counts#latencyNanos}); as the load approaches capacity the latency
 * rises; above it the throughput saturates at the capacity the cost model implies ({@link
 * CostCalibration.Counts#packetsPerSecond}) and the excess is dropped where the host's queues end.
 */
class TimedHostQueueingTest {
    private static final int SIZE = 1514;
    private static final Skb MTU = CaptureLayout.defaults().toSkb(new CapturedFrame(0, SIZE, new byte[SIZE]));

    static CostCalibration.Counts counts(EngineProfile profile) {
        return CostCalibration.builder().profile(profile).build().counts(SIZE);
    }

    static TimedHost host(EngineProfile profile, PacketListener listener) {
        return TimedHost.builder()
                .simulation(s ->
                        s.backend(b -> b.profile(profile)).payloadFree(true).listener(listener))
                .build();
    }

    static TimedReport run(EngineProfile profile, Arrivals arrivals, int packets, PacketListener listener) {
        TimedHost h = host(profile, listener);
        h.addSource(0, arrivals, i -> MTU, packets);
        h.run();
        return h.report();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = EngineProfile.class,
            names = {"LINUX_2010", "LINUX_3_14", "RX_C", "FREEBSD"})
    void belowCapacityAPacketTakesTheBareServiceTime(EngineProfile profile) {
        double alone = counts(profile).latencyNanos(CostModel.DEFAULTS);
        double capacity = counts(profile).packetsPerSecond(CostModel.DEFAULTS);
        TimedReport r = run(profile, Arrivals.constant(capacity / 20), 500, PacketListener.NONE);
        assertThat(r.delivered()).isEqualTo(500);
        assertThat(r.dropped() + r.errored() + r.rejected()).isZero();
        LatencyHistogram l = r.latency();
        // every packet is alone in its action: the latency is the model's, to the nanosecond (rounding)
        assertThat((double) l.min()).isCloseTo(alone, within(2.0));
        assertThat((double) l.max()).isCloseTo(alone, within(2.0));
        assertThat((double) l.percentile(50)).isCloseTo(alone, within(alone * LatencyHistogram.RELATIVE_ERROR));
        assertThat(r.utilisation().get(0)).isCloseTo(0.05 * (alone - guestPart()) / (1e9 / capacity), within(0.02));
    }

    /** The part of a lone packet's latency outside the backend: event channel and guest. */
    private static double guestPart() {
        return CostModel.DEFAULTS.eventChannelLatency() + CostModel.DEFAULTS.guestNanos(1, 1, 1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = EngineProfile.class,
            names = {"LINUX_2010", "RX_C"})
    void latencyRisesAsTheLoadApproachesCapacity(EngineProfile profile) {
        double capacity = counts(profile).packetsPerSecond(CostModel.DEFAULTS);
        double alone = counts(profile).latencyNanos(CostModel.DEFAULTS);
        long[] p50 = new long[3];
        long[] p99 = new long[3];
        double[] loads = {0.3, 0.6, 0.9};
        for (int i = 0; i < loads.length; i++) {
            TimedReport r = run(profile, Arrivals.poisson(loads[i] * capacity, 5), 4000, PacketListener.NONE);
            assertThat(r.dropped()).as("load %s", loads[i]).isZero();
            assertThat(r.delivered()).isEqualTo(4000);
            assertThat(r.throughputPps()).isCloseTo(loads[i] * capacity, within(0.05 * loads[i] * capacity));
            p50[i] = r.latency().percentile(50);
            p99[i] = r.latency().percentile(99);
        }
        assertThat(p50[0]).isGreaterThanOrEqualTo((long) (alone * (1 - LatencyHistogram.RELATIVE_ERROR)));
        assertThat(p50[0]).isLessThan(p50[1]).isLessThan(p50[2]);
        assertThat(p99[0]).isLessThan(p99[1]).isLessThan(p99[2]);
        assertThat(p99[2]).isGreaterThan(3 * p99[0]);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = EngineProfile.class,
            names = {"LINUX_2010", "LINUX_3_13", "LINUX_3_14", "RX_C", "FREEBSD"})
    void aboveCapacityTheThroughputSaturatesAndTheExcessIsDropped(EngineProfile profile) {
        double capacity = counts(profile).packetsPerSecond(CostModel.DEFAULTS);
        int[] waiting = new int[1];
        int[] most = new int[1];
        PacketListener track = new PacketListener() {
            @Override
            public void dropped(long id, int guest, DropReason reason) {
                waiting[0]--;
            }

            @Override
            public void taken(long id, int guest, int context, long action) {
                waiting[0]--;
            }
        };
        TimedHost h = host(profile, track);
        h.addSource(
                0,
                Arrivals.poisson(2 * capacity, 9),
                i -> {
                    most[0] = Math.max(most[0], ++waiting[0]);
                    return MTU;
                },
                6000);
        h.run();
        TimedReport r = h.report();
        assertThat(r.throughputPps()).isCloseTo(capacity, within(0.02 * capacity));
        assertThat(r.utilisation().get(0)).isGreaterThan(0.98);
        assertThat(r.dropped()).isGreaterThan(2000);
        assertThat(r.delivered() + r.dropped()).isEqualTo(6000);
        // the excess is dropped where the host's queues end, and no more ever wait
        int qdisc = 32;
        switch (profile) {
            case RX_C -> {
                assertThat(r.droppedBy()).containsKeys(DropReason.QDISC_FULL, DropReason.QUEUE_FULL);
                // rx_queue_max bytes (a packet is refused once the queue holds them), then the qdisc
                assertThat(most[0]).isLessThanOrEqualTo(128 * 4096 / SIZE + 1 + qdisc + 1);
            }
            case FREEBSD -> {
                assertThat(r.droppedBy()).containsOnlyKeys(DropReason.QUEUE_FULL);
                assertThat(most[0]).isLessThanOrEqualTo(255 + 1);
            }
            case LINUX_3_14 -> {
                assertThat(r.droppedBy()).containsOnlyKeys(DropReason.QDISC_FULL);
                // start_xmit queues while the ring shows the cheap minimum; each action then takes what
                // the ring holds, so no more than about two rings' worth wait before the qdisc
                assertThat(most[0]).isLessThanOrEqualTo(2 * 256 + qdisc + 1);
            }
            default -> {
                assertThat(r.droppedBy()).containsOnlyKeys(DropReason.QDISC_FULL);
                // the reservation against the ring's posted requests, then the qdisc
                assertThat(most[0]).isLessThanOrEqualTo(256 + qdisc + 1);
            }
        }
        assertThat(r.latency().max()).isLessThan((long) ((most[0] + 64) * 1e9 / capacity) + 1_000_000);
    }
}
