package io.github.netbackrx.bugs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
                .containsExactly(
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
                        "ipxe-required-slots",
                        "freebsd-16bit-size");
        assertThat(BugCatalogue.find("nope")).isEmpty();
    }

    /** Each case's replay, buggy and fixed, with the values it observed. */
    static Stream<Arguments> replays() {
        return Stream.of(
                Arguments.of(
                        "compound-frag",
                        "BROKEN area-within-page: frag0 crosses a 4096-byte page: offset 0 + length 32768 > 4096 (the"
                                + " 2010 rule would BUG())",
                        "holds area-within-page: 9 ops cut at 4 KiB source frames into 9 slots; no finding"),
                Arguments.of(
                        "head-undercount-3.0",
                        "BROKEN slots-within-estimate: 2 slots used > estimate 1",
                        "holds slots-within-estimate: 2 slots used, estimate 2; no finding"),
                Arguments.of(
                        "head-undercount-3.6",
                        "BROKEN slots-within-estimate: 3 slots used > estimate 2",
                        "holds slots-within-estimate: 3 slots used, estimate 3; no finding"),
                Arguments.of(
                        "copy-array-2x256",
                        "BROKEN copy-ops-within-array: the 2010 batching rule (count += nr_frags + 1 while count +"
                                + " MAX_SKB_FRAGS < 256) takes 15 packets needing 555 copy ops; the array holds 512"
                                + " (engine: 1 overflows averted, 15 of 15 delivered)",
                        "holds copy-ops-within-array: the 2010 batching rule (count += nr_frags + 1 while count +"
                                + " MAX_SKB_FRAGS < 256) takes 15 packets needing 555 copy ops; the array holds 4352"
                                + " (engine: 0 overflows averted, 15 of 15 delivered)"),
                Arguments.of(
                        "over-estimate-stall",
                        "BROKEN no-permanent-stall: 237 of 400 delivered; 163 waiting behind a queue that never wakes;"
                                + " the guest has 256 requests posted",
                        "holds no-permanent-stall: 400 of 400 delivered; 0 waiting; the guest has 256 requests posted"),
                Arguments.of(
                        "frag-offset-undercount",
                        "BROKEN slots-within-estimate: 4 slots used > estimate 3",
                        "holds slots-within-estimate: 4 slots used, estimate 4; no finding"),
                Arguments.of(
                        "meta-vs-slot-check",
                        "BROKEN overflow-check-catches-overrun: ring slots 19, meta slots 18, max_slots_needed 18: the"
                                + " check compares meta slots (18) and does not fire on an overrun",
                        "holds overflow-check-catches-overrun: ring slots 19, max_slots_needed 18: the engine compares"
                                + " the req_cons delta and fires (the packet is dropped, 1)"),
                Arguments.of(
                        "capped-estimate",
                        "BROKEN slots-within-estimate: 19 slots used > estimate 18",
                        "holds slots-within-estimate: 17 slots used, estimate 18; no finding"),
                Arguments.of(
                        "check-gop-misattribution",
                        "BROKEN error-charged-to-own-packet: op 3 (packet B) failed; NETIF_RSP_ERROR written for C;"
                                + " expected B",
                        "holds error-charged-to-own-packet: op 3 (packet B) failed; NETIF_RSP_ERROR written for B;"
                                + " expected B"),
                Arguments.of(
                        "xsa-392-stall",
                        "BROKEN stall-detected: 1 free, 2 needed: the packet waits (255 delivered) and the queue is not"
                                + " declared stalled",
                        "holds stall-detected: 1 free, 2 needed: the packet waits (255 delivered) and the queue is"
                                + " declared stalled"),
                Arguments.of(
                        "ipxe-required-slots",
                        "BROKEN required-slots-postable: the backend waits for 19 free requests; the frontend posts 4:"
                                + " the packet is dropped (1 dropped)",
                        "holds required-slots-postable: the backend waits for 1 free request; the frontend posts 4: the"
                                + " packet is delivered"),
                Arguments.of(
                        "freebsd-16bit-size",
                        "BROKEN length-sum: data statuses sum to 0, packet length 65536",
                        "holds length-sum: 16 slots used, estimate 16; no finding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replays")
    void detailsNameTheValuesTheReplayObserved(String name, String buggy, String fixed) {
        BugReplay r = BugCatalogue.find(name).orElseThrow().replay();
        assertThat(r.buggy().describe()).isEqualTo(buggy);
        assertThat(r.fixed().describe()).isEqualTo(fixed);
    }

    @Test
    void everyCaseHasItsReplayChecked() {
        assertThat(replays().map(a -> (String) a.get()[0]).toList())
                .isEqualTo(BugCatalogue.all().stream().map(BugCase::name).toList());
    }

    @Test
    void sourcesCiteUpstreamNotNotes() {
        for (BugCase c : BugCatalogue.all()) {
            assertThat(c.source())
                    .as(c.name())
                    .doesNotContain("[recall]")
                    .doesNotContain("[msg]")
                    .doesNotContain("research")
                    .doesNotContainPattern("\\bS3[0-9]+\\b")
                    .doesNotContain("RXold");
        }
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
