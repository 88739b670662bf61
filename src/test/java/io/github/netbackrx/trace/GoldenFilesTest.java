package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.ExtraResponse;
import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.FrontendFeatures;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.Invariant;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden plan file of {@code src/test/resources/golden}, each worked by hand once against the
 * upstream function its trace's comments name, diffed against the real code path: the trace read
 * by {@link TraceParser}, planned by {@link RxPacker} and printed by {@link PlanPrinter}, from the
 * immutable plan and from the reusable buffer alike. ({@code cli.GoldenCliTest} diffs the same
 * files, with the findings and the exit status, through the command line.)
 */
class GoldenFilesTest {

    static Stream<Arguments> goldens() {
        List<Arguments> out = new ArrayList<>();
        for (PackingPolicy p : PackingPolicy.values()) {
            out.add(golden("/trace/plan-format-example.trace", RxPacker.of(p), "plan-format-example." + p.label()));
        }
        for (PackingPolicy p : List.of(PackingPolicy.COALESCE, PackingPolicy.PER_FRAG)) {
            out.add(golden(
                    "/trace/plan-format-example.trace",
                    RxPacker.builder(p).faithful(true).build(),
                    "plan-format-example." + p.label() + ".faithful"));
            out.add(golden("/golden/head-in-next-page.trace", RxPacker.of(p), "head-in-next-page." + p.label()));
        }
        out.add(golden("/golden/page-crossing.trace", RxPacker.of(PackingPolicy.PER_FRAG), "page-crossing.per-frag"));
        out.add(golden(
                "/golden/gso-not-negotiated.trace",
                RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                        .features(FrontendFeatures.DEFAULT.withGsoMask(0))
                        .build(),
                "gso-not-negotiated.coalesce-compound.gso-none"));
        out.add(golden("/golden/freebsd.trace", RxPacker.of(PackingPolicy.FREEBSD), "freebsd.freebsd"));
        out.add(golden(
                "/golden/freebsd.trace",
                RxPacker.builder(PackingPolicy.FREEBSD).faithful(true).build(),
                "freebsd.freebsd.faithful"));
        for (PackingPolicy p :
                List.of(PackingPolicy.COALESCE_COMPOUND, PackingPolicy.FULL_PAGE, PackingPolicy.FREEBSD)) {
            out.add(Arguments.of("/golden/compound.trace", RxPacker.of(p), "/golden/compound." + p.label() + ".txt"));
        }
        return out.stream();
    }

    private static Arguments golden(String trace, RxPacker packer, String name) {
        return Arguments.of(trace, packer, "/golden/" + name + ".plan");
    }

    @ParameterizedTest(name = "{2} from {0}, {1}")
    @MethodSource("goldens")
    void theRealPrinterWritesTheGoldenFile(String trace, RxPacker packer, String golden) {
        List<TracePacket> packets = read(trace);
        PlanBuffer buffer = new PlanBuffer();
        StringBuilder fromRecords = new StringBuilder();
        StringBuilder fromBuffer = new StringBuilder();
        for (int i = 0; i < packets.size(); i++) {
            Skb skb = packets.get(i).skb();
            PlanPrinter.print(i, skb, packer.plan(skb), fromRecords);
            packer.plan(skb, buffer);
            PlanPrinter.print(i, buffer, fromBuffer);
        }
        String expected = resource(golden);
        assertThat(fromRecords.toString()).isEqualTo(expected);
        assertThat(fromBuffer.toString()).isEqualTo(expected);
    }

    // ---- the worked examples of docs/plan-format.md through the records ------------------------

    private static final List<Skb> EXAMPLES = skbs("/trace/plan-format-example.trace");
    private static final List<Skb> COMPOUND = skbs("/golden/compound.trace");

    @Test
    void sevenExamples() {
        assertThat(EXAMPLES).hasSize(7);
    }

    @Test
    void coalesceGsoExampleThroughRecords() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(EXAMPLES.get(4));
        assertThat(plan.packetLength()).isEqualTo(9258);
        assertThat(plan.estimate()).isEqualTo(5);
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 2, 0, 0, 66),
                        new CopyOp(0, 0, 2, 0, 4096),
                        new CopyOp(1, 0, 3, 0, 4096),
                        new CopyOp(2, 0, 4, 0, 1000));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(
                                0,
                                0,
                                66,
                                Netif.RXF_DATA_VALIDATED
                                        | Netif.RXF_CSUM_BLANK
                                        | Netif.RXF_MORE_DATA
                                        | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1448, GsoType.TCPV4),
                        new DataResponse(2, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(3, 0, 4096, Netif.RXF_MORE_DATA),
                        new DataResponse(4, 0, 1000, 0));
    }

    @Test
    void coalesceFillsBufferExactlyThenStartsNew() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(EXAMPLES.get(5));
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 0, 0, 0, 1000), new CopyOp(0, 0, 0, 1000, 3096), new CopyOp(1, 0, 1, 0, 10));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 4096, Netif.RXF_DATA_VALIDATED | Netif.RXF_MORE_DATA),
                        new DataResponse(1, 0, 10, 0));
    }

    @Test
    void perFragEmptyHeadIssuesZeroLengthHeadOpLast() {
        RxPlan plan = RxPacker.of(PackingPolicy.PER_FRAG).plan(EXAMPLES.get(6));
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(0, 0, 2, 0, 300), new CopyOp(1, 512, 3, 0, 3000), new CopyOp(-1, 128, 0, 0, 0));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(0, 0, 0, Netif.RXF_MORE_DATA | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1220, GsoType.TCPV6),
                        new DataResponse(2, 0, 300, Netif.RXF_MORE_DATA),
                        new DataResponse(3, 0, 3000, 0));
    }

    @Test
    void coalesceExamplesHaveNoFindingsAndExactEstimates() {
        RxPacker packer = RxPacker.of(PackingPolicy.COALESCE);
        for (Skb skb : EXAMPLES) {
            RxPlan plan = packer.plan(skb);
            assertThat(PlanChecker.check(skb, plan)).as(skb.toString()).isEmpty();
            assertThat(plan.estimate()).isEqualTo(plan.slotCount());
            assertThat(packer.estimateSlots(skb)).isEqualTo(plan.estimate());
        }
    }

    @Test
    void perFragReportsOnlyTheEmptyFirstBufferOfPacket6() {
        RxPacker packer = RxPacker.of(PackingPolicy.PER_FRAG);
        for (int i = 0; i < EXAMPLES.size(); i++) {
            Skb skb = EXAMPLES.get(i);
            List<Finding> findings = PlanChecker.check(skb, packer.plan(skb));
            if (i == 6) {
                assertThat(findings)
                        .containsExactly(new Finding(
                                Invariant.FIRST_SLOT_NONEMPTY,
                                "data slot 0 is empty (status 0) in a 3300-byte packet"));
            } else {
                assertThat(findings).as("packet " + i).isEmpty();
            }
        }
    }

    @Test
    void compoundExamplesKeepEveryInvariantButFreeBsdsFrames() {
        for (PackingPolicy p : List.of(PackingPolicy.COALESCE_COMPOUND, PackingPolicy.FULL_PAGE)) {
            for (Skb skb : COMPOUND) {
                assertThat(PlanChecker.check(skb, RxPacker.of(p).plan(skb)))
                        .as("%s %s", p, skb)
                        .isEmpty();
            }
        }
    }

    @Test
    void fullPageChainsTheHashExtraBehindTheGsoExtra() {
        RxPlan plan = RxPacker.of(PackingPolicy.FULL_PAGE).plan(COMPOUND.get(4));
        assertThat(plan.slots().subList(0, 3))
                .containsExactly(
                        new DataResponse(
                                0,
                                0,
                                4096,
                                Netif.RXF_DATA_VALIDATED
                                        | Netif.RXF_CSUM_BLANK
                                        | Netif.RXF_MORE_DATA
                                        | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, Netif.EXTRA_FLAG_MORE, 1448, GsoType.TCPV6),
                        new ExtraResponse(2, Netif.EXTRA_TYPE_HASH, 0, 0, null, -1, HashType.IPV6));
        assertThat(plan.slots().get(3)).isEqualTo(new DataResponse(3, 0, 54, 0));
        // the other generations send no hash extra
        assertThat(RxPacker.of(PackingPolicy.COALESCE_COMPOUND)
                        .plan(COMPOUND.get(4))
                        .slots())
                .noneMatch(r -> r instanceof ExtraResponse e && e.type() == Netif.EXTRA_TYPE_HASH);
    }

    // ---- reading -------------------------------------------------------------------------------

    private static List<TracePacket> read(String resource) {
        try (InputStream in = GoldenFilesTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return TraceParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TraceFormatException e) {
            throw new IllegalStateException("golden trace " + resource + " does not parse: " + e.getMessage(), e);
        }
    }

    private static List<Skb> skbs(String resource) {
        return read(resource).stream().map(TracePacket::skb).toList();
    }

    private static String resource(String name) {
        try (InputStream in = GoldenFilesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
