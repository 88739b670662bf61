package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Skb;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TraceWriterTest {

    @Test
    void writesTheCanonicalSpelling() {
        Skb skb = Skb.builder()
                .head(2, 66)
                .frag(0, 4096)
                .foreignFrag(100, 50)
                .gso(1448, GsoType.TCPV4)
                .checksum(ChecksumState.PARTIAL)
                .build();
        assertThat(TraceWriter.toLine(skb)).isEqualTo("head=2+66 frag=0+4096 frag=100+50 gso=1448 csum=partial");
        Skb v6 =
                Skb.builder().head(128, 0).frag(0, 300).gso(1220, GsoType.TCPV6).build();
        assertThat(TraceWriter.toLine(v6)).isEqualTo("head=128+0 frag=0+300 gso=1220/tcpv6");
    }

    @Test
    void everyLineOfThePlanFormatExampleComesBackUnchanged() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/trace/plan-format-example.trace")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (TracePacket packet : TraceParser.parse(new java.io.StringReader(text))) {
                String line =
                        text.lines().skip(packet.lineNumber() - 1L).findFirst().orElseThrow();
                assertThat(TraceWriter.toLine(packet.skb())).isEqualTo(line);
            }
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 4);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomPacketsRoundTrip(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int count = Integer.getInteger("netbackrx.randomCount", 20_000) / 4;
        for (int n = 0; n < count; n++) {
            Skb.Builder b = Skb.builder();
            int frags = random.nextInt(19);
            b.head(random.nextInt(9000), frags == 0 ? 1 + random.nextInt(9000) : random.nextInt(9000));
            for (int k = 0; k < frags; k++) {
                b.frag(random.nextInt(8192), 1 + random.nextInt(random.nextBoolean() ? 4096 : 70_000));
            }
            if (random.nextBoolean()) {
                b.gso(1 + random.nextInt(65535), random.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
            }
            b.checksum(ChecksumState.values()[random.nextInt(3)]);
            Skb skb = b.build();
            String line = TraceWriter.toLine(skb);
            assertThat(TraceParser.parsePacket(line)).as(line).isEqualTo(skb);
        }
    }
}
