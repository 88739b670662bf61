package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.sim.CostCalibration.Counts;
import io.github.netbackrx.sim.CostCalibration.Measurement;
import io.github.netbackrx.sim.CostCalibration.Quantity;
import io.github.netbackrx.sim.CostCalibration.Result;
import io.github.netbackrx.sim.CostModel.Parameter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The calibration: representative packets, the counts of each generation, the published figures the
 * defaults reproduce, round trips from known parameters, noise, and bad input.
 */
class CostCalibrationTest {
    private static final int SEEDS = Math.max(10, Integer.getInteger("netbackrx.randomCount", 20000) / 1000);

    /** Packet sizes of a typical sweep, 64 bytes to 64 KiB. */
    private static final int[] SWEEP = {64, 128, 256, 512, 1024, 1514, 3000, 6000, 9000, 16384, 32768, 65536};

    static LongStream seeds() {
        return LongStream.range(0, SEEDS);
    }

    // ---- the published figures -----------------------------------------------------------------

    /** 2.04 Mpps with mapped grants "versus half of it with grant copy" (Joao Martins). */
    private static final double PUBLISHED_64_BYTE_PPS = 2.04e6 / 2;

    /** "a maximum aggregate throughput of 6 Gbit/s with a single queue" (3.16 multi-queue merge). */
    private static final double PUBLISHED_BULK_BITS = 6e9;

    /** The tolerance the defaults are held to against the published figures. */
    private static final double PUBLISHED_TOLERANCE = 0.01;

    @Test
    void theDefaultsReproduceThe64BytePointOfAnRxCBackend() {
        // the real code path: plan the packet with RxPacker under rx.c's policy, then price it
        Skb skb = CostCalibration.representativePacket(64);
        PlanBuffer plan = new PlanBuffer();
        RxPacker.of(EngineProfile.RX_C.defaultPolicy()).plan(skb, plan);
        assertThat(plan.opCount()).isEqualTo(1);
        assertThat(plan.slotCount()).isEqualTo(1);
        assertThat(plan.opLength(0)).isEqualTo(64);

        Counts c = CostCalibration.of().counts(64);
        assertThat(c.copyOps()).isEqualTo(plan.opCount());
        assertThat(c.slots()).isEqualTo(plan.slotCount());
        assertThat(c.packetsPerAction()).isEqualTo(64); // RX_BATCH_SIZE
        assertThat(c.hypercallsPerAction()).isEqualTo(1);
        double pps = c.packetsPerSecond(CostModel.DEFAULTS);
        assertThat(pps / PUBLISHED_64_BYTE_PPS - 1).isCloseTo(0, within(PUBLISHED_TOLERANCE));
    }

    @Test
    void theDefaultsReproduceTheBulkPointOfA314Backend() {
        Skb skb = CostCalibration.representativePacket(65536);
        PlanBuffer plan = new PlanBuffer();
        RxPacker.of(EngineProfile.LINUX_3_14.defaultPolicy()).plan(skb, plan);
        long bytes = 0;
        for (int i = 0; i < plan.opCount(); i++) {
            bytes += plan.opLength(i);
        }
        assertThat(bytes).isEqualTo(65536);

        Counts c = CostCalibration.builder()
                .profile(EngineProfile.LINUX_3_14)
                .build()
                .counts(65536);
        assertThat(c.copyOps()).isEqualTo(plan.opCount()).isEqualTo(17);
        assertThat(c.slots()).isEqualTo(plan.slotCount()).isEqualTo(18);
        assertThat(c.packetsPerAction()).isEqualTo(256 / 18);
        double bits = c.packetsPerSecond(CostModel.DEFAULTS) * 65536 * 8;
        assertThat(bits / PUBLISHED_BULK_BITS - 1).isCloseTo(0, within(PUBLISHED_TOLERANCE));
    }

    @Test
    void theDocumentedArithmeticGivesTheDerivedDefaults() {
        // solve the two published equations for perCopyOp and perByte with the assumed costs fixed
        CostModel assumed =
                CostModel.DEFAULTS.toBuilder().perCopyOp(0).perByte(0).build();
        Counts small = CostCalibration.of().counts(64);
        Counts bulk = CostCalibration.builder()
                .profile(EngineProfile.LINUX_3_14)
                .build()
                .counts(65536);
        double rhs1 = 1e9 / PUBLISHED_64_BYTE_PPS - small.backendNanosPerPacket(assumed);
        double rhs2 = 65536 * 8 * 1e9 / PUBLISHED_BULK_BITS - bulk.backendNanosPerPacket(assumed);
        assertThat(rhs1).isCloseTo(887.6, within(0.05));
        assertThat(rhs2).isCloseTo(86285.6, within(0.05));
        double ops1 = small.copyOps();
        double ops2 = bulk.copyOps();
        double perByte = (rhs2 - ops2 / ops1 * rhs1) / (bulk.bytes() - ops2 / ops1 * small.bytes());
        double perCopyOp = (rhs1 - small.bytes() * perByte) / ops1;
        assertThat(perByte).isCloseTo(1.105, within(0.0005));
        assertThat(perCopyOp).isCloseTo(816.9, within(0.05));
        assertThat(CostModel.DEFAULT_PER_BYTE).isCloseTo(perByte, within(0.01));
        assertThat(CostModel.DEFAULT_PER_COPY_OP).isCloseTo(perCopyOp, within(0.5));
    }

    @Test
    void withTheDefaultsTheGuestKeepsUpAtBothPublishedPoints() {
        CostModel d = CostModel.DEFAULTS;
        for (Counts c : List.of(
                CostCalibration.of().counts(64),
                CostCalibration.builder()
                        .profile(EngineProfile.LINUX_3_14)
                        .build()
                        .counts(65536))) {
            double guestPerPacket = d.guestNanos((long) c.slots() * c.packetsPerAction(), c.packetsPerAction(), 1)
                    / c.packetsPerAction();
            assertThat(guestPerPacket).as("%d bytes", c.packetSize()).isLessThan(c.backendNanosPerPacket(d));
        }
    }

    // ---- representative packets and counts -----------------------------------------------------

    @Test
    void representativePacketsHaveTheDocumentedLayout() {
        Skb small = CostCalibration.representativePacket(64);
        assertThat(small.headOffset()).isEqualTo(64);
        assertThat(small.headLength()).isEqualTo(64);
        assertThat(small.fragCount()).isZero();
        assertThat(small.hasGso()).isFalse();

        Skb frame = CostCalibration.representativePacket(1514);
        assertThat(frame.headLength()).isEqualTo(128);
        assertThat(frame.fragCount()).isEqualTo(1);
        assertThat(frame.fragLength(0)).isEqualTo(1386);
        assertThat(frame.fragOffset(0)).isZero();
        assertThat(frame.hasGso()).isFalse();

        Skb gso = CostCalibration.representativePacket(1515);
        assertThat(gso.hasGso()).isTrue();
        assertThat(gso.gsoSize()).isEqualTo(1460);
        assertThat(gso.gsoType()).isEqualTo(GsoType.TCPV4);

        Skb big = CostCalibration.representativePacket(65536);
        assertThat(big.length()).isEqualTo(65536);
        assertThat(big.fragCount()).isEqualTo(16);
        assertThat(big.fragLength(14)).isEqualTo(4096);
        assertThat(big.fragLength(15)).isEqualTo(65536 - 128 - 15 * 4096);

        for (int size : new int[] {0, -1, 65537}) {
            assertThatThrownBy(() -> CostCalibration.representativePacket(size))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("packet size " + size + " outside 1..65536 bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(PackingPolicy.class)
    void everyPolicyTakesEveryRepresentativePacket(PackingPolicy policy) {
        CostCalibration cal = CostCalibration.builder().policy(policy).build();
        assertThat(cal.policy()).isEqualTo(policy);
        for (int size = 1; size <= 65536; size += 997) {
            Counts c = cal.counts(size);
            assertThat(c.bytes()).isEqualTo(size);
            assertThat(c.copyOps()).isPositive();
            assertThat(c.slots() * c.packetsPerAction()).isLessThanOrEqualTo(256);
        }
    }

    @Test
    void eachGenerationBatchesByItsOwnRule() {
        // rx.c: RX_BATCH_SIZE, then the ring; ceil(B * ops / COPY_BATCH_SIZE) hypercalls
        Counts rxc = CostCalibration.of().counts(65536);
        assertThat(rxc.copyOps()).isEqualTo(32);
        assertThat(rxc.slots()).isEqualTo(17);
        assertThat(rxc.packetsPerAction()).isEqualTo(15);
        assertThat(rxc.hypercallsPerAction()).isEqualTo((15 * 32 + 63) / 64);
        assertThat(rxc.isolatedHypercalls()).isEqualTo(1);
        assertThat(CostCalibration.of().counts(1514).hypercallsPerAction()).isEqualTo(2); // 64 packets x 2 ops

        // 2010: count += nr_frags + 1 until count + MAX_SKB_FRAGS >= 256
        CostCalibration linux2010 =
                CostCalibration.builder().profile(EngineProfile.LINUX_2010).build();
        assertThat(linux2010.policy()).isEqualTo(PackingPolicy.COALESCE);
        assertThat(linux2010.counts(64).packetsPerAction()).isEqualTo(256 - 18);
        assertThat(linux2010.counts(1514).packetsPerAction()).isEqualTo(119); // 2 per packet: ceil(238 / 2)
        assertThat(linux2010.counts(1514).hypercallsPerAction()).isEqualTo(1);

        // 3.14: the ring
        assertThat(CostCalibration.builder()
                        .profile(EngineProfile.LINUX_3_14)
                        .build()
                        .counts(64)
                        .packetsPerAction())
                .isEqualTo(256);

        // FreeBSD: one hypercall per packet
        Counts bsd =
                CostCalibration.builder().profile(EngineProfile.FREEBSD).build().counts(1514);
        assertThat(bsd.hypercallsPerAction()).isEqualTo(bsd.packetsPerAction()).isEqualTo(256);

        // the caller's cap
        Counts capped = CostCalibration.builder().packetsPerAction(4).build().counts(64);
        assertThat(capped.packetsPerAction()).isEqualTo(4);
        assertThat(capped.notificationsPerAction()).isEqualTo(1);
    }

    @Test
    void predictionsPriceTheCountsWithTheModel() {
        CostModel m = CostModel.builder()
                .perAction(640)
                .perHypercall(64)
                .perNotification(0)
                .perCopyOp(10)
                .perByte(1)
                .perResponse(5)
                .build();
        Counts c = CostCalibration.of().counts(64); // B = 64, 1 op, 1 slot, 64 bytes, 1 hypercall
        assertThat(c.backendNanosPerPacket(m)).isCloseTo(10 + 1 + 10 + 64 + 5, within(1e-9));
        assertThat(c.packetsPerSecond(m)).isCloseTo(1e9 / 90, within(1e-6));
        assertThat(c.latencyNanos(m))
                .isCloseTo(
                        640
                                + 64
                                + 10
                                + 64
                                + 5
                                + m.eventChannelLatency()
                                + m.guestPerSlot()
                                + m.guestPerPacket()
                                + m.guestPerInterrupt(),
                        within(1e-9));
    }

    // ---- round trips ------------------------------------------------------------------------------

    private static List<Measurement> sweep(CostCalibration cal, CostModel truth, boolean latency) {
        List<Measurement> points = new ArrayList<>();
        for (int size : SWEEP) {
            Counts c = cal.counts(size);
            points.add(
                    latency
                            ? Measurement.of(size, c.packetsPerSecond(truth), c.latencyNanos(truth))
                            : Measurement.packetsPerSecond(size, c.packetsPerSecond(truth)));
        }
        return points;
    }

    @Test
    void anRxCSweepIdentifiesTheDocumentedParameters() {
        CostCalibration cal = CostCalibration.of();
        Result r = cal.fit(sweep(cal, CostModel.DEFAULTS, true));
        assertThat(r.fitted())
                .containsExactlyInAnyOrder(
                        Parameter.PER_BYTE,
                        Parameter.PER_COPY_OP,
                        Parameter.PER_RESPONSE,
                        Parameter.PER_ACTION,
                        Parameter.PER_HYPERCALL,
                        Parameter.GUEST_PER_SLOT,
                        Parameter.EVENT_CHANNEL_LATENCY);
        assertThat(r.notFitted())
                .containsEntry(Parameter.PER_NOTIFICATION, "cannot be told apart from perAction by these measurements")
                .containsEntry(
                        Parameter.GUEST_PER_PACKET,
                        "cannot be told apart from eventChannelLatency by these measurements");
        assertThat(r.degreesOfFreedom()).isEqualTo(2 * SWEEP.length - 7);

        Result throughputOnly = cal.fit(sweep(cal, CostModel.DEFAULTS, false));
        assertThat(throughputOnly.notFitted().get(Parameter.GUEST_PER_SLOT))
                .isEqualTo("not involved in these measurements (guest costs and the event-channel latency need"
                        + " latency points)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EngineProfile.class)
    void syntheticPointsGiveBackTheirParameters(EngineProfile profile) {
        CostCalibration cal = CostCalibration.builder().profile(profile).build();
        // which parameters a sweep identifies depends on its counts only, not on the costs
        Set<Parameter> identifiable =
                cal.fit(sweep(cal, CostModel.DEFAULTS, true)).fitted();
        assertThat(identifiable).contains(Parameter.PER_BYTE, Parameter.PER_COPY_OP, Parameter.EVENT_CHANNEL_LATENCY);
        SplittableRandom random = new SplittableRandom(profile.ordinal());
        for (int trial = 0; trial < 5; trial++) {
            CostModel.Builder b = CostModel.DEFAULTS.toBuilder();
            for (Parameter p : identifiable) {
                b.set(p, CostModel.DEFAULTS.get(p) * random.nextDouble(0.3, 3));
            }
            CostModel truth = b.build();
            Result r = cal.fit(sweep(cal, truth, true));
            assertThat(r.fitted()).isEqualTo(identifiable);
            for (Parameter p : Parameter.values()) {
                assertThat(r.model().get(p))
                        .as("%s, trial %d: %s", profile.label(), trial, p.label())
                        .isCloseTo(truth.get(p), within(0.01 * truth.get(p)));
            }
            assertThat(r.rmsRelativeError()).isLessThan(1e-9);
            assertThat(r.residuals()).hasSize(2 * SWEEP.length);
        }
    }

    @Test
    void throughputAlonePinsTheBackendCosts() {
        CostCalibration cal = CostCalibration.of();
        CostModel truth = CostModel.DEFAULTS.toBuilder()
                .perByte(0.35)
                .perCopyOp(240)
                .perResponse(75)
                .build();
        Result r = cal.fit(sweep(cal, truth, false));
        assertThat(r.model().perByte()).isCloseTo(0.35, within(0.0035));
        assertThat(r.model().perCopyOp()).isCloseTo(240, within(2.4));
        assertThat(r.model().perResponse()).isCloseTo(75, within(0.75));
        for (CostCalibration.Residual res : r.residuals()) {
            assertThat(res.quantity()).isEqualTo(Quantity.THROUGHPUT);
            assertThat(res.predicted()).isCloseTo(res.measured(), within(1e-6 * res.measured()));
        }
    }

    @Test
    void aChosenSetIsFittedAndTheRestKeptAtThePrior() {
        CostModel prior = CostModel.DEFAULTS.with(Parameter.PER_RESPONSE, 10);
        CostModel truth = prior.toBuilder().perByte(0.5).perCopyOp(400).build();
        CostCalibration cal = CostCalibration.builder()
                .prior(prior)
                .fit(Parameter.PER_BYTE, Parameter.PER_COPY_OP)
                .build();
        assertThat(cal.prior()).isEqualTo(prior);
        Result r = cal.fit(sweep(cal, truth, false));
        assertThat(r.fitted()).containsExactlyInAnyOrder(Parameter.PER_BYTE, Parameter.PER_COPY_OP);
        assertThat(r.notFitted()).containsEntry(Parameter.PER_ACTION, "not requested");
        assertThat(r.model().perByte()).isCloseTo(0.5, within(0.005));
        assertThat(r.model().perCopyOp()).isCloseTo(400, within(4.0));
        assertThat(r.model().perResponse()).isEqualTo(10);
    }

    @Test
    void aCostThatWouldBeNegativeIsHeldAtZero() {
        // the data have no per-op cost but the prior's per-response cost is larger than the truth's:
        // unconstrained, perCopyOp would go negative to make up for it
        CostModel truth =
                CostModel.DEFAULTS.toBuilder().perCopyOp(0).perResponse(0).build();
        CostCalibration cal = CostCalibration.builder()
                .prior(CostModel.DEFAULTS.with(Parameter.PER_RESPONSE, 400))
                .fit(Parameter.PER_BYTE, Parameter.PER_COPY_OP)
                .build();
        Result r = cal.fit(sweep(cal, truth, false));
        assertThat(r.atZero()).containsExactly(Parameter.PER_COPY_OP);
        assertThat(r.model().perCopyOp()).isZero();
        assertThat(r.rmsRelativeError()).isGreaterThan(0.01);
    }

    // ---- noise ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theFitErrorReflectsTheNoise(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        CostCalibration cal = CostCalibration.of();
        CostModel truth = CostModel.DEFAULTS.toBuilder()
                .perByte(random.nextDouble(0.2, 2))
                .perCopyOp(random.nextDouble(100, 1000))
                .build();
        double sigma = 0.03;
        List<Measurement> points = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int size = 64 + random.nextInt(65536 - 64 + 1);
            Counts c = cal.counts(size);
            points.add(Measurement.of(
                    size,
                    c.packetsPerSecond(truth) * (1 + sigma * random.nextGaussian()),
                    c.latencyNanos(truth) * (1 + sigma * random.nextGaussian())));
        }
        Result r = cal.fit(points);
        assertThat(r.rmsRelativeError()).as("seed %d", seed).isBetween(0.6 * sigma, 1.4 * sigma);
        assertThat(r.maxRelativeError()).isGreaterThanOrEqualTo(r.rmsRelativeError());
        // the best-determined cost stays close, and its standard error says how close
        double se = r.standardErrors().get(Parameter.PER_BYTE);
        assertThat(se).isPositive().isFinite();
        assertThat(Math.abs(r.model().perByte() - truth.perByte())).isLessThan(5 * se);
        assertThat(r.model().perByte()).isCloseTo(truth.perByte(), within(0.1 * truth.perByte()));

        // the same points without noise fit exactly
        List<Measurement> clean = new ArrayList<>();
        for (Measurement m : points) {
            Counts c = cal.counts(m.packetSize());
            clean.add(Measurement.of(m.packetSize(), c.packetsPerSecond(truth), c.latencyNanos(truth)));
        }
        assertThat(cal.fit(clean).rmsRelativeError()).isLessThan(1e-9);
    }

    @Test
    void moreNoiseGivesALargerFitError() {
        CostCalibration cal = CostCalibration.of();
        double[] rms = new double[3];
        double[] sigmas = {0.005, 0.02, 0.08};
        for (int k = 0; k < sigmas.length; k++) {
            SplittableRandom random = new SplittableRandom(11);
            List<Measurement> points = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                int size = 64 + random.nextInt(65000);
                points.add(Measurement.packetsPerSecond(
                        size,
                        cal.counts(size).packetsPerSecond(CostModel.DEFAULTS)
                                * Math.max(0.5, 1 + sigmas[k] * random.nextGaussian())));
            }
            rms[k] = cal.fit(points).rmsRelativeError();
        }
        assertThat(rms[0]).isLessThan(rms[1]);
        assertThat(rms[1]).isLessThan(rms[2]);
    }

    /** Throughput and latency at six sizes from the defaults, each with 5% multiplicative noise. */
    private static List<Measurement> noisyFewSizes(CostCalibration cal, SplittableRandom random) {
        List<Measurement> points = new ArrayList<>();
        for (int size : new int[] {64, 700, 1514, 9000, 30000, 65536}) {
            Counts c = cal.counts(size);
            points.add(Measurement.of(
                    size,
                    c.packetsPerSecond(CostModel.DEFAULTS) * (1 + 0.05 * random.nextGaussian()),
                    c.latencyNanos(CostModel.DEFAULTS) * (1 + 0.05 * random.nextGaussian())));
        }
        return points;
    }

    @Test
    void anAutomaticFitKeepsOneDegreeOfFreedom() {
        CostCalibration cal = CostCalibration.of();
        Result r =
                cal.fit(List.of(Measurement.packetsPerSecond(64, 1.0e6), Measurement.packetsPerSecond(65536, 11_000)));
        assertThat(r.fitted()).containsExactly(Parameter.PER_BYTE);
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        assertThat(r.notFitted().get(Parameter.PER_COPY_OP))
                .isEqualTo("no measured value left to judge the fit by (an automatic fit keeps at least one degree"
                        + " of freedom)");
        assertThat(r.standardErrors().get(Parameter.PER_BYTE)).isFinite();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anAutomaticFitKeepsOnlyEstimatesLargerThanTheirErrors(long seed) {
        CostCalibration cal = CostCalibration.of();
        List<Measurement> points = noisyFewSizes(cal, new SplittableRandom(seed));
        Result r = cal.fit(points);
        for (Parameter p : r.fitted()) {
            double value = r.model().get(p);
            assertThat(value == 0 || r.standardErrors().get(p) <= value)
                    .as(
                            "seed %d: %s = %s +- %s",
                            seed, p.label(), value, r.standardErrors().get(p))
                    .isTrue();
        }
        for (Parameter p : Parameter.values()) {
            if (!r.fitted().contains(p)) {
                assertThat(r.model().get(p))
                        .as("a parameter not fitted keeps its prior")
                        .isEqualTo(CostModel.DEFAULTS.get(p));
                assertThat(r.notFitted()).containsKey(p);
            }
        }
        // the automatic choice's model is the plain fit of the parameters it chose
        Result all = CostCalibration.builder()
                .fit(r.fitted().toArray(new Parameter[0]))
                .build()
                .fit(points);
        assertThat(all.model()).isEqualTo(r.model());
    }

    @Test
    void noiseAtFewSizesLeavesBarelyDeterminedCostsAtTheirPrior() {
        CostCalibration cal = CostCalibration.of();
        List<Measurement> points = noisyFewSizes(cal, new SplittableRandom(3));
        Result r = cal.fit(points);
        assertThat(r.notFitted().values())
                .anySatisfy(why -> assertThat(why).startsWith("not determined by these measurements (estimate "));
        assertThat(r.fitted()).contains(Parameter.PER_BYTE);
    }

    @Test
    void anExactFitHasNoDegreesOfFreedomAndNoStandardErrors() {
        CostCalibration cal = CostCalibration.builder()
                .fit(Parameter.PER_BYTE, Parameter.PER_COPY_OP)
                .build();
        Result r =
                cal.fit(List.of(Measurement.packetsPerSecond(64, 1.0e6), Measurement.packetsPerSecond(65536, 11_000)));
        assertThat(r.degreesOfFreedom()).isZero();
        assertThat(r.standardErrors().get(Parameter.PER_BYTE)).isNaN();
    }

    // ---- measurements and bad input --------------------------------------------------------------

    @Test
    void measurementsConvertAndTellWhatTheyHold() {
        Measurement bits = Measurement.bitsPerSecond(1500, 12e9);
        assertThat(bits.packetsPerSecond()).isEqualTo(1e6);
        assertThat(bits.hasLatency()).isFalse();
        assertThatThrownBy(bits::latencyNanos)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no latency measured at 1500 bytes");
        Measurement lat = Measurement.latency(64, 5000);
        assertThat(lat.hasThroughput()).isFalse();
        assertThatThrownBy(lat::packetsPerSecond).hasMessage("no throughput measured at 64 bytes");
        assertThat(Measurement.of(64, 1e6, 5000)).isEqualTo(Measurement.of(64, 1e6, 5000));
        assertThat(Measurement.of(64, 1e6, 5000)).hasSameHashCodeAs(Measurement.of(64, 1e6, 5000));
        assertThat(Measurement.of(64, 1e6, 5000)).isNotEqualTo(Measurement.of(64, 1e6, 5001));
        assertThat(Measurement.of(64, 1e6, 5000).toString()).isEqualTo("64 bytes: 1000000 pps, 5000 ns");
        assertThat(lat.toString()).isEqualTo("64 bytes: 5000 ns");
    }

    @Test
    void badMeasurementsAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> Measurement.packetsPerSecond(64, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("throughput NaN is not a finite number of packets per second");
        assertThatThrownBy(() -> Measurement.packetsPerSecond(64, -1))
                .hasMessage("throughput -1.0 packets per second is not positive");
        assertThatThrownBy(() -> Measurement.bitsPerSecond(64, 0))
                .hasMessage("throughput 0.0 bits per second is not positive");
        assertThatThrownBy(() -> Measurement.latency(64, Double.POSITIVE_INFINITY))
                .hasMessage("latency Infinity is not a finite number of nanoseconds");
        assertThatThrownBy(() -> Measurement.of(64, 1e6, -3)).hasMessage("latency -3.0 nanoseconds is not positive");
        assertThatThrownBy(() -> Measurement.packetsPerSecond(0, 1e6))
                .hasMessage("packet size 0 outside 1..65536 bytes");
        assertThatThrownBy(() -> Measurement.bitsPerSecond(70000, 1e9))
                .hasMessage("packet size 70000 outside 1..65536 bytes");
        assertThatThrownBy(() -> CostCalibration.builder().packetsPerAction(0))
                .hasMessage("packetsPerAction 0 is less than 1");
        assertThatThrownBy(() -> CostCalibration.builder().fit()).hasMessage("fit: name at least one parameter");
    }

    @Test
    void tooLittleDataIsRefusedNamingTheRule() {
        CostCalibration cal = CostCalibration.of();
        assertThatThrownBy(() -> cal.fit(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no measurements: a calibration needs values at 2 or more packet sizes");
        assertThatThrownBy(() -> cal.fit(List.of(Measurement.of(64, 1e6, 6000))))
                .hasMessage("all 2 measured values are at 64 bytes: a calibration needs 2 or more packet sizes"
                        + " (at one size the per-byte, per-op and per-slot costs cannot be told apart)");
        CostCalibration three = CostCalibration.builder()
                .fit(Parameter.PER_BYTE, Parameter.PER_COPY_OP, Parameter.PER_RESPONSE)
                .build();
        assertThatThrownBy(() -> three.fit(
                        List.of(Measurement.packetsPerSecond(64, 1e6), Measurement.packetsPerSecond(1514, 3e5))))
                .hasMessage("cannot fit 3 parameters from 2 measured values: a fit needs at least as many values"
                        + " as parameters");
        CostCalibration collinear = CostCalibration.builder()
                .fit(Parameter.PER_ACTION, Parameter.PER_NOTIFICATION)
                .build();
        assertThatThrownBy(() -> collinear.fit(sweep(collinear, CostModel.DEFAULTS, false)))
                .hasMessage("perNotification cannot be told apart from perAction by these measurements: fit fewer"
                        + " parameters, or add measurements at other packet sizes, batch sizes or of latency");
        CostCalibration guest = CostCalibration.builder()
                .fit(Parameter.PER_BYTE, Parameter.GUEST_PER_SLOT)
                .build();
        assertThatThrownBy(() -> guest.fit(sweep(guest, CostModel.DEFAULTS, false)))
                .hasMessageStartingWith("guestPerSlot not involved in these measurements");
    }

    @Test
    void aFitTakesABoundedNumberOfMeasurements() {
        List<Measurement> many = new ArrayList<>();
        for (int i = 0; i <= CostCalibration.MAX_MEASUREMENTS; i++) {
            many.add(Measurement.packetsPerSecond(64 + i % 1000, 1e6));
        }
        assertThatThrownBy(() -> CostCalibration.of().fit(many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("100001 measurements: a calibration takes at most 100000");
        // the largest allowed fit runs, planning each distinct size once
        Result r = CostCalibration.of().fit(many.subList(0, CostCalibration.MAX_MEASUREMENTS));
        assertThat(r.residuals()).hasSize(CostCalibration.MAX_MEASUREMENTS);
    }

    @Test
    void theConfigurationIsReported() {
        CostCalibration cal = CostCalibration.builder()
                .profile(EngineProfile.LINUX_2010)
                .packetsPerAction(8)
                .build();
        assertThat(cal.profile()).isEqualTo(EngineProfile.LINUX_2010);
        assertThat(cal.packetsPerAction()).isEqualTo(8);
        assertThat(CostCalibration.of().packetsPerAction()).isZero();
        assertThat(CostCalibration.of().prior()).isEqualTo(CostModel.DEFAULTS);
        assertThat(EnumSet.copyOf(CostCalibration.FIT_ORDER)).isEqualTo(EnumSet.allOf(Parameter.class));
    }
}
