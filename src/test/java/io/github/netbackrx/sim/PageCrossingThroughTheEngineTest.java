package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Areas crossing their page through the whole path (issue 15 items 1 and 2): the pre-2010 rule
 * issues the crossing copy and Xen fails it ({@code GNTST_bad_copy_arg}), so the guest gets {@code
 * NETIF_RSP_ERROR} and drops the packet; the 2010 rule would {@code BUG()} and the engine drops
 * it as unsupported; a head in a later page of its compound page goes through under both.
 */
class PageCrossingThroughTheEngineTest {

    private static GuestRxSimulation sim(PackingPolicy policy) {
        return GuestRxSimulation.builder().vif(v -> v.policy(policy)).build();
    }

    private static byte[] bytes(Skb skb) {
        byte[] d = new byte[skb.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (i * 31 + 7);
        }
        return d;
    }

    @Test
    void everyDataSlotOfThePacketWithTheFailedCopyCarriesNetifRspError() {
        // pre-2010 net_rx_action: netbk_check_gop gives one status for the packet's ops; make_rx_response
        // writes it for the head and netbk_add_frag_responses for every fragment, so both slots say -1
        List<String> events = new ArrayList<>();
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .backend(b -> b.events(events::add))
                .vif(v -> v.policy(PackingPolicy.PER_FRAG))
                .build();
        Skb crossing = Skb.builder().head(0, 100).frag(4000, 200).frag(0, 50).build();
        sim.send(crossing, bytes(crossing));
        sim.drain();
        assertThat(events).filteredOn(e -> e.startsWith("gntcopy")).containsExactly("gntcopy ops=3");
        List<String> responses =
                events.stream().filter(e -> e.startsWith("rsp ")).toList();
        assertThat(responses).hasSize(3).allMatch(r -> r.contains(" status=-1 "), "status NETIF_RSP_ERROR");
        assertThat(sim.statistics().vif().failedCopyOps()).isEqualTo(1);
        assertThat(sim.statistics().errored()).isEqualTo(1);
    }

    @Test
    void perFragsCrossingCopyFailsAndTheGuestGetsAnError() {
        for (Skb skb : List.of(
                Skb.builder().head(0, 100).frag(4000, 200).build(),
                // a fragment in the third page of its compound page: the op names its first page
                Skb.builder().head(0, 66).frag(8192, 10).build())) {
            GuestRxSimulation sim = sim(PackingPolicy.PER_FRAG);
            Skb ok = Skb.builder().head(0, 60).build();
            sim.send(skb, bytes(skb));
            sim.send(ok, bytes(ok));
            sim.drain();
            SimulationStatistics st = sim.statistics();
            assertThat(st.errored()).as("%s", skb).isEqualTo(1);
            assertThat(st.delivered()).isEqualTo(1);
            assertThat(st.mismatched()).isZero();
            assertThat(st.vif().failedCopyOps()).isEqualTo(1);
            assertThat(st.vif().packetsErrored()).isEqualTo(1);
            assertThat(st.netfront().rejectedBy()).containsEntry(RejectReason.BAD_STATUS, 1L);
            // the guest counted every data slot of the errored packet and reads the next one whole
            List<ReceivedPacket> got = sim.takeReceived();
            assertThat(got).hasSize(1);
            assertThat(got.get(0).contentEquals(bytes(ok))).isTrue();
            assertThat(st.balanced()).isTrue();
        }
    }

    @Test
    void coalesceDropsWhatTheDriverBugsOnButTakesAHeadInTheNextPage() {
        Skb crossing = Skb.builder().head(0, 100).frag(4000, 200).build();
        Skb nextPage = Skb.builder().head(4096, 100).frag(0, 100).frag(0, 100).build();
        for (PackingPolicy policy : List.of(PackingPolicy.COALESCE, PackingPolicy.PER_FRAG)) {
            GuestRxSimulation sim = sim(policy);
            if (policy == PackingPolicy.COALESCE) {
                sim.send(crossing, bytes(crossing));
            }
            sim.send(nextPage, bytes(nextPage));
            sim.drain();
            SimulationStatistics st = sim.statistics();
            assertThat(st.delivered()).as("%s", policy).isEqualTo(1);
            assertThat(st.mismatched()).isZero();
            assertThat(st.errored()).isZero();
            assertThat(st.dropped()).isEqualTo(policy == PackingPolicy.COALESCE ? 1 : 0);
            assertThat(sim.takeReceived().get(0).contentEquals(bytes(nextPage))).isTrue();
            // offset_in_page(skb->data) + skb_headlen = 100 < PAGE_SIZE: start_xmit does not re-lay the
            // packet out (netbk_copy_skb would make one 200-byte fragment of the two: 2 ops)
            assertThat(st.vif().copyOps()).isEqualTo(3);
        }
    }
}
