package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Skb;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TraceParserTest {

    private static List<TracePacket> parse(String text) throws IOException, TraceFormatException {
        return TraceParser.parse(new StringReader(text));
    }

    /** The reason given for a one-line trace that must be refused. */
    private static String reason(String line) throws IOException {
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class, () -> parse(line + "\n"));
        assertThat(e).as("'%s' must be refused", line).isNotNull();
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).lineNumber()).isEqualTo(1);
        return e.errors().get(0).reason();
    }

    @Test
    void readsEveryTokenOfAPacket() throws Exception {
        Skb skb = TraceParser.parsePacket("head=2+66 frag=0+4096 frag=10+1000 gso=1448/tcpv6 csum=partial");
        Skb expected = Skb.builder()
                .head(2, 66)
                .frag(0, 4096)
                .frag(10, 1000)
                .gso(1448, GsoType.TCPV6)
                .checksum(ChecksumState.PARTIAL)
                .build();
        assertThat(skb).isEqualTo(expected);
    }

    @Test
    void appliesTheDefaults() throws Exception {
        Skb skb = TraceParser.parsePacket("head=64+1514");
        assertThat(skb.headOffset()).isEqualTo(64);
        assertThat(skb.headLength()).isEqualTo(1514);
        assertThat(skb.fragCount()).isZero();
        assertThat(skb.hasGso()).isFalse();
        assertThat(skb.checksum()).isEqualTo(ChecksumState.NONE);
        assertThat(TraceParser.parsePacket("head=0+1 gso=1448").gsoType()).isEqualTo(GsoType.TCPV4);
        assertThat(TraceParser.parsePacket("head=0+1 csum=unnecessary").checksum())
                .isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(TraceParser.parsePacket("head=0+1 csum=none").checksum()).isEqualTo(ChecksumState.NONE);
    }

    @Test
    void gsoAndCsumMayComeInAnyOrderAfterTheHead() throws Exception {
        Skb a = TraceParser.parsePacket("head=0+54 csum=partial frag=0+100 gso=1448 frag=0+200");
        Skb b = TraceParser.parsePacket("head=0+54 frag=0+100 frag=0+200 gso=1448 csum=partial");
        assertThat(a).isEqualTo(b);
        assertThat(a.fragLength(0)).isEqualTo(100);
        assertThat(a.fragLength(1)).isEqualTo(200);
    }

    @Test
    void ignoresBlankAndCommentLinesAndCountsEveryFileLine() throws Exception {
        String text = "# first comment\n\n   \t \n  # indented comment\nhead=0+10\r\n\t head=5+20\tfrag=0+1  \n";
        List<TracePacket> packets = parse(text);
        assertThat(packets).extracting(TracePacket::lineNumber).containsExactly(5, 6);
        assertThat(packets.get(0).skb().headLength()).isEqualTo(10);
        assertThat(packets.get(1).skb().fragCount()).isEqualTo(1);
    }

    @Test
    void anEmptyTraceHasNoPackets() throws Exception {
        assertThat(parse("")).isEmpty();
        assertThat(parse("# nothing\n\n")).isEmpty();
    }

    @Test
    void acceptsLargeOffsetsCompoundPagesAndTheLimits() throws Exception {
        Skb skb = TraceParser.parsePacket("head=8192+100 frag=4000+200 frag=0+65536 gso=65535");
        assertThat(skb.headOffset()).isEqualTo(8192);
        assertThat(skb.fragLength(1)).isEqualTo(65536);
        assertThat(skb.gsoSize()).isEqualTo(65535);
        assertThat(TraceParser.parsePacket("head=0+1 gso=1").gsoSize()).isEqualTo(1);
        assertThat(TraceParser.parsePacket("head=2147483647+0 frag=0+1").headOffset())
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(TraceParser.parsePacket("head=007+010").headLength())
                .as("leading zeros are still decimal")
                .isEqualTo(10);
    }

    @Test
    void readsAHash() throws Exception {
        Skb skb = TraceParser.parsePacket("head=0+1 hash=4294967295/ipv6-tcp");
        assertThat(skb.hasHash()).isTrue();
        assertThat(skb.hashValue()).isEqualTo(-1);
        assertThat(skb.hashType()).isEqualTo(io.github.netbackrx.core.HashType.IPV6_TCP);
        assertThat(TraceWriter.toLine(skb)).isEqualTo("head=0+1 hash=4294967295/ipv6-tcp");
        assertThat(skb).hasToString("head=0+1 hash=4294967295/ipv6-tcp");
        assertThat(TraceParser.parsePacket("head=0+1 hash=0/ipv4").hashValue()).isZero();
    }

    @Test
    void acceptsEighteenFragments() throws Exception {
        String line = "head=0+0" + " frag=0+1".repeat(18);
        assertThat(TraceParser.parsePacket(line).fragCount()).isEqualTo(18);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            frag=0+100                   | head=OFF+LEN must be the first token, found 'frag=0+100'
            gso=1448 head=0+1            | head=OFF+LEN must be the first token, found 'gso=1448'
            csum=none                    | head=OFF+LEN must be the first token, found 'csum=none'
            head=0+1 head=0+2            | head= must appear exactly once, found a second 'head=0+2'
            head=0+1 gso=1 gso=2         | gso= may appear at most once, found a second 'gso=2'
            head=0+1 csum=none csum=none | csum= may appear at most once, found a second 'csum=none'
            head=0+1 foo=1               | unknown token 'foo=1' (expected head=, frag=, gso=, csum= or hash=)
            head=0+1 hash=1/ipv4 hash=2/ipv4 | hash= may appear at most once, found a second 'hash=2/ipv4'
            head=0+1 hash=5              | hash=5: expected hash=VALUE/TYPE
            head=0+1 hash=/ipv4          | hash=/ipv4: VALUE '' is not a decimal number 0..4294967295
            head=0+1 hash=-1/ipv4        | hash=-1/ipv4: VALUE '-1' is not a decimal number 0..4294967295
            head=0+1 hash=12345678901/ipv4 | hash=12345678901/ipv4: VALUE '12345678901' is not a decimal number 0..4294967295
            head=0+1 hash=4294967296/ipv4 | hash=4294967296/ipv4: VALUE 4294967296 is too large (at most 4294967295)
            head=0+1 hash=1/udp          | hash=1/udp: TYPE must be ipv4, ipv4-tcp, ipv6 or ipv6-tcp
            head=0+1 frag                | unknown token 'frag' (expected head=, frag=, gso=, csum= or hash=)
            hello                        | unknown token 'hello' (expected head=, frag=, gso=, csum= or hash=)
            HEAD=0+1                     | unknown token 'HEAD=0+1' (expected head=, frag=, gso=, csum= or hash=)
            head=0+1 #comment            | unknown token '#comment' (expected head=, frag=, gso=, csum= or hash=)
            head=0+1 frags=0+1           | unknown token 'frags=0+1' (expected head=, frag=, gso=, csum= or hash=)
            head=0+1 =5                  | unknown token '=5' (expected head=, frag=, gso=, csum= or hash=)
            head=5                       | head=5: expected head=OFF+LEN
            head=                        | head=: expected head=OFF+LEN
            head=0+1 frag=100            | frag=100: expected frag=OFF+LEN
            head=+5                      | head=+5: OFF is empty (expected a decimal number)
            head=5+                      | head=5+: LEN is empty (expected a decimal number)
            head=-1+5                    | head=-1+5: OFF '-1' is not a decimal number (digits 0-9 only, no sign)
            head=0+-5                    | head=0+-5: LEN '-5' is not a decimal number (digits 0-9 only, no sign)
            head=+1+5                    | head=+1+5: OFF is empty (expected a decimal number)
            head=0++5                    | head=0++5: LEN '+5' is not a decimal number (digits 0-9 only, no sign)
            head=0+1+2                   | head=0+1+2: LEN '1+2' is not a decimal number (digits 0-9 only, no sign)
            head=0x10+5                  | head=0x10+5: OFF '0x10' is not a decimal number (digits 0-9 only, no sign)
            head=1.5+5                   | head=1.5+5: OFF '1.5' is not a decimal number (digits 0-9 only, no sign)
            head=0+١٢                    | head=0+١٢: LEN '١٢' is not a decimal number (digits 0-9 only, no sign)
            head=2147483648+1            | head=2147483648+1: OFF 2147483648 is too large (at most 2147483647)
            head=0+99999999999999999999  | head=0+99999999999999999999: LEN 99999999999999999999 is too large (at most 2147483647)
            head=0+1 frag=0+0            | frag=0+0: a fragment's LEN must be at least 1
            head=0+1 frag=0+00           | frag=0+00: a fragment's LEN must be at least 1
            head=0+1 gso=0               | gso=0: SIZE must be 1..65535
            head=0+1 gso=65536           | gso=65536: SIZE must be 1..65535
            head=0+1 gso=                | gso=: SIZE is empty (expected a decimal number)
            head=0+1 gso=/tcpv4          | gso=/tcpv4: SIZE is empty (expected a decimal number)
            head=0+1 gso=-1448           | gso=-1448: SIZE '-1448' is not a decimal number (digits 0-9 only, no sign)
            head=0+1 gso=1448/           | gso=1448/: TYPE must be tcpv4 or tcpv6
            head=0+1 gso=1448/udp        | gso=1448/udp: TYPE must be tcpv4 or tcpv6
            head=0+1 gso=1448/TCPV4      | gso=1448/TCPV4: TYPE must be tcpv4 or tcpv6
            head=0+1 gso=1448/tcpv4/x    | gso=1448/tcpv4/x: TYPE must be tcpv4 or tcpv6
            head=0+1 gso=99999999999     | gso=99999999999: SIZE 99999999999 is too large (at most 2147483647)
            head=0+1 csum=               | csum=: the checksum state must be none, partial or unnecessary
            head=0+1 csum=full           | csum=full: the checksum state must be none, partial or unnecessary
            head=0+1 csum=Partial        | csum=Partial: the checksum state must be none, partial or unnecessary
            head=0+0                     | empty packet: total length 0
            head=100+0                   | empty packet: total length 0
            head=2147483647+1            | head: offset 2147483647 + length 1 overflows int
            head=0+1 frag=2147483000+1000 | frag0: offset 2147483000 + length 1000 overflows int
            head=2147483647+0 frag=0+2147483647 frag=0+1 | packet length overflows int: 2147483647 + 1 (frag1)
            """)
    void refusesEveryBrokenRuleNamingIt(String line, String expectedReason) throws Exception {
        assertThat(reason(line)).isEqualTo(expectedReason);
    }

    @Test
    void refusesMoreThanEighteenFragmentsByThePacketModelsRule() throws Exception {
        assertThat(reason("head=0+0" + " frag=0+1".repeat(19))).isEqualTo("too many fragments: 19 > maxFrags 18");
    }

    @Test
    void separatorsAreSpacesAndTabsOnly() throws Exception {
        assertThat(reason("head=0+1\u00a0frag=0+1"))
                .isEqualTo("head=0+1\u00a0frag=0+1: LEN '1\u00a0frag=0+1' is not a decimal number"
                        + " (digits 0-9 only, no sign)");
        // a form feed is no separator, and an error message shows it escaped
        assertThat(reason("head=0+1\ffrag=0+1")).startsWith("head=0+1\\x0cfrag=0+1: LEN ");
    }

    @Test
    void reportsEveryBadLineTogetherInLineOrder() throws Exception {
        String text = String.join(
                "\n",
                "# comment",
                "head=0+1",
                "frag=0+1",
                "head=0+1 gso=0",
                "",
                "head=0+2",
                "head=0+0 csum=weird",
                "head=0+0");
        TraceFormatException e = catchThrowableOfType(TraceFormatException.class, () -> parse(text));
        assertThat(e.errors())
                .containsExactly(
                        new LineError(3, "head=OFF+LEN must be the first token, found 'frag=0+1'"),
                        new LineError(4, "gso=0: SIZE must be 1..65535"),
                        new LineError(7, "csum=weird: the checksum state must be none, partial or unnecessary"),
                        new LineError(8, "empty packet: total length 0"));
        assertThat(e.getMessage())
                .isEqualTo("line 3: head=OFF+LEN must be the first token, found 'frag=0+1' (and 3 more bad lines)");
        assertThat(e.errors().get(1)).hasToString("line 4: gso=0: SIZE must be 1..65535");
    }

    @Test
    void readKeepsTheGoodPacketsBesideTheErrors() throws Exception {
        ParsedTrace trace = TraceParser.read(new StringReader("head=0+1\nhead=0+0\nhead=0+3\n"));
        assertThat(trace.isValid()).isFalse();
        assertThat(trace.packets()).extracting(TracePacket::lineNumber).containsExactly(1, 3);
        assertThat(trace.errors()).containsExactly(new LineError(2, "empty packet: total length 0"));
    }

    @Test
    void parsePacketRefusesBlankCommentAndMultiLineInput() {
        assertThatThrownBy(() -> TraceParser.parsePacket("  "))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("line 1: no packet: the line is blank or a comment");
        assertThatThrownBy(() -> TraceParser.parsePacket("# head=0+1"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("line 1: no packet: the line is blank or a comment");
        assertThatThrownBy(() -> TraceParser.parsePacket("head=0+1\nhead=0+2"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("line 1: one packet is one line: line breaks not allowed");
        assertThatThrownBy(() -> TraceParser.parsePacket("head=0+1 frag=0+0"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("line 1: frag=0+0: a fragment's LEN must be at least 1");
    }

    @Test
    void readsThePlanFormatExample() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/trace/plan-format-example.trace")) {
            List<TracePacket> packets = TraceParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8));
            assertThat(packets).extracting(TracePacket::lineNumber).containsExactly(2, 4, 6, 8, 10, 12, 14);
            assertThat(packets)
                    .extracting(p -> p.skb().length())
                    .containsExactly(1514, 350, 4200, 4196, 9258, 4106, 3300);
        }
    }

    @Test
    void lineErrorAndTracePacketValidateTheirComponents() {
        assertThatThrownBy(() -> new LineError(0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LineError(1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LineError(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TracePacket(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TraceFormatException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
