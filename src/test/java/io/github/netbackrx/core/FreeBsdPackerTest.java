package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreeBsdPackerTest extends PackerContractTest {
    @Override
    PackingPolicy policy() {
        return PackingPolicy.FREEBSD;
    }

    /** {@code xnb_pkt.size}: the packet's length in 16 bits. */
    static int size16(Skb skb) {
        return skb.length() & 0xFFFF;
    }

    /**
     * An op per piece that crosses a source frame; and for a packet of 65536 bytes or more, whose
     * 16-bit size wrapped: the statuses sum to the wrapped size, every area the walk stops in (or
     * never reaches) is copied short, and a wrapped size of 0 leaves no first data byte.
     */
    @Override
    List<Invariant> expectedFindings(Skb skb) {
        int size = size16(skb);
        List<Invariant> out = new ArrayList<>();
        if (size != skb.length()) {
            out.add(Invariant.LENGTH_SUM);
        }
        out.addAll(Collections.nCopies(RandomPackets.piecesCrossingAFrame(skb, size), Invariant.SOURCE_WITHIN_FRAME));
        if (size == 0) {
            out.add(Invariant.FIRST_SLOT_NONEMPTY);
        }
        long position = 0;
        for (int a = -1; a < skb.fragCount(); a++) {
            int length = a < 0 ? skb.headLength() : skb.fragLength(a);
            if (length > 0 && position + length > size) {
                out.add(Invariant.SOURCE_COVERAGE);
            }
            position += length;
        }
        return out;
    }

    @Override
    byte[] expectedBytes(Skb skb) {
        return Arrays.copyOf(RandomPackets.packetBytes(skb), size16(skb));
    }

    /** {@code csum_blank|data_validated} together, for TSO or {@code CSUM_DELAY_DATA} (partial) only. */
    @Override
    int expectedChecksumFlags(Skb skb) {
        return skb.hasGso() || skb.checksum() == ChecksumState.PARTIAL
                ? Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED
                : 0;
    }

    @Override
    void assertPolicySpecific(Skb skb, RxPlan plan) {
        int dataSlots = (size16(skb) + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE;
        assertThat(plan.slotCount())
                .isEqualTo(
                        dataSlots == 0 && !skb.hasGso()
                                ? 0
                                : Math.max(dataSlots, 1) + (skb.hasGso() && dataSlots > 0 ? 1 : 0));
        assertThat(plan.estimate()).isEqualTo(dataSlots + (skb.hasGso() ? 1 : 0));
        for (int i = 0; i < plan.ops().size(); i++) {
            CopyOp op = plan.ops().get(i);
            boolean emptyHead = i == 0 && op.source() == CopyOp.HEAD && skb.headLength() == 0;
            assertThat(op.length())
                    .as("only an empty first mbuf gives an empty op")
                    .isEqualTo(emptyHead ? 0 : op.length());
            if (!emptyHead) {
                assertThat(op.length()).isPositive();
            }
        }
    }

    @Test
    void opsCrossSourceFramesWhereSlotsDoNotEnd() {
        Skb skb = Skb.builder().head(0, 100).frag(2048, 8192).build();
        RxPlan plan = packer().plan(skb);
        assertThat(plan.ops())
                .containsExactly(
                        new CopyOp(-1, 0, 0, 0, 100),
                        new CopyOp(0, 2048, 0, 100, 3996),
                        new CopyOp(0, 6044, 1, 0, 4096),
                        new CopyOp(0, 10140, 2, 0, 100));
        assertThat(PlanChecker.check(skb, plan))
                .containsExactly(
                        new Finding(
                                Invariant.SOURCE_WITHIN_FRAME,
                                "op 1 (frag0) reads offset 2048 + length 3996 across 4096-byte frames 0 and 1"),
                        new Finding(
                                Invariant.SOURCE_WITHIN_FRAME,
                                "op 2 (frag0) reads offset 6044 + length 4096 across 4096-byte frames 1 and 2"));
    }

    @Test
    void anEmptyFirstMbufStillGetsItsZeroLengthEntry() {
        // xnb_rxpkt2gnttab: space = MIN(PAGE_SIZE - r_ofs, m_len - m_ofs) = 0 for an empty mbuf
        RxPlan plan = packer().plan(Skb.builder()
                .head(66, 0)
                .frag(0, 10)
                .gso(1448, GsoType.TCPV6)
                .build());
        assertThat(plan.ops()).containsExactly(new CopyOp(-1, 66, 0, 0, 0), new CopyOp(0, 0, 0, 0, 10));
        assertThat(plan.slots())
                .containsExactly(
                        new DataResponse(
                                0, 0, 10, Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED | Netif.RXF_EXTRA_INFO),
                        new ExtraResponse(1, Netif.EXTRA_TYPE_GSO, 0, 1448, GsoType.TCPV6));
    }

    @Test
    void checksumFlagsAreBothOrNone() {
        // xnb_mbufc2pkt sets csum_blank|data_validated for CSUM_TSO or CSUM_DELAY_DATA, nothing else
        RxPacker packer = packer();
        assertThat(packer.plan(Skb.builder()
                                .head(0, 1)
                                .checksum(ChecksumState.UNNECESSARY)
                                .build())
                        .slots())
                .containsExactly(new DataResponse(0, 0, 1, 0));
        assertThat(packer.plan(Skb.builder()
                                .head(0, 1)
                                .checksum(ChecksumState.PARTIAL)
                                .build())
                        .slots())
                .containsExactly(new DataResponse(0, 0, 1, Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED));
        // a TSO packet gets both whatever its checksum state
        Skb tso = Skb.builder()
                .head(0, 1000)
                .frag(0, 3000)
                .gso(1448, GsoType.TCPV4)
                .build();
        assertThat(((DataResponse) packer.plan(tso).slots().get(0)).flags())
                .isEqualTo(Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED | Netif.RXF_EXTRA_INFO);
        // a GSO type the frontend did not negotiate goes as a plain packet (no CSUM_TSO)
        RxPacker none = RxPacker.builder(PackingPolicy.FREEBSD)
                .features(FrontendFeatures.DEFAULT.withGsoMask(0))
                .build();
        assertThat(none.plan(tso).slots()).containsExactly(new DataResponse(0, 0, 4000, 0));
    }

    @Test
    void aPacketOf65536BytesVanishesInTheSixteenBitSize() {
        Skb skb = Skb.builder().head(0, 1).frag(0, 65535).build();
        PlanBuffer b = new PlanBuffer();
        packer().plan(skb, b);
        assertThat(b.estimate()).isZero();
        assertThat(b.slotCount()).isZero();
        assertThat(b.opCount()).isZero();
        assertThat(PlanChecker.check(skb, b).stream().map(Finding::describe))
                .containsExactly(
                        "length-sum: data statuses sum to 0, packet length 65536",
                        "first-slot-nonempty: slot 0 is not a data slot in a 65536-byte packet",
                        "source-coverage: head: ops copy 0 of its 1 bytes",
                        "source-coverage: frag0: ops copy 0 of its 65535 bytes");
        // one byte more: the 16-bit size is 1, and the guest gets the first byte only
        RxPlan one = packer().plan(Skb.builder().head(0, 1).frag(0, 65536).build());
        assertThat(one.ops()).containsExactly(new CopyOp(-1, 0, 0, 0, 1));
        assertThat(one.slots()).containsExactly(new DataResponse(0, 0, 1, 0));
        // with TSO, only slot 0's response is written (extra_info, no extra) on one request
        RxPlan tso = packer().plan(Skb.builder()
                .head(0, 1)
                .frag(0, 65535)
                .gso(1448, GsoType.TCPV4)
                .build());
        assertThat(tso.estimate()).isEqualTo(1);
        assertThat(tso.ops()).isEmpty();
        assertThat(tso.slots())
                .containsExactly(new DataResponse(
                        0, 0, 0, Netif.RXF_CSUM_BLANK | Netif.RXF_DATA_VALIDATED | Netif.RXF_EXTRA_INFO));
    }
}
