package io.github.netbackrx.netfront;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 2010-era guest ({@link GuestKernel#LINUX_2010}, the 2.6.32 pvops {@code xen-netfront.c}):
 * {@code MAX_SKB_FRAGS} 18, TCPv4 segmentation offload only, no GSO checksum fix-up.
 */
class TwentyTenGuestTest {
    private final Hypervisor hv = new Hypervisor();
    private final Domain guest = hv.createDomain(1);
    private final RxRing ring = RxRing.create();
    private final EventChannel channel = hv.bindInterdomain(hv.createDomain(0), guest);
    private final List<Object> seen = new ArrayList<>();
    private final Netfront nf = new Netfront(
            guest,
            0,
            ring.attachFront(0),
            channel.second(),
            new NetfrontListener() {
                @Override
                public void received(ReceivedPacket p) {
                    seen.add(p);
                }

                @Override
                public void rejected(RejectReason r) {
                    seen.add(r);
                }
            },
            GuestKernel.LINUX_2010);
    private int prod;

    TwentyTenGuestTest() {
        nf.refill();
    }

    private void data(int status, int flags) {
        ring.writeResponse(prod, ring.requestId(prod), 0, flags, status);
        prod++;
    }

    private Object pollOne() {
        ring.setRspProd(prod);
        nf.poll();
        assertThat(seen).hasSize(1);
        return seen.remove(0);
    }

    private void chain(int n, int first) {
        for (int s = 0; s < n; s++) {
            data(s == 0 ? first : 10, s < n - 1 ? Netif.RXF_MORE_DATA : 0);
        }
    }

    @Test
    void eighteenDataSlotsOrNineteenWhenTheFirstIsSmall() {
        // xennet_get_responses: max = MAX_SKB_FRAGS + (rx->status <= RX_COPY_THRESHOLD)
        chain(18, 4096);
        assertThat(pollOne()).isInstanceOf(ReceivedPacket.class);
        chain(19, 256);
        assertThat(((ReceivedPacket) pollOne()).slots()).isEqualTo(19);
        chain(19, 257);
        assertThat(pollOne()).isEqualTo(RejectReason.TOO_MANY_SLOTS);
        assertThat(nf.kernel()).isEqualTo(GuestKernel.LINUX_2010);
    }

    @Test
    void onlyTcpv4SegmentationOffloadAndNoChecksumFixUp() {
        // xennet_set_skb_gso: "Currently only TCPv4 S.O. is supported"
        data(60, Netif.RXF_EXTRA_INFO);
        ring.writeGsoExtra(prod++, 0, 1448, Netif.GSO_TYPE_TCPV6);
        assertThat(pollOne()).isEqualTo(RejectReason.BAD_GSO);
        data(60, Netif.RXF_EXTRA_INFO | Netif.RXF_DATA_VALIDATED);
        ring.writeGsoExtra(prod++, 0, 1448, Netif.GSO_TYPE_TCPV4);
        ReceivedPacket p = (ReceivedPacket) pollOne();
        assertThat(p.gsoType()).isEqualTo(GsoType.TCPV4);
        // without csum_blank the state comes from the flags alone (no checksum_setup fix-up)
        assertThat(p.checksum()).isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(nf.statistics().gsoChecksumFixups()).isZero();
    }
}
