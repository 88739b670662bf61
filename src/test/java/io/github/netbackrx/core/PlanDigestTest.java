package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A differential test against a frozen packer: for each policy and seed, the SHA-256 of everything
 * the packer produces for a fixed sample of random packets — every field of every op and slot, the
 * estimate, {@code estimateSlots}, the {@link PlanChecker} findings, or the refusal's message —
 * under every configuration that changes a plan (faithful, each feature set, several {@code
 * MAX_BUFFER_OFFSET}s, every estimator), compared with {@code plan-digests.txt}.
 *
 * <p>The file was written by this test from the packer as it stood before the planning hot path
 * was restructured (issue 16 item 3, issue 17 item 2), whose plans the goldens and the contract
 * suites had checked; any change of any plan changes a digest. The sample is fixed (not {@code
 * netbackrx.randomCount}), since the digest is of the sample. When {@link RandomPackets} or a
 * packing rule changes on purpose, re-freeze from the packer before the change: a failure prints
 * the line to put in the file.
 */
class PlanDigestTest {
    /** Packets per seed: half {@link RandomPackets#next}, half {@link RandomPackets#nextCrossing}. */
    private static final int PACKETS = 1000;

    private static final long[] SEEDS = {1L, 0x5EEDL, -7L};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (PackingPolicy p : PackingPolicy.values()) {
            for (long seed : SEEDS) {
                out.add(Arguments.of(p, seed));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void plansAreThoseOfTheFrozenPacker(PackingPolicy policy, long seed) throws Exception {
        String key = policy.label() + " " + seed + " " + PACKETS;
        String actual = digest(policy, seed);
        assertThat(actual)
                .as("digest of %s; if the change of plans is intended, the line is: %s %s", key, key, actual)
                .isEqualTo(frozen().get(key));
    }

    /** Every packer configuration that changes a plan of {@code policy}. */
    static List<RxPacker> packers(PackingPolicy policy) {
        List<RxPacker> out = new ArrayList<>();
        FrontendFeatures d = FrontendFeatures.DEFAULT;
        int all = FrontendFeatures.ALL_GSO;
        int v4 = FrontendFeatures.bit(GsoType.TCPV4);
        int v6 = FrontendFeatures.bit(GsoType.TCPV6);
        out.add(RxPacker.of(policy));
        out.add(RxPacker.builder(policy).faithful(true).build());
        out.add(RxPacker.builder(policy).features(d.withGsoMask(0)).build());
        out.add(RxPacker.builder(policy).features(d.withGsoMask(v4)).build());
        out.add(RxPacker.builder(policy).features(d.withHash(false)).build());
        out.add(RxPacker.builder(policy)
                .features(d.withGsoMask(0).withHash(false))
                .faithful(true)
                .build());
        if (policy.coalesceFamily()) {
            out.add(RxPacker.builder(policy)
                    .features(d.withGsoMask(0).withGsoPrefixMask(all))
                    .build());
            out.add(RxPacker.builder(policy)
                    .features(d.withGsoMask(v4).withGsoPrefixMask(v6))
                    .build());
            for (int max : new int[] {3000, 2048, 1000}) {
                out.add(RxPacker.builder(policy).maxBufferOffset(max).build());
                out.add(RxPacker.builder(policy)
                        .maxBufferOffset(max)
                        .features(d.withGsoMask(0).withGsoPrefixMask(all))
                        .build());
            }
        }
        for (SlotEstimator e : SlotEstimator.values()) {
            if (e != policy.defaultEstimator()) {
                out.add(RxPacker.builder(policy).estimator(e).build());
            }
        }
        return out;
    }

    static String digest(PackingPolicy policy, long seed) throws NoSuchAlgorithmException {
        SplittableRandom r = new SplittableRandom(seed);
        Skb[] packets = new Skb[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            packets[i] =
                    (i & 1) == 0 ? Workload.packet(WorkloadMix.EDGES, r) : Workload.packet(WorkloadMix.CROSSING, r);
        }
        Sink md = new Sink(MessageDigest.getInstance("SHA-256"));
        for (Skb skb : packets) {
            put(md, skb.toString());
        }
        for (RxPacker packer : packers(policy)) {
            put(md, packer.toString());
            PlanBuffer buffer = new PlanBuffer(); // reused across the packets, as a simulator does
            for (Skb skb : packets) {
                try {
                    packer.plan(skb, buffer);
                } catch (PolicyViolationException e) {
                    put(md, "refused: " + e.getMessage());
                    continue;
                }
                putPlan(md, buffer);
                put(md, packer.estimateSlots(skb));
                for (Finding f : PlanChecker.check(skb, buffer)) {
                    put(md, f.describe());
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void putPlan(Sink md, PlanBuffer b) {
        put(md, b.packetLength());
        put(md, b.maxBufferOffset());
        put(md, b.opCount());
        for (int i = 0; i < b.opCount(); i++) {
            put(md, b.opSource(i));
            put(md, b.opSourceOffset(i));
            put(md, b.opSlot(i));
            put(md, b.opDestOffset(i));
            put(md, b.opLength(i));
        }
        put(md, b.slotCount());
        for (int s = 0; s < b.slotCount(); s++) {
            put(md, (b.slotIsExtra(s) ? 1 : 0) | (b.slotIsPrefix(s) ? 2 : 0));
            put(md, b.slotStatus(s));
            put(md, b.slotOffset(s));
            put(md, b.slotFlags(s));
            put(md, b.slotExtraType(s));
            put(md, b.slotGsoSize(s));
            put(md, String.valueOf(b.slotGsoType(s)));
            put(md, b.slotHashValue(s));
            put(md, String.valueOf(b.slotHashType(s)));
        }
        put(md, b.estimate()); // read last: the estimate is computed on first read
    }

    private static void put(Sink md, int v) {
        md.putInt(v);
    }

    private static void put(Sink md, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        md.putInt(bytes.length);
        md.put(bytes);
    }

    /** Feeds a digest through a buffer: the same bytes as one {@code update} each, much faster. */
    private static final class Sink {
        private final MessageDigest md;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

        Sink(MessageDigest md) {
            this.md = md;
        }

        void putInt(int v) {
            if (buffer.remaining() < Integer.BYTES) {
                flush();
            }
            buffer.putInt(v);
        }

        void put(byte[] bytes) {
            if (buffer.remaining() < bytes.length) {
                flush();
            }
            if (bytes.length > buffer.remaining()) {
                md.update(bytes);
            } else {
                buffer.put(bytes);
            }
        }

        private void flush() {
            md.update(buffer.array(), 0, buffer.position());
            buffer.clear();
        }

        byte[] digest() {
            flush();
            return md.digest();
        }
    }

    private static Map<String, String> frozen() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = PlanDigestTest.class.getResourceAsStream("/plan-digests.txt")) {
            assertThat(in).as("plan-digests.txt on the test class path").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int cut = line.lastIndexOf(' ');
                out.put(line.substring(0, cut), line.substring(cut + 1));
            }
        }
        return out;
    }
}
