package io.github.netbackrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotResponse;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.SimulationStatistics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Java example of README.md, kept here word for word so that it always compiles and runs. */
class ReadmeExampleTest {

    /** The README's code, with {@code System.out} passed in. */
    static void example(PrintStream out) {
        // --- begin README example ---
        Skb skb = Skb.builder()
                .head(2, 66) // linear area: 66 bytes at offset 2 of its page
                .frag(0, 4096) // a whole page fragment
                .frag(0, 1000)
                .gso(1448, GsoType.TCPV4) // TSO, MSS 1448
                .checksum(ChecksumState.PARTIAL)
                .build();

        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(skb);
        out.println("estimate " + plan.estimate() + ", slots used " + plan.slotCount());
        for (CopyOp op : plan.ops()) {
            out.println(op.sourceName() + "@" + op.sourceOffset() + " -> slot " + op.slot() + "@" + op.destOffset()
                    + ", " + op.length() + " bytes");
        }
        for (SlotResponse slot : plan.slots()) {
            out.println(slot);
        }
        // --- end README example ---
    }

    /** The README's simulation example, with {@code System.out} passed in. */
    static void simulationExample(PrintStream out) {
        // --- begin README simulation example ---
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .vif(v -> v.policy(PackingPolicy.COALESCE)) // the 2010 packing rule
                .ringStartIndex(-100) // RING_IDX wraps at 2^32 soon
                .build(); // dom0, guest, peer, ring, event channel, vif, netfront
        Skb skb = Skb.builder()
                .head(64, 66) // linear head: 66 bytes at offset 64 of its page
                .frag(0, 4096)
                .frag(0, 1448) // page fragments
                .gso(1448, GsoType.TCPV4)
                .checksum(ChecksumState.PARTIAL)
                .build();
        byte[] bytes = new byte[skb.length()];
        new java.util.Random(1).nextBytes(bytes);
        sim.send(skb, bytes); // host backlog -> netif_be_start_xmit
        sim.drain(); // net_rx_action, GNTTABOP_copy, netfront poll + refill
        SimulationStatistics st = sim.statistics();
        out.println(st.delivered() + " delivered, " + st.mismatched() + " differ, "
                + st.vif().slotsUsed() + " slots, " + st.vif().copyOps() + " copy ops");
        // --- end README simulation example ---
    }

    @Test
    void theReadmeSimulationExampleDeliversThePacket() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        simulationExample(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("1 delivered, 0 differ, 4 slots, 3 copy ops\n");
    }

    @Test
    void theReadmeShowsTheSimulationCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int at = readme.indexOf("```java\n", readme.indexOf("## Simulating the whole guest-RX path"));
        List<String> shown = readme.substring(at + 8, readme.indexOf("```\n", at + 8))
                .lines()
                .filter(line -> !line.startsWith("import "))
                .dropWhile(String::isEmpty)
                .collect(Collectors.toList());
        String source = Files.readString(
                Path.of("src/test/java/io/github/netbackrx/examples/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        String begin = "// --- begin README simulation example ---\n";
        List<String> body = source.substring(
                        source.indexOf(begin) + begin.length(),
                        source.indexOf("        // --- end README simulation example ---"))
                .lines()
                .map(line -> line.startsWith("        ") ? line.substring(8) : line)
                .map(line -> line.replace("out.println", "System.out.println"))
                .collect(Collectors.toList());
        assertThat(shown).isEqualTo(body);
    }

    @Test
    void theReadmeExampleRunsAndPrintsWhatTheReadmeSays() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        example(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .startsWith("estimate 4, slots used 4\n"
                        + "head@2 -> slot 0@0, 66 bytes\n"
                        + "frag0@0 -> slot 2@0, 4096 bytes\n"
                        + "frag1@0 -> slot 3@0, 1000 bytes\n");
        assertThat(out.lines()).hasSize(1 + 3 + 4);
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String shown =
                readme.substring(readme.indexOf("```java\n") + 8, readme.indexOf("```\n", readme.indexOf("```java")));
        String source = Files.readString(
                Path.of("src/test/java/io/github/netbackrx/examples/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        List<String> body = source.substring(
                        source.indexOf("// --- begin README example ---\n") + 32,
                        source.indexOf("        // --- end README example ---"))
                .lines()
                .map(line -> line.startsWith("        ") ? line.substring(8) : line)
                .map(line -> line.replace("out.println", "System.out.println"))
                .collect(Collectors.toList());
        assertThat(shown.lines().collect(Collectors.toList())).isEqualTo(body);
    }
}
