package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceReaderTest {

    /** Every item of a reader: the packet's line number and length, or the error as text. */
    private static List<String> items(Reader in) throws IOException {
        List<String> items = new ArrayList<>();
        try (TraceReader r = new TraceReader(in)) {
            while (r.next()) {
                items.add(
                        r.packet() != null
                                ? r.packet().lineNumber() + ":"
                                        + r.packet().skb().length()
                                : r.error().toString());
            }
        }
        return items;
    }

    /** A reader that hands out at most {@code chunk} characters per read, so lines straddle reads. */
    private static Reader chunked(String text, int chunk) {
        return new StringReader(text) {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, chunk));
            }
        };
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void linesEndAsStringLinesSaysWhateverTheReadSizes(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] ends = {"\n", "\r\n", "\r"};
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        int count = 3000;
        for (int i = 1; i <= count; i++) {
            int kind = rnd.nextInt(10);
            if (kind == 0) {
                text.append("# a comment ").append("x".repeat(rnd.nextInt(200)));
            } else if (kind == 1) {
                text.append("   ");
            } else if (kind == 2) {
                text.append("head=0+0");
                expected.add("line " + i + ": empty packet: total length 0");
            } else {
                int len = 1 + rnd.nextInt(1500);
                text.append("head=").append(rnd.nextInt(2000)).append('+').append(len);
                expected.add(i + ":" + len);
            }
            if (i < count || rnd.nextBoolean()) {
                text.append(ends[rnd.nextInt(ends.length)]);
            }
        }
        assertThat(text.toString().lines()).hasSize(count);
        assertThat(items(new StringReader(text.toString()))).isEqualTo(expected);
        assertThat(items(chunked(text.toString(), 1 + rnd.nextInt(97)))).isEqualTo(expected);
    }

    @Test
    void aLineOfTheLimitIsReadOneLongerStopsTheReading() throws IOException {
        String limit = "#" + "x".repeat(TraceReader.MAX_LINE_LENGTH - 1);
        assertThat(items(new StringReader(limit + "\nhead=0+5\n"))).containsExactly("2:5");
        String text = "head=0+1\n" + limit + "y\nhead=0+5\n";
        try (TraceReader r = new TraceReader(chunked(text, 1000))) {
            assertThat(r.next()).isTrue();
            assertThat(r.packet().lineNumber()).isEqualTo(1);
            assertThat(r.stopped()).isFalse();
            assertThat(r.next()).isTrue();
            assertThat(r.packet()).isNull();
            assertThat(r.error().lineNumber()).isEqualTo(2);
            assertThat(r.error().reason()).startsWith("line longer than 4096 characters");
            assertThat(r.stopped()).isTrue();
            assertThat(r.next()).isFalse();
            assertThat(r.error()).isNull();
        }
    }

    @Test
    void anEndlessLineIsRefusedAfterTheLimitNotReadToItsEnd() throws IOException {
        long[] read = {0};
        Reader endless = new Reader() {
            @Override
            public int read(char[] buf, int off, int len) {
                java.util.Arrays.fill(buf, off, off + len, '0');
                read[0] += len;
                return len;
            }

            @Override
            public void close() {}
        };
        assertThat(items(endless)).hasSize(1).first().asString().startsWith("line 1: line longer than");
        assertThat(read[0]).isLessThan(1 << 20);
    }
}
