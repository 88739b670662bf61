package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.Invariant;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fuzzes the trace parser with arbitrary text (the bytes decoded as UTF-8). Checked on every
 * input:
 *
 * <ul>
 *   <li>{@link TraceParser#read} never throws, and {@link TraceParser#parse} throws {@link
 *       TraceFormatException} exactly when {@code read} reported errors, carrying the same errors;
 *   <li>{@link TraceParser#parsePacket} on each input line throws nothing but {@link
 *       TraceFormatException};
 *   <li>every accepted packet round-trips: {@link TraceWriter#toLine} re-parses to an equal {@link
 *       Skb} and is a fixed point of write-after-parse;
 *   <li>every accepted packet, planned by every {@link PackingPolicy}, either is refused with
 *       {@link PolicyViolationException} or gives a plan whose {@link PlanChecker} findings are the
 *       policy's documented ones (none for the coalesce family and full-page; only {@code
 *       first-slot-nonempty} for per-frag, exactly when the head is empty; for freebsd, which does not
 *       honour source frames, one {@code source-within-frame} per op that crosses a 4 KiB source
 *       frame).
 * </ul>
 *
 * <p>In the default build this replays the corpus under {@code
 * src/test/resources/io/github/netbackrx/trace/TraceParserFuzzTestInputs/parse/}; {@code mvn
 * -Pfuzz} fuzzes it (see {@code docs/quality.md}).
 */
class TraceParserFuzzTest {

    @FuzzTest
    void parse(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.UTF_8);
        ParsedTrace trace = TraceParser.read(new StringReader(text));
        try {
            List<TracePacket> strict = TraceParser.parse(new StringReader(text));
            assertThat(trace.errors()).isEmpty();
            assertThat(strict).isEqualTo(trace.packets());
        } catch (TraceFormatException e) {
            assertThat(e.errors()).isNotEmpty().isEqualTo(trace.errors());
        }
        for (String line : text.split("\n", -1)) {
            try {
                TraceParser.parsePacket(line);
            } catch (TraceFormatException expected) {
                assertThat(expected.errors()).hasSize(1);
            }
        }
        for (TracePacket packet : trace.packets()) {
            roundTrips(packet.skb());
            planAllPolicies(packet.skb());
        }
    }

    private static void roundTrips(Skb skb) {
        String line = TraceWriter.toLine(skb);
        Skb again;
        try {
            again = TraceParser.parsePacket(line);
        } catch (TraceFormatException e) {
            throw new AssertionError("the writer's line '" + line + "' for " + skb + " does not parse: " + e, e);
        }
        assertThat(again).as("re-parse of '%s'", line).isEqualTo(skb);
        assertThat(TraceWriter.toLine(again)).isEqualTo(line);
    }

    private static void planAllPolicies(Skb skb) {
        PlanBuffer buffer = new PlanBuffer();
        for (PackingPolicy policy : PackingPolicy.values()) {
            try {
                RxPacker.of(policy).plan(skb, buffer);
            } catch (PolicyViolationException refused) {
                continue;
            }
            List<Invariant> found = PlanChecker.check(skb, buffer).stream()
                    .map(Finding::invariant)
                    .toList();
            assertThat(found)
                    .as("%s plan of %s", policy, skb)
                    .isEqualTo(expectedFindings(policy, skb, buffer.toPlan()));
        }
    }

    /** The hazards a policy is documented to show on a packet it accepts. */
    private static List<Invariant> expectedFindings(PackingPolicy policy, Skb skb, RxPlan plan) {
        if (policy == PackingPolicy.PER_FRAG) {
            // each area's op as issued: a status that is not the area's length ((s16) of a u16),
            // longer than a buffer, leaving the page it names, an empty first buffer
            List<Invariant> out = new ArrayList<>();
            long sum = 0;
            int wrapped = 0;
            for (CopyOp op : plan.ops()) {
                sum += (short) op.length();
                wrapped += (short) op.length() != op.length() ? 1 : 0;
            }
            if (sum != skb.length()) {
                out.add(Invariant.LENGTH_SUM);
            }
            for (CopyOp op : plan.ops()) {
                if (op.length() > 4096) {
                    out.add(Invariant.DEST_WITHIN_SLOT);
                }
            }
            for (CopyOp op : plan.ops()) {
                int first = op.source() < 0 ? op.sourceOffset() / 4096 : 0;
                if (op.length() > 0 && (op.sourceOffset() + op.length() - 1) / 4096 != first) {
                    out.add(Invariant.SOURCE_WITHIN_FRAME);
                }
            }
            if ((short) skb.headLength() <= 0) {
                out.add(Invariant.FIRST_SLOT_NONEMPTY);
            }
            out.addAll(Collections.nCopies(wrapped, Invariant.SOURCE_COVERAGE));
            return out;
        }
        if (policy == PackingPolicy.FREEBSD) {
            return plan.ops().stream()
                    .filter(op ->
                            op.length() > 0 && op.sourceOffset() / 4096 != (op.sourceOffset() + op.length() - 1) / 4096)
                    .map(op -> Invariant.SOURCE_WITHIN_FRAME)
                    .toList();
        }
        return List.of();
    }
}
