package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.bugs.BugCase;
import io.github.netbackrx.bugs.BugCatalogue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BugsCommandTest {
    static Stream<String> names() {
        return BugCatalogue.all().stream().map(BugCase::name);
    }

    @Test
    void listsEveryCaseWithItsGeneration() {
        CliRun run = CliRun.of("bugs");
        assertThat(run.status()).isZero();
        for (BugCase c : BugCatalogue.all()) {
            assertThat(run.out())
                    .contains(c.name() + " ")
                    .contains(c.buggyGeneration().describe());
        }
        assertThat(run.out()).startsWith("compound-frag ");
    }

    @ParameterizedTest
    @MethodSource("names")
    void replaysEachCaseAsDocumented(String name) {
        CliRun run = CliRun.of("bugs", name);
        assertThat(run.status()).isZero();
        BugCase c = BugCatalogue.find(name).orElseThrow();
        assertThat(run.out())
                .startsWith(name + ": " + c.title())
                .contains("input:      " + c.input())
                .contains("BROKEN " + c.invariant() + ": ")
                .contains("holds " + c.invariant() + ": ")
                .endsWith("as documented: the bug shows and the fix holds\n");
    }

    @Test
    void replayShowsTheBrokenInvariantWithValues() {
        CliRun run = CliRun.of("bugs", "head-undercount-3.6");
        assertThat(run.out())
                .contains("buggy:      policy coalesce-compound, estimator linux-3.6, engine 2010\n")
                .contains("BROKEN slots-within-estimate: ")
                .contains("fixed:      policy coalesce-compound, estimator exact-dry-run, engine 2010\n");
    }

    @Test
    void unknownNameIsStatusTwo() {
        CliRun run = CliRun.of("bugs", "nope");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("netback-rx bugs: unknown case 'nope' (valid: compound-frag, ");
        assertThat(run.out()).isEmpty();
    }
}
