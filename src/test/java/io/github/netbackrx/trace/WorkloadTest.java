package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadTest {

    /** Packets per mix and seed: a slice of the randomized-test budget. */
    private static int count() {
        return Math.max(200, Integer.getInteger("netbackrx.randomCount", 20000) / 24);
    }

    private static void forEveryMixAndSeed(java.util.function.BiConsumer<WorkloadMix, Long> body) {
        for (WorkloadMix mix : WorkloadMix.values()) {
            if (!mix.realistic()) {
                continue; // the synthetic mixes aim at the edges: see syntheticMixes...
            }
            for (long seed : new long[] {1L, 0x5EEDL, 20100701L, -7L}) {
                body.accept(mix, seed);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PackingPolicy.class)
    void everyPacketIsWithinPagesAndPlansWithoutFindings(PackingPolicy policy) {
        RxPacker packer = RxPacker.of(policy);
        PlanBuffer buffer = new PlanBuffer();
        forEveryMixAndSeed((mix, seed) -> {
            Workload w = Workload.of(mix, seed);
            for (int i = 0; i < count(); i++) {
                Skb skb = w.next();
                assertThat(skb.headLength())
                        .as("%s seed %d packet %d: %s", mix, seed, i, skb)
                        .isPositive();
                assertThat(skb.headOffset() + skb.headLength()).isLessThanOrEqualTo(Netif.PAGE_SIZE);
                assertThat(skb.fragCount()).isLessThanOrEqualTo(KernelLimits.MAX_SKB_FRAGS_2010);
                for (int k = 0; k < skb.fragCount(); k++) {
                    assertThat(skb.fragOffset(k) + skb.fragLength(k))
                            .as("%s seed %d packet %d frag %d: %s", mix, seed, i, k, skb)
                            .isLessThanOrEqualTo(Netif.PAGE_SIZE);
                }
                packer.plan(skb, buffer);
                assertThat(PlanChecker.check(skb, buffer))
                        .as("%s %s seed %d packet %d: %s", policy.label(), mix, seed, i, skb)
                        .isEmpty();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkloadMix.class)
    void theSameSeedGivesTheSamePacketsAndAnotherSeedOthers(WorkloadMix mix) {
        List<Skb> a = Workload.of(mix, 42).next(200);
        assertThat(Workload.of(mix, 42).next(200)).isEqualTo(a);
        assertThat(Workload.named(mix.label(), 43).next(200)).isNotEqualTo(a);
        Workload w = Workload.of(mix, 42);
        w.next(5);
        assertThat(w.generated()).isEqualTo(5);
        assertThat(w.toString()).isEqualTo("Workload[" + mix.label() + ", seed=42, generated=5]");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WorkloadMix.class)
    void drawingFromTheCallersSourceGivesTheWorkloadsPackets(WorkloadMix mix) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(77);
        List<Skb> drawn = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            drawn.add(Workload.packet(mix, r));
        }
        assertThat(Workload.of(mix, 77).next(100)).isEqualTo(drawn);
    }

    @Test
    void theSyntheticMixesReachTheirEdges() {
        int n = count();
        int emptyHeads = 0;
        int fullFrags = 0;
        int crossing = 0;
        int hashed = 0;
        int headsCrossing = 0;
        int randomAreasOutsideAPage = 0;
        Workload edges = Workload.of(WorkloadMix.EDGES, 5);
        Workload cross = Workload.of(WorkloadMix.CROSSING, 5);
        Workload builtIn = Workload.of(WorkloadMix.BUILT_IN, 5);
        Workload random = Workload.of(WorkloadMix.RANDOM, 5);
        for (int i = 0; i < n; i++) {
            Skb e = edges.next();
            emptyHeads += e.headLength() == 0 ? 1 : 0;
            fullFrags += e.fragCount() == KernelLimits.MAX_SKB_FRAGS_2010 ? 1 : 0;
            assertThat(withinPages(e)).as("edges packet %d: %s", i, e).isTrue();
            Skb c = cross.next();
            crossing += withinPages(c) ? 0 : 1;
            hashed += c.hasHash() ? 1 : 0;
            Skb b = builtIn.next();
            headsCrossing += b.headOffset() + b.headLength() > Netif.PAGE_SIZE ? 1 : 0;
            Skb r = random.next();
            randomAreasOutsideAPage += withinPages(r) ? 0 : 1;
            assertThat(r.fragCount()).isLessThanOrEqualTo(16);
        }
        assertThat(emptyHeads).isPositive();
        assertThat(fullFrags).isPositive();
        assertThat(crossing).isPositive();
        assertThat(hashed).isPositive();
        assertThat(headsCrossing).isPositive();
        assertThat(randomAreasOutsideAPage).isZero();
        assertThat(java.util.Arrays.stream(WorkloadMix.values()).filter(WorkloadMix::realistic))
                .containsExactly(
                        WorkloadMix.MTU,
                        WorkloadMix.TCP_BULK,
                        WorkloadMix.SMALL_FRAGS,
                        WorkloadMix.IMIX,
                        WorkloadMix.JUMBO,
                        WorkloadMix.MIXED);
    }

    private static boolean withinPages(Skb skb) {
        return skb.headOffset() + skb.headLength() <= Netif.PAGE_SIZE
                && java.util.stream.IntStream.range(0, skb.fragCount())
                        .allMatch(k -> skb.fragOffset(k) + skb.fragLength(k) <= Netif.PAGE_SIZE);
    }

    @Test
    void payloadBytesDependOnSeedAndIndexOnly() {
        Workload w = Workload.of(WorkloadMix.MTU, 9);
        byte[] p3 = w.payload(3, 1514);
        w.next(10);
        assertThat(w.payload(3, 1514)).isEqualTo(p3);
        assertThat(Workload.of(WorkloadMix.IMIX, 9).payload(3, 100)).isEqualTo(java.util.Arrays.copyOf(p3, 100));
        assertThat(w.payload(4, 1514)).isNotEqualTo(p3);
        assertThat(Workload.of(WorkloadMix.MTU, 10).payload(3, 1514)).isNotEqualTo(p3);
        assertThat(w.payload(0, 0)).isEmpty();
        assertThatThrownBy(() -> w.payload(-1, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload: packet index -1 and length 5 must not be negative");
        assertThatThrownBy(() -> w.next(-1)).hasMessage("packet count -1 is negative");
    }

    @Test
    void mtuFramesAre1514BytesLinearOrHeaderSplitWithValidatedChecksums() {
        Workload w = Workload.of(WorkloadMix.MTU, 3);
        int linear = 0;
        for (int i = 0; i < 400; i++) {
            Skb skb = w.next();
            assertThat(skb.length()).isEqualTo(1514);
            assertThat(skb.checksum()).isEqualTo(ChecksumState.UNNECESSARY);
            assertThat(skb.hasGso()).isFalse();
            if (skb.fragCount() == 0) {
                linear++;
            } else {
                assertThat(skb.fragCount()).isEqualTo(1);
                assertThat(skb.headLength()).isIn(54, 66, 74, 86);
                assertThat(skb.fragOffset(0) % 2048).isEqualTo(skb.headLength());
            }
        }
        assertThat(linear).isBetween(150, 250);
    }

    @Test
    void tcpBulkIsGsoWithFullPageFragmentsAndPartialChecksums() {
        Workload w = Workload.of(WorkloadMix.TCP_BULK, 5);
        int full = 0;
        for (int i = 0; i < 400; i++) {
            Skb skb = w.next();
            assertThat(skb.headLength()).isIn(66, 86);
            assertThat(skb.checksum()).isEqualTo(ChecksumState.PARTIAL);
            int payload = skb.length() - skb.headLength();
            assertThat(payload % Workload.MSS).isZero();
            assertThat(payload / Workload.MSS).isBetween(1, 45);
            assertThat(skb.headLength() - 14 + payload).isLessThanOrEqualTo(65535);
            if (payload / Workload.MSS == 45) {
                full++;
            }
            assertThat(skb.hasGso()).isEqualTo(payload > Workload.MSS);
            if (skb.hasGso()) {
                assertThat(skb.gsoSize()).isEqualTo(1448);
                assertThat(skb.gsoType()).isEqualTo(skb.headLength() == 66 ? GsoType.TCPV4 : GsoType.TCPV6);
            }
            for (int k = 1; k < skb.fragCount(); k++) {
                assertThat(skb.fragOffset(k)).isZero();
                assertThat(skb.fragOffset(k - 1) + skb.fragLength(k - 1)).isEqualTo(Netif.PAGE_SIZE);
            }
        }
        assertThat(full).isGreaterThan(250);
    }

    @Test
    void imixKeepsTheSevenFourOneRatio() {
        Map<Integer, Integer> sizes = new java.util.TreeMap<>();
        Workload w = Workload.of(WorkloadMix.IMIX, 11);
        int n = 12000;
        for (int i = 0; i < n; i++) {
            sizes.merge(w.next().length(), 1, Integer::sum);
        }
        assertThat(sizes.keySet()).containsExactly(54, 590, 1514);
        assertThat(sizes.get(54) / (double) n).isCloseTo(7 / 12.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(sizes.get(590) / (double) n).isCloseTo(4 / 12.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(sizes.get(1514) / (double) n).isCloseTo(1 / 12.0, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void jumboFramesAre9014BytesWithAPageHeadAndWholePageFragments() {
        Workload w = Workload.of(WorkloadMix.JUMBO, 8);
        for (int i = 0; i < 300; i++) {
            Skb skb = w.next();
            assertThat(skb.length()).isEqualTo(9014);
            assertThat(skb.headLength()).isBetween(54, Workload.MAX_HEAD);
            for (int k = 0; k < skb.fragCount(); k++) {
                assertThat(skb.fragOffset(k)).isZero();
                if (k < skb.fragCount() - 1) {
                    assertThat(skb.fragLength(k)).isEqualTo(Netif.PAGE_SIZE);
                }
            }
        }
    }

    @Test
    void smallFragsHaveManySmallFragments() {
        Workload w = Workload.of(WorkloadMix.SMALL_FRAGS, 8);
        for (int i = 0; i < 300; i++) {
            Skb skb = w.next();
            assertThat(skb.fragCount()).isBetween(2, 17);
            for (int k = 0; k < skb.fragCount(); k++) {
                assertThat(skb.fragLength(k)).isBetween(1, 512);
            }
            if (skb.hasGso()) {
                assertThat(skb.gsoSize()).isEqualTo(skb.fragLength(0));
            }
        }
    }

    @Test
    void mixedDrawsFromEveryMixAndHasForeignFragments() {
        Workload w = Workload.of(WorkloadMix.MIXED, 12);
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        int foreign = 0;
        int fragmented = 0;
        for (int i = 0; i < 4000; i++) {
            Skb skb = w.next();
            kinds.merge(
                    skb.length() == 9014
                            ? "jumbo"
                            : skb.hasGso() || skb.checksum() == ChecksumState.PARTIAL ? "gso" : "other",
                    1,
                    Integer::sum);
            if (skb.fragCount() > 0) {
                fragmented++;
                boolean any = skb.fragForeign(0);
                for (int k = 0; k < skb.fragCount(); k++) {
                    assertThat(skb.fragForeign(k)).isEqualTo(any);
                }
                foreign += any ? 1 : 0;
            }
        }
        assertThat(kinds).containsKeys("jumbo", "gso", "other");
        assertThat(foreign / (double) fragmented).isBetween(0.2, 0.3);
    }

    @Test
    void headOffsetsFollowTheSlabObjects() {
        SplittableRandom r = new SplittableRandom(1);
        Map<Integer, java.util.Set<Integer>> seen = new java.util.TreeMap<>();
        for (int len : new int[] {54, 128, 1514, Workload.MAX_HEAD}) {
            for (int i = 0; i < 200; i++) {
                int off = Workload.headOffset(r, len);
                assertThat(off + len).isLessThanOrEqualTo(Netif.PAGE_SIZE);
                assertThat(off % 512).isEqualTo(64);
                seen.computeIfAbsent(len, k -> new java.util.TreeSet<>()).add(off);
            }
        }
        assertThat(seen.get(54)).containsExactly(64, 576, 1088, 1600, 2112, 2624, 3136, 3648);
        assertThat(seen.get(1514)).containsExactly(64, 2112);
        assertThat(seen.get(Workload.MAX_HEAD)).containsExactly(64);
        assertThatThrownBy(() -> Workload.headOffset(r, Workload.MAX_HEAD + 1))
                .hasMessage("head of 3713 bytes does not fit a page (max 3712)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mtu", "tcp-bulk", "small-frags", "imix", "jumbo", "mixed"})
    void labelsRoundTrip(String label) {
        assertThat(WorkloadMix.fromLabel(label).label()).isEqualTo(label);
        assertThat(WorkloadMix.fromLabel(label).summary()).isNotBlank();
    }

    @Test
    void anUnknownLabelListsTheValidOnes() {
        assertThatThrownBy(() -> Workload.named("bulk", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown workload 'bulk' (valid: mtu, tcp-bulk, small-frags, imix, jumbo, mixed, built-in, edges, crossing, random, engines)");
    }
}
