package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompareCommandTest {

    @Test
    void everyPolicySideBySideWithTotals() {
        CliRun run = CliRun.withStdin("head=0+66 frag=0+100\n", "compare", "-");
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                packet 0 len=166: head=0+66 frag=0+100
                  coalesce          slots=1 estimate=1 ops=2 bytes/slot=166 first-slot=166 netfront=accepts findings=-
                  per-frag          slots=2 estimate=2 ops=2 bytes/slot=66,100 first-slot=66 netfront=accepts findings=-
                  coalesce-compound slots=1 estimate=1 ops=2 bytes/slot=166 first-slot=166 netfront=accepts findings=-
                  full-page         slots=1 estimate=1 ops=2 bytes/slot=166 first-slot=166 netfront=accepts findings=-
                  freebsd           slots=1 estimate=1 ops=2 bytes/slot=166 first-slot=166 netfront=accepts findings=-
                total packets=1
                  coalesce          planned=1 refused=0 slots=1 estimate=1 ops=2 bytes/slot=166 netfront-drops=0 findings=0
                  per-frag          planned=1 refused=0 slots=2 estimate=2 ops=2 bytes/slot=83 netfront-drops=0 findings=0
                  coalesce-compound planned=1 refused=0 slots=1 estimate=1 ops=2 bytes/slot=166 netfront-drops=0 findings=0
                  full-page         planned=1 refused=0 slots=1 estimate=1 ops=2 bytes/slot=166 netfront-drops=0 findings=0
                  freebsd           planned=1 refused=0 slots=1 estimate=1 ops=2 bytes/slot=166 netfront-drops=0 findings=0
                """);
    }

    @Test
    void faithfulComparesWhatTheUpstreamCodeWrites() {
        // FreeBSD xnb_rxpkt2rsp: more_data when i < list_len - 1, i counting the GSO extra's response
        String trace = "head=0+100 frag=0+4096 frag=0+4096 gso=1448/tcpv6 csum=partial\n";
        CliRun conventions = CliRun.withStdin(trace, "compare", "-");
        assertThat(conventions.status()).isZero();
        assertThat(conventions.out())
                .contains("  freebsd           slots=4 estimate=4 ops=5 bytes/slot=4096,4096,100"
                        + " first-slot=4096 netfront=accepts findings=-\n");
        CliRun faithful = CliRun.withStdin(trace, "compare", "--faithful", "-");
        assertThat(faithful.status()).isEqualTo(ExitStatus.FINDING);
        assertThat(faithful.out())
                .contains("  freebsd           slots=4 estimate=4 ops=5 bytes/slot=4096,4096,100"
                        + " first-slot=4096 netfront=accepts findings=more-data-chain\n");
    }

    @Test
    void refusalsAreRowsAndFindingsMakeExitOne() {
        CliRun run = CliRun.withStdin("head=0+100 frag=2048+8192\n", "compare", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.FINDING);
        assertThat(run.out())
                .contains(
                        "  coalesce          refused: frag0 crosses a 4096-byte page: offset 2048 + length 8192 > 4096")
                .contains("  coalesce-compound slots=3 estimate=3 ops=4 bytes/slot=2148,4096,2048 first-slot=2148"
                        + " netfront=accepts findings=-\n")
                .contains("  freebsd           slots=3 estimate=3 ops=4 bytes/slot=4096,4096,100 first-slot=4096"
                        + " netfront=accepts findings=source-within-frame\n")
                .contains(
                        "  coalesce          planned=0 refused=1 slots=0 estimate=0 ops=0 bytes/slot=- netfront-drops=0"
                                + " findings=0\n")
                .contains("  freebsd           planned=1 refused=0 slots=3 estimate=3 ops=4 bytes/slot=2764"
                        + " netfront-drops=0 findings=2\n");
    }

    @Test
    void reportsWhatNetfrontDropsAndAnEmptyFirstSlot() {
        // 18 fragments of 4096 bytes behind a 300-byte head: per-frag needs 19 data slots, first > 256
        StringBuilder line = new StringBuilder("head=0+300");
        for (int k = 0; k < 18; k++) {
            line.append(" frag=0+4096");
        }
        CliRun run = CliRun.withStdin(line + "\nhead=0+0 frag=0+10\n", "compare", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.FINDING);
        assertThat(run.out())
                .contains("  per-frag          slots=19 estimate=19 ops=19 bytes/slot=300,4096,")
                .contains("netfront=drops findings=- (19 data slots > 18 (first slot holds 300 > 256 bytes))\n")
                .contains("  per-frag          slots=2 estimate=2 ops=2 bytes/slot=0,10 first-slot=0"
                        + " netfront=accepts findings=first-slot-nonempty\n")
                .contains("  full-page         slots=1 estimate=1 ops=2 bytes/slot=10 first-slot=10 netfront=accepts"
                        + " findings=-\n")
                .contains("  per-frag          planned=2 refused=0 slots=21 estimate=21 ops=21 bytes/slot=3525"
                        + " netfront-drops=1 findings=1\n");
    }

    @Test
    void optionsApplyToTheGenerationsThatHaveThem() {
        CliRun run = CliRun.withStdin(
                "head=0+66 frag=0+4096 gso=1448\n",
                "compare",
                "--max-buffer-offset",
                "2048",
                "--gso-prefix",
                "tcpv4",
                "-");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("  coalesce          slots=4 estimate=4 ops=4 bytes/slot=2048,2048,66 first-slot=2048")
                // full-page never had the prefix mode: its frontend negotiated TCPv4 not at all
                .contains("  full-page         slots=2 estimate=3 ops=3 bytes/slot=4096,66 first-slot=4096");
    }

    @Test
    void badInputIsExitTwo() {
        CliRun run = CliRun.withStdin("head=0+1 foo=1\n", "compare", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("line 1: unknown token 'foo=1'");
        CliRun missing = CliRun.of("compare", "/nonexistent/trace");
        assertThat(missing.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(missing.err()).isEqualTo("netback-rx compare: cannot read '/nonexistent/trace': no such file\n");
        CliRun range = CliRun.withStdin("", "compare", "--max-buffer-offset", "0", "-");
        assertThat(range.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(range.err()).startsWith("netback-rx compare: --max-buffer-offset 0: outside 1..4096\n");
        CliRun guest = CliRun.withStdin("", "compare", "--guest", "4.0", "-");
        assertThat(guest.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(guest.err())
                .startsWith("netback-rx compare: Invalid value for option '--guest': unknown guest kernel '4.0'"
                        + " (valid: current, 2010)");
    }

    @Test
    void aWorkloadIsComparedAsItsTraceIs() {
        CliRun workloads = CliRun.of("workloads", "jumbo", "--count", "12", "--seed", "2");
        CliRun direct = CliRun.of("compare", "--workload", "jumbo", "--packets", "12", "--seed", "2");
        assertThat(direct.status()).isZero();
        assertThat(direct).isEqualTo(CliRun.withStdin(workloads.out(), "compare", "-"));
        assertThat(direct.out()).contains("total packets=12\n");
    }
}
