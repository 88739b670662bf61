package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.PackingPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    /** The demo runs once for all the checks below (it plans every policy and simulates 5000 packets). */
    private static CliRun demo;

    @BeforeAll
    static void runTheDemoOnce() {
        demo = CliRun.of("demo");
    }

    @Test
    void plansTheSampleUnderEveryPolicyAndExitsZero() {
        CliRun run = demo;
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        for (PackingPolicy policy : PackingPolicy.values()) {
            assertThat(run.out()).contains("\n== policy " + policy.label());
        }
        assertThat(run.out())
                .contains("coalesce: 11 packets planned, 0 refused;")
                .contains("per-frag: 11 packets planned, 0 refused;")
                .contains("finding: packet 6: first-slot-nonempty: ");
    }

    @Test
    void theCoalesceSectionHoldsThePlanFormatExampleAndNoFinding() {
        String out = demo.out();
        String coalesce = out.substring(out.indexOf("== policy coalesce"), out.indexOf("== policy per-frag"));
        assertThat(coalesce).contains(CliRun.resource("/golden/plan-format-example.coalesce.plan"));
        assertThat(coalesce).doesNotContain("finding:").contains("; 0 findings\n");
    }

    @Test
    void thePerFragSectionHoldsItsGoldenOutput() {
        String out = demo.out();
        String perFrag = out.substring(out.indexOf("== policy per-frag"));
        String golden = CliRun.resource("/golden/plan-format-example.per-frag.plan");
        assertThat(perFrag).contains(golden.substring(0, golden.indexOf("packet 6 ")));
        assertThat(perFrag).contains("; 1 finding\n");
    }

    @Test
    void leadsWithASummaryOfEveryPolicy() {
        String out = demo.out();
        assertThat(out.indexOf("\n== summary")).isLessThan(out.indexOf("\n== policy "));
        String summary = out.substring(out.indexOf("\n== summary"), out.indexOf("\nThe sample trace"));
        assertThat(summary.lines().filter(line -> line.contains(" packets planned, ")))
                .hasSize(PackingPolicy.values().length);
        assertThat(summary)
                .contains(
                        "coalesce: 11 packets planned, 0 refused; 25 ring slots used of 25 estimated; 32 copy ops; 0 findings")
                .contains(
                        "per-frag: 11 packets planned, 0 refused; 36 ring slots used of 36 estimated; 33 copy ops; 1 finding");
    }

    @Test
    void endsWithTheSimulationOfTheBuiltInMix() {
        String out = demo.out();
        assertThat(out.indexOf("== simulation: the built-in mix")).isGreaterThan(out.lastIndexOf("\n== policy "));
        assertThat(out.substring(out.indexOf("== simulation: ")))
                .contains("5000 packets from the built-in mix")
                .contains("all delivered bytes verified");
    }

    @Test
    void theSampleTraceIsListedFirst() {
        String out = demo.out();
        for (String line : DemoCommand.sampleTrace().lines().toList()) {
            assertThat(out).contains("    " + line + "\n");
        }
    }
}
