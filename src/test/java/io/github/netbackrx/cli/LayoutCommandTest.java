package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.trace.TraceParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class LayoutCommandTest {
    private static final String GSO = "head=2+66 frag=3000+1000 frag=0+4096 gso=1448 csum=partial";

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** Elements whose class attribute has the given word. */
    static List<Element> byClass(Document d, String word) {
        List<Element> out = new ArrayList<>();
        NodeList all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(word)) {
                out.add(e);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                GSO,
                "head=128+0 frag=0+300",
                "head=0+54",
                "head=64+1514",
                "head=100+200 frag=10+20 frag=4000+96 frag=0+4096 frag=5+7 frag=0+4096 gso=1428/tcpv6",
                "head=0+5000 frag=0+10"
            })
    void theSvgIsWellFormedWithOneElementPerCopyOpAndPerSlot(String packet, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("layout.svg");
        CliRun run = CliRun.of("layout", "--policy", "all", "--svg", file.toString(), packet);
        if (run.status() == 2) { // every policy refuses the packet: nothing to draw
            assertThat(run.err()).contains("refuses the packet");
            assertThat(file).doesNotExist();
            return;
        }
        assertThat(run.status()).as(run.err()).isIn(0, 1);
        Document svg = parse(Files.readString(file));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        int ops = 0;
        int slots = 0;
        int extras = 0;
        for (PackingPolicy p : PackingPolicy.values()) {
            try {
                RxPlan plan = RxPacker.of(p).plan(TraceParser.parsePacket(packet));
                ops += plan.ops().size();
                slots += plan.slotCount();
                extras += (int) plan.slots().stream()
                        .filter(r -> r instanceof io.github.netbackrx.core.ExtraResponse)
                        .count();
            } catch (io.github.netbackrx.core.PolicyViolationException e) {
                assertThat(byClass(svg, "refusal")).isNotEmpty();
            }
        }
        assertThat(byClass(svg, "op")).hasSize(ops);
        assertThat(byClass(svg, "slot")).hasSize(slots);
        assertThat(byClass(svg, "extra")).hasSize(extras);
        assertThat(byClass(svg, "policy")).hasSize(PackingPolicy.values().length);
        assertThat(byClass(svg, "op").stream().map(e -> e.getAttribute("id")).distinct())
                .hasSize(ops);
    }

    @Test
    void opsAreColouredByTheirSourceAreaAndLabelledWithOffsets() throws Exception {
        CliRun run = CliRun.of("layout", "--svg", "-", GSO);
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("<?xml").doesNotContain("policy coalesce: estimate");
        Document svg = parse(run.out());
        List<Element> ops = byClass(svg, "op");
        assertThat(ops)
                .extracting(e -> e.getAttribute("id"))
                .containsExactly("coalesce-op-0", "coalesce-op-1", "coalesce-op-2");
        assertThat(ops.get(0).getAttribute("fill")).isEqualTo(LayoutDrawing.colour(-1));
        assertThat(ops.get(1).getAttribute("fill")).isEqualTo(LayoutDrawing.colour(0));
        assertThat(ops.get(2).getAttribute("fill")).isEqualTo(LayoutDrawing.colour(1));
        assertThat(ops.get(1).getAttribute("x")).isEqualTo("8.25"); // 66 bytes / 8 bytes per pixel
        assertThat(ops.get(1).getTextContent().strip())
                .isEqualTo("copy 1: frag0 +3000 (frame 0) -> slot 0 +66, 1000 bytes");
        assertThat(byClass(svg, "offset")).extracting(Element::getTextContent).contains("3000", "4000", "66", "1066");
        assertThat(byClass(svg, "area")).hasSize(3);
        List<String> colours = new ArrayList<>();
        for (int s = -1; s < 18; s++) {
            colours.add(LayoutDrawing.colour(s));
        }
        assertThat(colours).doesNotHaveDuplicates().allMatch(c -> c.matches("#[0-9a-f]{6}"));
    }

    @Test
    void theTextDrawingShowsAreasOpsAndSlotsAsBars() {
        CliRun run = CliRun.of("layout", GSO);
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("packet " + GSO + ": 5162 bytes; one character is 64 bytes of a 4096-byte"
                        + " frame or buffer");
        List<String> bars = lines.stream().filter(l -> l.contains("|")).toList();
        assertThat(bars).hasSize(3 + 2);
        for (String bar : bars) {
            assertThat(bar.substring(bar.indexOf('|') + 1, bar.lastIndexOf('|')))
                    .hasSize(64);
        }
        assertThat(lines)
                .contains(
                        "  H head    |HH" + ".".repeat(62) + "| frame 0: bytes 2..68 (66)",
                        "  copy 1  0 frag0  +3000  -> slot 0 +66    1000 bytes",
                        "  slot 0    |H" + "0".repeat(16) + ".".repeat(47)
                                + "| data, status 1066, flags data_validated,csum_blank,more_data,extra_info",
                        "  slot 1     extra info: GSO size 1448 tcpv4",
                        "  slot 2    |" + "1".repeat(64) + "| data, status 4096, flags -");
        assertThat(lines.stream().filter(l -> l.startsWith("  copy "))).hasSize(3);
        assertThat(lines.stream().filter(l -> l.startsWith("policy ")))
                .containsExactly("policy coalesce: estimate 3, 3 slots used, 3 copy ops, no finding");
    }

    @Test
    void allDrawsEveryPolicyAndAFindingGivesStatusOne() {
        CliRun run = CliRun.of("layout", "--policy", "all", "head=128+0", "frag=0+300");
        assertThat(run.status()).isEqualTo(1);
        for (PackingPolicy p : PackingPolicy.values()) {
            assertThat(run.out()).contains("\npolicy " + p.label() + ": ");
        }
        assertThat(run.out())
                .contains("  finding: first-slot-nonempty: data slot 0 is empty (status 0) in a 300-byte packet");
        CliRun compound = CliRun.of("layout", "--policy", "all", "head=0+5000");
        // the 2010 rule BUG()s on a head that crosses its page; the rule before it issues the op, which
        // crosses a frame and overruns the buffer; the later generations take it
        assertThat(compound.status()).isEqualTo(1);
        assertThat(compound.out())
                .contains("policy coalesce: refused: head crosses a 4096-byte page")
                .contains("  finding: source-within-frame: op 0 (head) reads offset 0 + length 5000 across 4096-byte"
                        + " frames 0 and 1")
                .contains("policy coalesce-compound: estimate 2, 2 slots used, 2 copy ops, no finding");
    }

    @Test
    void badInputExitsTwo(@TempDir Path dir) {
        assertThat(CliRun.of("layout").status()).isEqualTo(2);
        CliRun bad = CliRun.of("layout", "head=0+0");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err())
                .isEqualTo("netback-rx layout: bad packet: empty packet: total length 0\n"
                        + "Try 'netback-rx layout --help' for more information.\n");
        CliRun policy = CliRun.of("layout", "--policy", "linear", "head=0+1");
        assertThat(policy.status()).isEqualTo(2);
        assertThat(policy.err())
                .startsWith("netback-rx layout: Invalid value for option '--policy': unknown packing"
                        + " policy 'linear' (valid: all, coalesce, per-frag");
        CliRun refused = CliRun.of("layout", "head=4000+200");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).startsWith("netback-rx layout: policy coalesce refuses the packet: head crosses");
        CliRun unwritable =
                CliRun.of("layout", "--svg", dir.resolve("no/such/dir/x.svg").toString(), "head=0+1");
        assertThat(unwritable.status()).isEqualTo(2);
        assertThat(unwritable.err())
                .startsWith("netback-rx layout: cannot write '")
                .contains("': no such file\n")
                .doesNotContain("Exception");
    }

    @Test
    void svgTextIsEscaped() {
        assertThat(SvgWriter.escape("a<b & \"c\" 'd'>")).isEqualTo("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
        SvgWriter w = new SvgWriter(10, 10);
        w.start("g");
        org.assertj.core.api.Assertions.assertThatThrownBy(w::finish).hasMessageContaining("elements left open");
    }
}
