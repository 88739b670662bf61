package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every engine profile (each with its own packing policy) delivers the same byte stream for the
 * same packets: seeded random packets whose areas lie within pages, so every policy takes them.
 */
class CrossProfileEndToEndTest {
    private static final int COUNT = Math.max(300, Integer.getInteger("netbackrx.randomCount", 20000) / 40);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void everyProfileDeliversTheSameBytes(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Skb> skbs = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            Skb skb = Workload.packet(WorkloadMix.RANDOM, rnd);
            byte[] d = new byte[skb.length()];
            rnd.nextBytes(d);
            skbs.add(skb);
            data.add(d);
        }
        int ringStart = rnd.nextBoolean() ? 0 : -1000;
        List<List<byte[]>> streams = new ArrayList<>();
        for (EngineProfile profile : EngineProfile.values()) {
            GuestRxSimulation sim = GuestRxSimulation.builder()
                    .backend(b -> b.profile(profile))
                    .ringStartIndex(ringStart)
                    .build();
            List<byte[]> got = new ArrayList<>();
            for (int i = 0; i < skbs.size(); i++) {
                sim.send(skbs.get(i), data.get(i));
                if (i % 4 == 3) {
                    sim.step();
                    sim.takeReceived().forEach(r -> got.add(r.bytes()));
                }
            }
            sim.drain();
            for (ReceivedPacket r : sim.takeReceived()) {
                got.add(r.bytes());
            }
            SimulationStatistics st = sim.statistics();
            assertThat(st.mismatched()).as(profile.label()).isZero();
            assertThat(st.dropped()).as(profile.label()).isZero();
            assertThat(st.errored()).as(profile.label()).isZero();
            assertThat(st.delivered()).as(profile.label()).isEqualTo(skbs.size());
            assertThat(sim.vif().policy()).isEqualTo(profile.defaultPolicy());
            streams.add(got);
        }
        for (List<byte[]> s : streams) {
            assertThat(s).hasSameSizeAs(data);
            for (int i = 0; i < data.size(); i++) {
                assertThat(s.get(i)).isEqualTo(data.get(i));
            }
        }
    }
}
