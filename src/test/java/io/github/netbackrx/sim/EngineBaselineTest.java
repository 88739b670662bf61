package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotEstimator;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.Vif;
import io.github.netbackrx.netback.VifListener;
import io.github.netbackrx.netfront.Netfront;
import io.github.netbackrx.netfront.NetfrontListener;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The engines' behaviour frozen before they were split out of {@code Vif}: seeded one-guest runs
 * under every profile (random packets, the guest stopping and resuming its posting, grant faults,
 * a scribbled {@code req_prod}, a small copy-op array, an over-estimating estimator, a ring
 * starting near 2^32), each summarised as its final vif and netfront statistics plus one SHA-256
 * over the ring page after every round, every listener event and every delivered byte. The
 * expected lines are in {@code src/test/resources/baseline/engine-baseline.txt}; they were written
 * by this test (with {@code -Dnetbackrx.writeBaseline=true}) from the engine as it was before the
 * host refactor, so any change of behaviour shows as a differing line.
 *
 * <p>The rounds are driven here, through the public {@link Vif} and {@link Netfront} API only, in
 * the order the one-guest simulation used when the baseline was taken (backend event, feed the
 * backlog while the queue runs, actions until none makes progress, guest poll and refill, backend
 * event), so that later changes to the simulation's pacing do not move the baseline.
 */
class EngineBaselineTest {
    private static final String RESOURCE = "/baseline/engine-baseline.txt";
    private static final int PACKETS = 1500;

    /** One scenario: a vif configuration and a packet generator. */
    private record Scenario(
            String name,
            EngineProfile profile,
            PackingPolicy policy,
            SlotEstimator estimator,
            int copyOpArraySize,
            int ringStart,
            long seed,
            Function<SplittableRandom, Skb> packets,
            boolean faults) {}

    private static List<Scenario> scenarios() {
        List<Scenario> s = new ArrayList<>();
        // the four profiles that existed when the baseline was taken
        for (EngineProfile p : List.of(
                EngineProfile.LINUX_2010, EngineProfile.LINUX_3_14, EngineProfile.RX_C, EngineProfile.FREEBSD)) {
            for (long seed = 1; seed <= 3; seed++) {
                int start = seed == 2 ? -300 : seed == 3 ? 2147483000 : 0;
                s.add(new Scenario(
                        p.label() + "-within-pages-" + seed,
                        p,
                        null,
                        null,
                        0,
                        start,
                        seed,
                        r -> Workload.packet(WorkloadMix.RANDOM, r),
                        false));
                s.add(new Scenario(
                        p.label() + "-random-faults-" + seed,
                        p,
                        null,
                        null,
                        0,
                        start,
                        seed + 100,
                        r -> Workload.packet(WorkloadMix.ENGINES, r),
                        true));
            }
        }
        s.add(new Scenario(
                "2010-per-frag",
                EngineProfile.LINUX_2010,
                PackingPolicy.PER_FRAG,
                null,
                0,
                -5000,
                7,
                r -> Workload.packet(WorkloadMix.ENGINES, r),
                true));
        s.add(new Scenario(
                "2010-small-copy-array",
                EngineProfile.LINUX_2010,
                PackingPolicy.COALESCE,
                null,
                40,
                0,
                8,
                r -> Workload.packet(WorkloadMix.RANDOM, r),
                false));
        s.add(new Scenario(
                "2010-compound-3.0-estimate",
                EngineProfile.LINUX_2010,
                PackingPolicy.COALESCE_COMPOUND,
                SlotEstimator.LINUX_3_0,
                0,
                0,
                9,
                rnd -> Skb.builder().head(3900 + rnd.nextInt(190), 200).build(),
                false));
        s.add(new Scenario(
                "3.14-small-copy-array",
                EngineProfile.LINUX_3_14,
                null,
                null,
                300,
                0,
                10,
                r -> Workload.packet(WorkloadMix.RANDOM, r),
                true));
        s.add(new Scenario(
                "rx.c-small-copy-array",
                EngineProfile.RX_C,
                null,
                null,
                16,
                0,
                11,
                r -> Workload.packet(WorkloadMix.RANDOM, r),
                true));
        s.add(new Scenario(
                "freebsd-small-copy-array",
                EngineProfile.FREEBSD,
                null,
                null,
                8,
                0,
                12,
                r -> Workload.packet(WorkloadMix.RANDOM, r),
                true));
        return s;
    }

    @Test
    void everyScenarioMatchesTheFrozenBaseline() throws IOException {
        Map<String, String> actual = new LinkedHashMap<>();
        for (Scenario s : scenarios()) {
            actual.put(s.name(), new Run(s).play());
        }
        StringBuilder text = new StringBuilder(
                "# engine baseline: one line per scenario (EngineBaselineTest); written before the host refactor\n");
        actual.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
        if (Boolean.getBoolean("netbackrx.writeBaseline")) {
            Path out = Path.of("src/test/resources" + RESOURCE);
            Files.createDirectories(out.getParent());
            Files.writeString(out, text.toString());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        try (InputStream in = EngineBaselineTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("baseline resource " + RESOURCE).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int sp = line.indexOf(' ');
                    expected.put(line.substring(0, sp), line.substring(sp + 1));
                }
            }
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    /** One run of a scenario with its own host, guest, ring, vif and netfront. */
    private static final class Run {
        private final Scenario s;
        private final SplittableRandom rnd;
        private final MessageDigest digest;
        private final RxRing ring;
        private final RxRing.BackRing back;
        private final EventChannel channel;
        private final Vif vif;
        private final Netfront netfront;
        private final ArrayDeque<Object[]> backlog = new ArrayDeque<>();
        private long responded;
        private long dropped;
        private long received;
        private long rejected;

        Run(Scenario s) {
            this.s = s;
            this.rnd = new SplittableRandom(s.seed());
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
            Hypervisor hv = new Hypervisor();
            Domain backend = hv.createDomain(0);
            Domain guest = hv.createDomain(1);
            Domain peer = hv.createDomain(2);
            ring = RxRing.startingAt(s.ringStart());
            back = ring.attachBack(s.ringStart());
            channel = hv.bindInterdomain(backend, guest);
            Vif.Builder b = Vif.builder(hv, backend, 1, back, channel.first())
                    .peer(peer)
                    .profile(s.profile())
                    .listener(new VifListener() {
                        @Override
                        public void responded(long tag, boolean error, int slots) {
                            responded++;
                            digest("responded " + tag + " " + error + " " + slots);
                        }

                        @Override
                        public void dropped(long tag, DropReason reason) {
                            dropped++;
                            digest("dropped " + tag + " " + reason);
                        }
                    });
            if (s.policy() != null) {
                b.policy(s.policy());
            }
            if (s.estimator() != null) {
                b.estimator(s.estimator());
            }
            if (s.copyOpArraySize() != 0) {
                b.copyOpArraySize(s.copyOpArraySize());
            }
            vif = b.build();
            netfront =
                    new Netfront(guest, 0, ring.attachFront(s.ringStart()), channel.second(), new NetfrontListener() {
                        @Override
                        public void received(ReceivedPacket packet) {
                            received++;
                            digest.update(packet.bytes());
                            digest("received " + packet.gsoSize() + " " + packet.gsoType() + " " + packet.checksum());
                        }

                        @Override
                        public void rejected(RejectReason reason) {
                            rejected++;
                            digest("rejected " + reason);
                        }
                    });
            netfront.refill();
        }

        private void digest(String event) {
            digest.update(event.getBytes(StandardCharsets.UTF_8));
        }

        String play() {
            long tag = 0;
            for (int i = 0; i < PACKETS; i++) {
                Skb skb = s.packets().apply(rnd);
                byte[] data = new byte[skb.length()];
                rnd.nextBytes(data);
                backlog.addLast(new Object[] {skb, data, tag++});
                if (rnd.nextInt(6) == 0) {
                    step();
                }
                if (s.faults()) {
                    fault();
                }
            }
            netfront.faults().resumePosting();
            for (int i = 0; i < 400 && (!backlog.isEmpty() || vif.queuedPackets() > 0); i++) {
                step();
            }
            step();
            return vif.statistics() + " " + netfront.statistics() + " responded=" + responded + " dropped="
                    + dropped + " received=" + received + " rejected=" + rejected + " backlog=" + backlog.size()
                    + " queued=" + vif.queuedPackets() + " stopped=" + vif.queueStopped() + " disabled="
                    + vif.disabledBy().isPresent() + " digest=" + HexFormat.of().formatHex(digest.digest());
        }

        private void fault() {
            int k = rnd.nextInt(400);
            try {
                if (k == 0) {
                    netfront.faults().stopPosting();
                } else if (k < 8 && netfront.postingStopped()) {
                    netfront.faults().resumePosting();
                } else if (k == 8) {
                    netfront.faults().revokeGrant(back.reqCons());
                } else if (k == 9) {
                    netfront.faults().makeGrantReadOnly(back.reqCons());
                } else if (k == 10) {
                    netfront.faults().grantToWrongDomain(back.reqCons(), 2);
                } else if (k == 11) {
                    netfront.faults().setGrefBeyondTable(back.reqCons());
                } else if (k == 12 && s.seed() % 3 == 0) {
                    netfront.faults().writeReqProd(ring.reqProd() + 5000); // a front end scribbling: disables the vif
                }
            } catch (IllegalArgumentException e) {
                digest("fault refused");
            }
        }

        /** One round, in the order of the one-guest simulation when the baseline was taken. */
        private void step() {
            if (channel.first().takePending()) {
                vif.frontendEvent();
            }
            while (!backlog.isEmpty()
                    && (!vif.queueStopped() || vif.disabledBy().isPresent())) {
                Object[] p = backlog.pollFirst();
                vif.startXmit((Skb) p[0], (byte[]) p[1], (Long) p[2]);
            }
            while (vif.rxAction() > 0) {
                // until an action makes no progress
            }
            if (channel.second().takePending()) {
                netfront.poll();
            }
            netfront.refill();
            if (channel.first().takePending()) {
                vif.frontendEvent();
            }
            digest.update(ring.pageCopy());
            digest("peek " + vif.reqConsPeek() + " stopped " + vif.queueStopped() + " limits "
                    + KernelLimits.NET_RX_RING_SIZE);
        }
    }
}
