package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.AllocationMeter;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.trace.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole guest-RX path in steady state allocates nothing per packet: a {@link GuestRxSimulation}
 * that keeps no packets and records no inputs, sent bursts of a workload and drained (the loop of
 * {@code EndToEndBenchmark}), with every byte carried and checked in place, and payload-free. The
 * send copies into reused arrays, the backend reuses its packet records and frames, netfront hands
 * the packet over in place, and {@link GuestRxSimulation#drain()} compares counters without
 * building statistics. Measured with {@link AllocationMeter}; the same loop with {@code
 * keepReceived(true)} must allocate (the meter and the loop work).
 */
class EndToEndAllocationTest {
    private static final int BURST = 64;
    private static final int TRACE = 256;

    @ParameterizedTest(name = "{0}, {1} guest(s), payload-free {2}")
    @CsvSource({
        "mtu, 1, false",
        "tcp-bulk, 1, false",
        "imix, 1, false",
        "jumbo, 1, false",
        "mtu, 8, false",
        "tcp-bulk, 8, false",
        "mtu, 1, true",
        "tcp-bulk, 1, true",
    })
    void aWarmSimulationAllocatesNothingPerPacket(String mix, int guests, boolean free)
            throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        Workload w = Workload.named(mix, 7);
        Skb[] skbs = new Skb[TRACE];
        byte[][] data = new byte[TRACE][];
        for (int i = 0; i < TRACE; i++) {
            skbs[i] = w.next();
            data[i] = w.payload(i, skbs[i].length());
        }
        GuestRxSimulation sim = build(guests, free, false);
        int warm = 100;
        int measured = 200;
        long before = 0;
        for (int b = 0; b < warm + measured; b++) {
            if (b == warm) {
                before = meter.bytes();
            }
            burst(sim, skbs, data, b, guests, free);
        }
        long allocated = meter.bytes() - before;

        SimulationStatistics s = sim.statistics();
        assertThat(s.sent()).isEqualTo((long) BURST * (warm + measured));
        assertThat(s.delivered()).isEqualTo(s.sent());
        assertThat(s.mismatched()).isZero();
        // one object per packet would be at least 16 B x 12,800 = 204,800 B; what a warm loop may
        // still see is a rare one-off (a pool or table reaching a new peak, the JIT), not per packet
        assertThat(allocated)
                .as("bytes allocated by %d packets of %s", BURST * measured, mix)
                .isLessThan(4096);

        // the meter sees the loop: keeping the packets allocates each one's bytes
        GuestRxSimulation keeping = build(guests, free, true);
        long mark = meter.bytes();
        burst(keeping, skbs, data, 0, guests, free);
        assertThat(meter.bytes() - mark).isGreaterThan(BURST * 54L);
    }

    private static GuestRxSimulation build(int guests, boolean free, boolean keep) {
        return GuestRxSimulation.builder()
                .guests(guests)
                .txQueueLen(BURST)
                .keepReceived(keep)
                .replayable(false)
                .payloadFree(free)
                .build();
    }

    private static void burst(GuestRxSimulation sim, Skb[] skbs, byte[][] data, int b, int guests, boolean free) {
        for (int i = 0; i < BURST; i++) {
            int k = (b * BURST + i) % TRACE;
            if (free) {
                sim.send(k % guests, skbs[k]);
            } else {
                sim.send(k % guests, skbs[k], data[k]);
            }
        }
        sim.drain();
    }
}
