package io.github.netbackrx.bugs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.Invariant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BugCatalogueTest {
    static Stream<BugCase> cases() {
        return BugCatalogue.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesItsFailureAndItsFix(BugCase bug) {
        BugReplay r = bug.replay();
        assertThat(r.buggy().broken()).as(r.buggy().describe()).isTrue();
        assertThat(r.buggy().invariant()).isEqualTo(bug.invariant());
        assertThat(r.buggy().generation()).isEqualTo(bug.buggyGeneration());
        assertThat(r.fixed().broken()).as(r.fixed().describe()).isFalse();
        assertThat(r.fixed().generation()).isEqualTo(bug.fixedGeneration());
        assertThat(r.asDocumented()).isTrue();
        assertThat(bug.title()).isNotBlank();
        assertThat(bug.source()).isNotBlank();
        assertThat(bug.input()).isNotBlank();
        assertThat(bug.buggyGeneration()).isNotEqualTo(bug.fixedGeneration());
        assertThat(BugCatalogue.find(bug.name())).contains(bug);
    }

    @Test
    void catalogueHoldsTheRequiredCasesWithUniqueNames() {
        List<String> names = BugCatalogue.all().stream().map(BugCase::name).toList();
        assertThat(names)
                .doesNotHaveDuplicates()
                .contains(
                        "compound-frag",
                        "head-undercount-3.0",
                        "head-undercount-3.6",
                        "copy-array-2x256",
                        "over-estimate-stall",
                        "frag-offset-undercount",
                        "meta-vs-slot-check",
                        "capped-estimate",
                        "check-gop-misattribution",
                        "xsa-392-stall",
                        "ipxe-required-slots");
        assertThat(BugCatalogue.find("nope")).isEmpty();
    }

    @Test
    void detailsNameTheValues() {
        assertThat(BugCatalogue.find("head-undercount-3.6")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .details())
                .contains("3")
                .contains("estimate 2");
        assertThat(BugCatalogue.find("capped-estimate")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .invariant())
                .isEqualTo(Invariant.SLOTS_WITHIN_ESTIMATE.label());
        assertThat(BugCatalogue.find("frag-offset-undercount")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .details())
                .contains("4 slots")
                .contains("estimate 3");
        assertThat(BugCatalogue.find("meta-vs-slot-check")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .details())
                .isEqualTo("ring slots 19, meta slots 18, max_slots_needed 18: the check compares meta slots (18)"
                        + " and does not fire on an overrun");
        assertThat(BugCatalogue.find("check-gop-misattribution")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .details())
                .contains("written for C; expected B");
        assertThat(BugCatalogue.find("copy-array-2x256")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .details())
                .contains("takes 15 packets needing 555 copy ops; the array holds 512 (engine: 1 overflows")
                .doesNotContain("0 overflows");
        assertThat(BugCatalogue.find("compound-frag")
                        .orElseThrow()
                        .replay()
                        .buggy()
                        .details())
                .contains("frag0 crosses a 4096-byte page");
    }

    @Test
    void replayWithAWrongInvariantIsNotAsDocumented() {
        BugCase bug = BugCatalogue.all().get(0);
        Generation g = bug.buggyGeneration();
        BugReplay wrong = new BugReplay(
                bug, new BugResult(g, true, "other", "x"), bug.replay().fixed());
        assertThat(wrong.asDocumented()).isFalse();
        BugReplay fixBroken = new BugReplay(
                bug, bug.replay().buggy(), new BugResult(bug.fixedGeneration(), true, bug.invariant(), "x"));
        assertThat(fixBroken.asDocumented()).isFalse();
        assertThat(new BugResult(g, false, "i", "d").describe()).isEqualTo("holds i: d");
        assertThat(g.describe()).startsWith("policy coalesce, estimator count-skb-slots, engine 2010");
        assertThat(bug.toString()).isEqualTo(bug.name());
    }

    @Test
    void stallDetectionRules() {
        assertThat(StallDetection.stalled(StallDetection.Rule.ONE_SLOT, 1, 2)).isFalse();
        assertThat(StallDetection.stalled(StallDetection.Rule.ONE_SLOT, 0, 2)).isTrue();
        assertThat(StallDetection.stalled(StallDetection.Rule.SLOTS_NEEDED, 1, 2))
                .isTrue();
        assertThat(StallDetection.stalled(StallDetection.Rule.SLOTS_NEEDED, 2, 2))
                .isFalse();
        assertThat(StallDetection.canPlace(2, 2)).isTrue();
        assertThatThrownBy(() -> StallDetection.stalled(StallDetection.Rule.ONE_SLOT, -1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("free -1");
        assertThatThrownBy(() -> StallDetection.stalled(StallDetection.Rule.ONE_SLOT, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needed 0");
    }
}
