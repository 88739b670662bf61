package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
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
            Skb skb = withinPages(rnd);
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

    /** A packet whose head and fragments lie within one page each, at most 16 fragments. */
    static Skb withinPages(SplittableRandom rnd) {
        Skb.Builder b = Skb.builder().maxFrags(17);
        int kind = rnd.nextInt(4);
        if (kind == 0) {
            int len = 60 + rnd.nextInt(1455);
            b.head(rnd.nextInt(4097 - len), len);
        } else {
            int head = rnd.nextInt(300);
            b.head(rnd.nextInt(4096 - head), head);
            int frags = 1 + rnd.nextInt(kind == 3 ? 16 : 6);
            for (int k = 0; k < frags; k++) {
                int len = kind == 2 ? 1 + rnd.nextInt(300) : 1 + rnd.nextInt(4096);
                int off = rnd.nextInt(4097 - len);
                if (rnd.nextInt(6) == 0) {
                    b.foreignFrag(off, len);
                } else {
                    b.frag(off, len);
                }
            }
            if (rnd.nextBoolean()) {
                b.gso(536 + rnd.nextInt(9000), rnd.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
            }
        }
        b.checksum(ChecksumState.values()[rnd.nextInt(3)]);
        return b.build();
    }
}
