package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs meant to break the command line: endless lines, huge lines, control characters, a
 * directory, captures from standard input and cut by their snapshot length, floods of bad lines.
 * Each ends with a one-line reason and status 2, standard output untouched.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    @Test
    void devZeroIsOneTooLongLineNotAnEndlessRead() {
        Path zero = Path.of("/dev/zero");
        if (!Files.isReadable(zero)) {
            return; // not a Linux-like system: the 10 MB line below covers the rule
        }
        CliRun run = CliRun.of("plan", zero.toString());
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo("line 1: line longer than 4096 characters (a packet line is at most a few"
                        + " hundred); reading stops here\n");
    }

    @Test
    void aTenMegabyteLineIsRefusedByItsNumber() throws IOException {
        char[] huge = new char[10 << 20];
        Arrays.fill(huge, 'x');
        Path file = Files.writeString(dir.resolve("huge.trace"), "head=0+10\n" + new String(huge) + "\nhead=0+20\n");
        for (String command : new String[] {"plan", "compare", "simulate"}) {
            CliRun run = CliRun.of(command, file.toString());
            assertThat(run.status()).as(command).isEqualTo(ExitStatus.BAD_INPUT);
            assertThat(run.out()).as(command).isEmpty();
            assertThat(run.err()).as(command).startsWith("line 2: line longer than 4096 characters");
        }
    }

    @Test
    void echoedTokensAreCutAndTheirControlCharactersEscaped() {
        String token = "\u001b[2J\u001b]0;owned\u0007" + "y".repeat(5000);
        CliRun run = CliRun.withStdin("head=0+1 " + token.substring(0, 4000) + "\n", "plan", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.err())
                .startsWith("line 1: unknown token '\\x1b[2J\\x1b]0;owned\\x07yyy")
                .contains("...' (expected head=")
                .doesNotContain("\u001b")
                .hasSizeLessThan(200);
        CliRun number = CliRun.withStdin("head=0+1\u0000\n", "plan", "-");
        assertThat(number.err()).doesNotContain("\u0000").contains("\\x00");
    }

    @Test
    void aDirectoryOrAMissingFileIsSaidInPlainWords() {
        CliRun directory = CliRun.of("plan", dir.toString());
        assertThat(directory)
                .isEqualTo(new CliRun(
                        2, "", "netback-rx plan: cannot read '" + dir + "': it is a directory, not a file\n"));
        CliRun capture =
                CliRun.of("compare", "--capture", dir.resolve("none.pcap").toString());
        assertThat(capture.err()).endsWith(": no such file\n").doesNotContain("Exception");
    }

    @Test
    void aFloodOfBadLinesStopsAfterAHundred() {
        String trace = "bogus\n".repeat(1000);
        CliRun run = CliRun.withStdin(trace, "plan", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).hasSize(PacketSource.MAX_REPORTED + 1);
        assertThat(run.err()).endsWith("netback-rx plan: stopped reading the trace - after 100 bad lines\n");
    }

    /** A pcap file of Ethernet frames with the given captured and original lengths. */
    private static byte[] pcap(int snaplen, int[][] frames) {
        int size = 24;
        for (int[] f : frames) {
            size += 16 + f[0];
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
        b.putInt(snaplen).putInt(1);
        for (int[] f : frames) {
            b.putInt(1).putInt(0).putInt(f[0]).putInt(f[1]);
            for (int i = 0; i < f[0]; i++) {
                b.put((byte) i);
            }
        }
        return b.array();
    }

    @Test
    void captureDashReadsStandardInputAsAFileWould() throws IOException {
        byte[] capture = pcap(0, new int[][] {{60, 60}, {1514, 1514}, {300, 300}});
        Path file = Files.write(dir.resolve("three.pcap"), capture);
        for (String command : new String[] {"plan", "compare"}) {
            CliRun fromFile = CliRun.of(command, "--capture", file.toString());
            CliRun fromStdin = CliRun.withStdinBytes(capture, command, "--capture", "-");
            assertThat(fromFile.status()).isZero();
            assertThat(fromStdin).as(command).isEqualTo(fromFile);
        }
        assertThat(CliRun.withStdinBytes(capture, "plan", "--capture", "-", "--packets", "2")
                        .out())
                .contains("packet 1 len=1514")
                .doesNotContain("packet 2 ");
    }

    @Test
    void framesCutByTheSnapshotLengthAreSaid() {
        byte[] capture = pcap(128, new int[][] {{60, 60}, {128, 1514}, {128, 9000}});
        CliRun run = CliRun.withStdinBytes(capture, "plan", "--capture", "-");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("packet 1 len=128 ");
        assertThat(run.err())
                .isEqualTo("netback-rx plan: warning: 2 of 3 frames were cut by the capture's snapshot length; each"
                        + " packet is the bytes captured, not the frame on the wire\n");
    }

    @Test
    void anEmptyCaptureIsBadInputLikeAnEmptyTrace() {
        CliRun run = CliRun.withStdinBytes(pcap(0, new int[0][]), "compare", "--capture", "-");
        assertThat(run).isEqualTo(new CliRun(2, "", "netback-rx compare: the capture - holds no packet\n"));
    }

    @Test
    void aTruncatedCaptureIsItsRuleNotAnExceptionName() {
        byte[] capture = pcap(0, new int[][] {{60, 60}});
        CliRun run = CliRun.withStdinBytes(Arrays.copyOf(capture, capture.length - 10), "plan", "--capture", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("netback-rx plan: cannot read standard input: pcap record 0 at byte 24: truncated frame")
                .doesNotContain("Exception");
    }

    @Test
    void bytesThatAreNotUtf8AreSaidSo() throws IOException {
        Path file = Files.write(dir.resolve("bin.trace"), new byte[] {'h', 'e', 'a', 'd', '=', (byte) 0xC3, '\n'});
        assertThat(CliRun.of("compare", file.toString()))
                .isEqualTo(new CliRun(2, "", "netback-rx compare: cannot read '" + file + "': not UTF-8 text\n"));
    }

    @Test
    void outOfMemoryIsOneLineAndStatusThree() {
        StringWriter err = new StringWriter();
        int status = Main.outOfMemory(new PrintWriter(err), "netback-rx plan");
        assertThat(status).isEqualTo(ExitStatus.INTERNAL_ERROR);
        assertThat(err.toString())
                .matches("netback-rx plan: out of memory \\(the heap limit is \\d+ MiB; it can be raised with"
                        + " NETBACKRX_JAVA_OPTS=-Xmx\\.\\.\\.\\)\n");
    }

    @Test
    void anOutOfMemoryErrorDuringACommandIsOneLineAndStatusThree() {
        // standard input that fails as a heap would: the error travels up through picocli to Main
        java.io.InputStream failing = new java.io.InputStream() {
            @Override
            public int read() {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new String[] {"plan", "-"}, failing, new PrintWriter(out), new PrintWriter(err));
        assertThat(status).isEqualTo(ExitStatus.INTERNAL_ERROR);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("netback-rx: out of memory (the heap limit is ");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void standardInputIsReadOnceAndPlannedFromItsCopy() {
        // a trace larger than any buffer: both passes must see every line
        StringBuilder trace = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            trace.append("head=0+").append(1 + i % 1500).append('\n');
        }
        CliRun run = CliRun.withStdin(trace.toString(), "plan", "-");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("packet 19999 len=500 ").endsWith("rsp 0 0 500 -\n");
        assertThat(run.out().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(1 << 20);
    }
}
