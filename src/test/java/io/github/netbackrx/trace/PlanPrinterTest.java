package io.github.netbackrx.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.ExtraResponse;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlanPrinterTest {

    private static final Skb GSO_PACKET = Skb.builder()
            .head(2, 66)
            .frag(0, 4096)
            .gso(1448, GsoType.TCPV6)
            .checksum(ChecksumState.PARTIAL)
            .build();

    @Test
    void printsEachLineKindExactly() {
        RxPlan plan = new RxPlan(
                4162,
                3,
                List.of(new CopyOp(-1, 2, 0, 0, 66), new CopyOp(0, 0, 0, 66, 4030), new CopyOp(0, 4030, 2, 0, 66)),
                List.of(
                        new DataResponse(
                                0,
                                0,
                                4096,
                                Netif.RXF_CSUM_BLANK
                                        | Netif.RXF_DATA_VALIDATED
                                        | Netif.RXF_MORE_DATA
                                        | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1448, GsoType.TCPV6),
                        new DataResponse(2, 0, 66, 0)));
        assertThat(PlanPrinter.format(12, GSO_PACKET, plan))
                .isEqualTo("packet 12 len=4162 estimate=3 slots=3\n"
                        + "copy head 2 0 0 66\n"
                        + "copy frag0 0 0 66 4030\n"
                        + "copy frag0 4030 2 0 66\n"
                        + "rsp 0 0 4096 data_validated,csum_blank,more_data,extra_info\n"
                        + "extra 1 gso 1448 tcpv6\n"
                        + "rsp 2 0 66 -\n");
    }

    @Test
    void printsAPlanAsItIsEvenWhenItIsWrong() {
        Skb skb = Skb.builder().head(0, 10).build();
        RxPlan broken =
                new RxPlan(10, 0, List.of(new CopyOp(-1, 0, 0, 0, 0)), List.of(new DataResponse(0, 7, -1, 0x10)));
        assertThat(PlanPrinter.format(0, skb, broken))
                .isEqualTo("packet 0 len=10 estimate=0 slots=1\ncopy head 0 0 0 0\nprefix 0 7 -1 gso_prefix\n");
    }

    @Test
    void printAppendsTheSameText() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(GSO_PACKET);
        StringBuilder sb = new StringBuilder("before\n");
        PlanPrinter.print(3, GSO_PACKET, plan, sb);
        assertThat(sb.toString()).isEqualTo("before\n" + PlanPrinter.format(3, GSO_PACKET, plan));
    }

    @Test
    void refusesMismatchedArgumentsAndUnspellableExtras() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(GSO_PACKET);
        Skb other = Skb.builder().head(0, 1).build();
        assertThatThrownBy(() -> PlanPrinter.format(0, other, plan))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plan is for a 4162-byte packet, but the packet has 1 bytes");
        assertThatThrownBy(() -> PlanPrinter.format(-1, GSO_PACKET, plan))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("packet index must be non-negative, was -1");
        RxPlan mcast = new RxPlan(
                1,
                2,
                List.of(new CopyOp(-1, 0, 0, 0, 1)),
                List.of(
                        new DataResponse(0, 0, 1, Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_MCAST_ADD, 0, 0, null)));
        assertThatThrownBy(() -> PlanPrinter.format(0, other, mcast))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot 1: extra-info type 2 has no spelling in the plan output (only gso and hash)");
    }

    @Test
    void aFailingAppendableIsReportedUnchecked() {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(GSO_PACKET);
        Writer failing = new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        assertThatThrownBy(() -> PlanPrinter.print(0, GSO_PACKET, plan, failing))
                .isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("disk full");
        PlanBuffer buffer = new PlanBuffer();
        RxPacker.of(PackingPolicy.COALESCE).plan(GSO_PACKET, buffer);
        assertThatThrownBy(() -> PlanPrinter.print(0, buffer, failing)).isInstanceOf(UncheckedIOException.class);
    }

    static LongStream seeds() {
        return LongStream.range(0, 4);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void bufferAndRecordPrintingAgreeOnRandomPackets(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = Integer.getInteger("netbackrx.randomCount", 20_000) / 20;
        PlanBuffer buffer = new PlanBuffer();
        StringBuilder fromBuffer = new StringBuilder();
        for (int n = 0; n < count; n++) {
            Skb.Builder b = Skb.builder();
            int frags = random.nextInt(19);
            int headOffset = random.nextInt(4096);
            b.head(headOffset, random.nextInt(4097 - headOffset));
            for (int k = 0; k < frags; k++) {
                int offset = random.nextBoolean() ? 0 : random.nextInt(4096);
                b.frag(offset, 1 + random.nextInt(4096 - offset));
            }
            if (frags == 0) {
                b.frag(0, 1 + random.nextInt(4096));
            }
            if (random.nextBoolean()) {
                b.gso(1 + random.nextInt(65535), random.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6);
            }
            b.checksum(ChecksumState.values()[random.nextInt(3)]);
            Skb skb = b.build();
            for (PackingPolicy policy : PackingPolicy.values()) {
                RxPacker packer = RxPacker.of(policy);
                packer.plan(skb, buffer);
                fromBuffer.setLength(0);
                PlanPrinter.print(n, buffer, fromBuffer);
                assertThat(fromBuffer.toString()).isEqualTo(PlanPrinter.format(n, skb, packer.plan(skb)));
            }
        }
    }
}
