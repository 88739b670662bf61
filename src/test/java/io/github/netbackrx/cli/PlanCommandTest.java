package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanCommandTest {

    private static final String EXAMPLE = "/trace/plan-format-example.trace";

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private Path example() throws IOException {
        return file("example.trace", CliRun.resource(EXAMPLE));
    }

    // ---- golden: plan-format.md's worked examples, byte for byte --------------------------------

    @Test
    void coalesceIsTheDefaultAndPrintsTheDocumentsOutputByteForByte() throws IOException {
        String golden = CliRun.resource("/golden/plan-format-example.coalesce.plan");
        CliRun run = CliRun.of("plan", example().toString());
        assertThat(run.out()).isEqualTo(golden);
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(CliRun.of("plan", "--policy", "coalesce", example().toString()))
                .isEqualTo(run);
        assertThat(CliRun.of("plan", "--policy=coalesce", example().toString())).isEqualTo(run);
    }

    @Test
    void perFragPrintsTheGoldenOutputAndReportsTheEmptyFirstBuffer() throws IOException {
        String golden = CliRun.resource("/golden/plan-format-example.per-frag.plan");
        CliRun run = CliRun.of("plan", "--policy", "per-frag", example().toString());
        assertThat(run.out()).isEqualTo(golden);
        assertThat(run.err())
                .isEqualTo("packet 6: first-slot-nonempty: data slot 0 is empty (status 0) in a 3300-byte packet\n");
        assertThat(run.status()).isEqualTo(1);
    }

    @Test
    void perFragGoldenBeginsWithTheLinesTheDocumentPrints() {
        String documented = String.join(
                "\n",
                "packet 0 len=1514 estimate=1 slots=1",
                "copy head 64 0 0 1514",
                "rsp 0 0 1514 -",
                "packet 1 len=350 estimate=4 slots=4",
                "copy frag0 0 1 0 100",
                "copy frag1 200 2 0 100",
                "copy frag2 4000 3 0 96",
                "copy head 0 0 0 54",
                "rsp 0 0 54 more_data",
                "rsp 1 0 100 more_data",
                "rsp 2 0 100 more_data",
                "rsp 3 0 96 -",
                "");
        assertThat(CliRun.resource("/golden/plan-format-example.per-frag.plan")).startsWith(documented);
    }

    @Test
    void dashReadsStandardInput() throws IOException {
        CliRun fromFile = CliRun.of("plan", "--policy", "per-frag", example().toString());
        CliRun fromStdin = CliRun.withStdin(CliRun.resource(EXAMPLE), "plan", "--policy", "per-frag", "-");
        assertThat(fromStdin).isEqualTo(fromFile);
    }

    @Test
    void anEmptyTraceIsBadInputAsForCompareAndSimulate() {
        for (String command : new String[] {"plan", "compare", "simulate"}) {
            assertThat(CliRun.withStdin("# only a comment\n\n", command, "-"))
                    .isEqualTo(new CliRun(2, "", "netback-rx " + command + ": the trace - holds no packet\n"));
        }
    }

    // ---- bad input: exit 2, nothing on standard output, "line N: reason" ------------------------

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            frag=0+100                   | head=OFF+LEN must be the first token, found 'frag=0+100'
            head=0+1 head=0+2            | head= must appear exactly once, found a second 'head=0+2'
            head=0+1 gso=1 gso=2         | gso= may appear at most once, found a second 'gso=2'
            head=0+1 csum=none csum=none | csum= may appear at most once, found a second 'csum=none'
            head=0+1 foo=1               | unknown token 'foo=1' (expected head=, frag=, gso=, csum= or hash=)
            head=5                       | head=5: expected head=OFF+LEN
            head=+5                      | head=+5: OFF is empty (expected a decimal number)
            head=-1+5                    | head=-1+5: OFF '-1' is not a decimal number (digits 0-9 only, no sign)
            head=0+1 frag=+1+5           | frag=+1+5: OFF is empty (expected a decimal number)
            head=2147483648+1            | head=2147483648+1: OFF 2147483648 is too large (at most 2147483647)
            head=0+1 frag=0+0            | frag=0+0: a fragment's LEN must be at least 1
            head=0+1 gso=0               | gso=0: SIZE must be 1..65535
            head=0+1 gso=65536           | gso=65536: SIZE must be 1..65535
            head=0+1 gso=1448/udp        | gso=1448/udp: TYPE must be tcpv4 or tcpv6
            head=0+1 csum=full           | csum=full: the checksum state must be none, partial or unnecessary
            head=0+0                     | empty packet: total length 0
            head=2147483647+1            | head: offset 2147483647 + length 1 overflows int
            """)
    void everyTraceRuleIsABadInputLine(String line, String reason) {
        for (String policy : new String[] {"coalesce", "per-frag"}) {
            CliRun run = CliRun.withStdin("head=0+10\n# fine so far\n" + line + "\n", "plan", "--policy", policy, "-");
            assertThat(run).isEqualTo(new CliRun(2, "", "line 3: " + reason + "\n"));
        }
    }

    @Test
    void moreThanEighteenFragmentsIsABadInputLine() {
        CliRun run = CliRun.withStdin("head=0+0" + " frag=0+1".repeat(19) + "\n", "plan", "-");
        assertThat(run).isEqualTo(new CliRun(2, "", "line 1: too many fragments: 19 > maxFrags 18\n"));
    }

    @Test
    void everyBadLineIsReportedTogetherInLineOrder() throws IOException {
        Path trace = file(
                "bad.trace",
                "head=64+1514\nhead=0+0\n\n# comment\nhead=0+1 gso=0\nhead=0+54 frag=0+100\ncsum=partial\n");
        CliRun run = CliRun.of("plan", trace.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo("line 2: empty packet: total length 0\n"
                        + "line 5: gso=0: SIZE must be 1..65535\n"
                        + "line 7: head=OFF+LEN must be the first token, found 'csum=partial'\n");
    }

    @Test
    void aPacketThePolicyRefusesIsABadInputLineToo() {
        String trace = "head=0+100\nhead=0+100 frag=4000+200\nhead=0+0\nhead=4000+200\n";
        CliRun run = CliRun.withStdin(trace, "plan", "-");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("line 2: policy coalesce refuses the packet: frag0 crosses a 4096-byte page: offset"
                        + " 4000 + length 200 > 4096")
                .contains("\nline 3: empty packet: total length 0\n")
                .contains("\nline 4: policy coalesce refuses the packet: head crosses a 4096-byte page: offset"
                        + " 4000 + length 200 > 4096");
        assertThat(run.err().lines()).hasSize(3);
    }

    @Test
    void perFragPlansPageCrossingAreasAsIssuedAndReportsThem() {
        CliRun run = CliRun.withStdin(
                "head=0+100 frag=4000+200\nhead=5000+10\nhead=0+1 frag=8192+10\n", "plan", "--policy", "per-frag", "-");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .startsWith("packet 0 len=300 estimate=2 slots=2\ncopy frag0 4000 1 0 200\ncopy head 0 0 0 100\n")
                .contains("packet 1 len=10 estimate=1 slots=1\ncopy head 5000 0 0 10\nrsp 0 0 10 -\n")
                .contains("packet 2 len=11 estimate=2 slots=2\ncopy frag0 8192 1 0 10\n");
        assertThat(run.err())
                .isEqualTo("packet 0: source-within-frame: op 0 (frag0) reads offset 4000 + length 200 across 4096-byte"
                        + " frames 0 and 1\n"
                        + "packet 2: source-within-frame: op 0 (frag0) reads offset 8192 + length 10 of the fragment's"
                        + " first 4096-byte page, the page the op names\n");
        // the 2010 rule BUG()s on the crossing fragment but not on a head in the next page
        CliRun coalesce = CliRun.withStdin("head=0+100 frag=4000+200\nhead=5000+10\n", "plan", "-");
        assertThat(coalesce.status()).isEqualTo(2);
        assertThat(coalesce.err())
                .isEqualTo("line 1: policy coalesce refuses the packet: frag0 crosses a 4096-byte page: offset 4000 +"
                        + " length 200 > 4096 (the 2010 rule would BUG())\n");
    }

    // ---- usage errors ---------------------------------------------------------------------------

    @Test
    void anUnknownPolicyIsAUsageErrorListingTheValidNames() throws IOException {
        CliRun run = CliRun.of("plan", "--policy", "linear", example().toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("netback-rx plan: Invalid value for option '--policy': unknown packing policy 'linear'"
                        + " (valid: coalesce, per-frag, coalesce-compound, full-page, freebsd)\n")
                .endsWith("Try 'netback-rx plan --help' for more information.\n");
    }

    @Test
    void aMissingFileIsBadInput() {
        Path missing = dir.resolve("no-such.trace");
        CliRun run = CliRun.of("plan", missing.toString());
        assertThat(run).isEqualTo(new CliRun(2, "", "netback-rx plan: cannot read '" + missing + "': no such file\n"));
    }

    @Test
    void aDirectoryOrNonUtf8FileIsBadInput() throws IOException {
        CliRun directory = CliRun.of("plan", dir.toString());
        assertThat(directory.status()).isEqualTo(2);
        assertThat(directory.out()).isEmpty();
        assertThat(directory.err()).startsWith("netback-rx plan: cannot read '" + dir + "': ");
        Path binary = Files.write(dir.resolve("latin1.trace"), new byte[] {'h', 'e', 'a', 'd', '=', (byte) 0xff});
        assertThat(CliRun.of("plan", binary.toString()))
                .isEqualTo(new CliRun(2, "", "netback-rx plan: cannot read '" + binary + "': not UTF-8 text\n"));
    }

    @Test
    void aMissingFileArgumentOrAnExtraOneIsAUsageError() throws IOException {
        CliRun none = CliRun.of("plan");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err())
                .startsWith(
                        "netback-rx plan: Missing required parameter: 'FILE' (or --workload NAME, or --capture PCAP)\n");
        CliRun two = CliRun.of("plan", example().toString(), "other");
        assertThat(two.status()).isEqualTo(2);
        assertThat(two.out()).isEmpty();
        assertThat(CliRun.of("plan", "--frobnicate", example().toString()).status())
                .isEqualTo(2);
    }

    @Test
    void helpExitsZeroAndDocumentsTheOptionAndExitStatuses() {
        CliRun run = CliRun.of("plan", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("Usage: netback-rx plan [-hVvq] [--policy=POLICY] [--max-buffer-offset=BYTES]\n")
                .contains("[--workload=NAME] [--capture=PCAP]\n")
                .contains("packing policy: coalesce, per-frag,")
                .contains("coalesce-compound, full-page, freebsd (default:")
                .contains("the trace file, or - for standard input")
                .contains("Exit status:");
        assertThat(CliRun.of("help", "plan")).isEqualTo(run);
    }

    @Test
    void maxBufferOffsetShowsThe2048Variant() {
        CliRun run = CliRun.withStdin(
                "head=0+1500 frag=0+4096 frag=0+100 gso=1000\n", "plan", "--max-buffer-offset", "2048", "-");
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("""
                packet 0 len=5696 estimate=4 slots=4
                copy head 0 0 0 1500
                copy frag0 0 0 1500 548
                copy frag0 548 2 0 2048
                copy frag0 2596 3 0 1500
                copy frag1 0 3 1500 100
                rsp 0 0 2048 more_data,extra_info
                extra 1 gso 1000 tcpv4
                rsp 2 0 2048 more_data
                rsp 3 0 1600 -
                """);
        CliRun head = CliRun.withStdin("head=100+2000\n", "plan", "--max-buffer-offset=2048", "-");
        assertThat(head.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(head.err())
                .isEqualTo("line 1: policy coalesce refuses the packet: head ends beyond MAX_BUFFER_OFFSET: offset 100"
                        + " + length 2000 > 2048 (count_skb_slots would BUG(): the 2010 rule keeps the head in the"
                        + " first buffer)\n");
        CliRun compound = CliRun.withStdin(
                "head=100+3000\n", "plan", "--policy", "coalesce-compound", "--max-buffer-offset", "2048", "-");
        assertThat(compound.status()).isZero();
        assertThat(compound.out()).contains("rsp 0 0 2048 more_data\nrsp 1 0 952 -\n");
    }

    @Test
    void maxBufferOffsetIsValidated() {
        for (String bad : new String[] {"0", "4097", "-1"}) {
            CliRun run = CliRun.withStdin("head=0+1\n", "plan", "--max-buffer-offset", bad, "-");
            assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("netback-rx plan: --max-buffer-offset " + bad + ": outside 1..4096\n");
        }
        CliRun full =
                CliRun.withStdin("head=0+1\n", "plan", "--policy", "full-page", "--max-buffer-offset", "2048", "-");
        assertThat(full.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(full.err())
                .startsWith("netback-rx plan: --max-buffer-offset 2048 applies only to coalesce and coalesce-compound,"
                        + " not full-page (it fills 4096-byte buffers)\n");
        CliRun word = CliRun.withStdin("head=0+1\n", "plan", "--max-buffer-offset", "half", "-");
        assertThat(word.status()).isEqualTo(ExitStatus.BAD_INPUT);
    }

    @Test
    void newPoliciesAndFeatureOptions() {
        String trace = "head=0+54 frag=0+4096 gso=1448/tcpv6 hash=7/ipv6-tcp\n";
        CliRun full = CliRun.withStdin(trace, "plan", "--policy", "full-page", "-");
        assertThat(full.status()).isZero();
        assertThat(full.out())
                .contains("rsp 0 0 4096 more_data,extra_info\nextra 1 gso 1448 tcpv6\nextra 2 hash 7 ipv6-tcp\n"
                        + "rsp 3 0 54 -\n");
        CliRun noHash = CliRun.withStdin(trace, "plan", "--policy", "full-page", "--no-hash", "--gso", "tcpv4", "-");
        // rx_slots_needed counts the GSO whatever was negotiated: estimate 3 for 2 slots
        assertThat(noHash.out()).isEqualTo("""
                packet 0 len=4150 estimate=3 slots=2
                copy head 0 0 0 54
                copy frag0 0 0 54 4042
                copy frag0 4042 1 0 54
                rsp 0 0 4096 more_data
                rsp 1 0 54 -
                """);
        CliRun prefix = CliRun.withStdin(trace, "plan", "--gso-prefix", "tcpv6", "-");
        assertThat(prefix.out()).contains("prefix 0 1448 3 more_data,gso_prefix\nrsp 1 0 54 more_data\n");
        CliRun both = CliRun.withStdin(trace, "plan", "--gso", "tcpv6", "--gso-prefix", "tcpv6", "-");
        assertThat(both.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(both.err()).startsWith("netback-rx plan: --gso tcpv6 and --gso-prefix tcpv6 share a type");
        CliRun badType = CliRun.withStdin(trace, "plan", "--gso", "udp", "-");
        assertThat(badType.err()).startsWith("netback-rx plan: --gso udp: 'udp' is not a GSO type");
        CliRun prefixFreebsd = CliRun.withStdin(trace, "plan", "--policy", "freebsd", "--gso-prefix", "tcpv6", "-");
        assertThat(prefixFreebsd.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(prefixFreebsd.err())
                .startsWith("netback-rx plan: gso_prefix_mask 0x4 is only for coalesce and coalesce-compound:");
        CliRun none = CliRun.withStdin(trace, "plan", "--policy", "freebsd", "--gso", "none", "-");
        assertThat(none.out()).doesNotContain("extra");
    }

    @Test
    void aWorkloadIsPlannedAsItsTraceIs() {
        CliRun workloads = CliRun.of("workloads", "small-frags", "--count", "25", "--seed", "4");
        CliRun piped = CliRun.withStdin(workloads.out(), "plan", "--policy", "per-frag", "-");
        CliRun direct = CliRun.of(
                "plan", "--policy", "per-frag", "--workload", "small-frags", "--packets", "25", "--seed", "4");
        assertThat(direct.status()).isZero();
        assertThat(direct).isEqualTo(piped);
        assertThat(CliRun.of("plan", "--workload", "imix").out())
                .contains("packet 9 ")
                .doesNotContain("packet 10 ");
    }

    @Test
    void aCaptureIsPlannedFrameByFrame() throws IOException {
        Path pcap = CliRun.resourceFile("/capture/tiny-le-usec.pcap", dir);
        CliRun run = CliRun.of("plan", "--capture", pcap.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("packet 0 len=54 ")
                .contains("packet 1 len=590 ")
                .contains("packet 2 len=1514 ")
                .contains("packet 3 len=9014 ")
                .contains("packet 4 len=66 ")
                .doesNotContain("packet 5 ");
        // the 9014-byte frame: a 128-byte head, 4096-byte page fragments, GSO (MSS 1460 without TCP options)
        assertThat(run.out()).contains("copy frag2 0 ");
        CliRun first = CliRun.of("plan", "--capture", pcap.toString(), "--packets", "2");
        assertThat(first.out()).contains("packet 1 len=590 ").doesNotContain("packet 2 ");
        CliRun garbage = CliRun.of("plan", "--capture", example().toString());
        assertThat(garbage.status()).isEqualTo(2);
        assertThat(garbage.out()).isEmpty();
        assertThat(garbage.err()).startsWith("netback-rx plan: cannot read '" + example() + "': ");
    }

    @Test
    void aTraceIsCutAtPackets() {
        CliRun run = CliRun.withStdin("head=0+10\nhead=0+20\nhead=0+30\n", "plan", "--packets", "2", "-");
        assertThat(run.out()).contains("packet 1 len=20").doesNotContain("len=30");
        // a bad line after the cut is not read as part of the input
        assertThat(CliRun.withStdin("head=0+10\nbogus\n", "plan", "--packets", "1", "-")
                        .status())
                .isZero();
    }
}
