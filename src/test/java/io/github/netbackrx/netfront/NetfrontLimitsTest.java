package io.github.netbackrx.netfront;

import static io.github.netbackrx.netfront.GuestKernel.CURRENT;
import static io.github.netbackrx.netfront.GuestKernel.LINUX_2010;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Invariant;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetfrontLimitsTest {

    private static RxPlan plan(int... statuses) {
        List<SlotResponse> slots = new ArrayList<>();
        for (int s = 0; s < statuses.length; s++) {
            slots.add(new DataResponse(s, 0, statuses[s], s < statuses.length - 1 ? Netif.RXF_MORE_DATA : 0));
        }
        return new RxPlan(0, statuses.length, List.of(), slots);
    }

    private static int[] slots(int n, int first) {
        int[] s = new int[n];
        java.util.Arrays.fill(s, 4096);
        s[0] = first;
        return s;
    }

    @Test
    void aTwentyTenGuestTakesEighteenDataSlotsOrNineteenWithASmallFirstSlot() {
        // xennet_get_responses of 2010: max = MAX_SKB_FRAGS (18) + (status <= RX_COPY_THRESHOLD)
        assertThat(NetfrontLimits.rejection(LINUX_2010, plan(slots(18, 4096)))).isNull();
        assertThat(NetfrontLimits.rejection(LINUX_2010, plan(slots(19, 256)))).isNull();
        assertThat(NetfrontLimits.rejection(LINUX_2010, plan(slots(19, 257))))
                .isEqualTo("19 data slots > 18 (first slot holds 257 > 256 bytes)");
        assertThat(NetfrontLimits.rejection(LINUX_2010, plan(slots(20, 0))))
                .isEqualTo("20 data slots > 19 (first slot holds 0 <= 256 bytes)");
        assertThat(NetfrontLimits.maxDataSlots(LINUX_2010, 4096)).isEqualTo(18);
        assertThat(NetfrontLimits.maxDataSlots(LINUX_2010, 256)).isEqualTo(19);
    }

    @Test
    void currentLinuxRunsOutOfFragmentsOneSlotEarlier() {
        // xennet_get_responses allows 18 / 19, but xennet_fill_frags drops the packet once nr_frags
        // reaches MAX_SKB_FRAGS (17) and pulling pull_to = min(status, 256) bytes frees no fragment
        assertThat(NetfrontLimits.rejection(CURRENT, plan(slots(17, 4096)))).isNull();
        assertThat(NetfrontLimits.rejection(CURRENT, plan(slots(18, 4096))))
                .isEqualTo("18 data slots > 17 (first slot holds 4096 > 256 bytes; xennet_fill_frags: MAX_SKB_FRAGS"
                        + " 17)");
        assertThat(NetfrontLimits.rejection(CURRENT, plan(slots(18, 256)))).isNull();
        assertThat(NetfrontLimits.rejection(CURRENT, plan(slots(19, 256))))
                .isEqualTo("19 data slots > 18 (first slot holds 256 <= 256 bytes; xennet_fill_frags: MAX_SKB_FRAGS"
                        + " 17)");
        // beyond xennet_get_responses' max, its "Too many slots" comes first
        assertThat(NetfrontLimits.rejection(CURRENT, plan(slots(19, 257))))
                .isEqualTo("19 data slots > 18 (first slot holds 257 > 256 bytes)");
        assertThat(NetfrontLimits.slotCountRejection(CURRENT, 19, 257)).isEqualTo(RejectReason.TOO_MANY_SLOTS);
        assertThat(NetfrontLimits.slotCountRejection(CURRENT, 18, 257)).isEqualTo(RejectReason.TOO_MANY_FRAGS);
        assertThat(NetfrontLimits.slotCountRejection(CURRENT, 17, 257)).isNull();
        assertThat(NetfrontLimits.maxDataSlots(CURRENT, 4096)).isEqualTo(17);
        assertThat(NetfrontLimits.maxDataSlots(CURRENT, 0)).isEqualTo(18);
    }

    @Test
    void statusesMustFitTheirPage() {
        for (GuestKernel k : GuestKernel.values()) {
            assertThat(NetfrontLimits.rejection(k, plan(10, -1))).isEqualTo("slot 1: status -1 < 0");
            assertThat(NetfrontLimits.rejection(k, plan(10, 4097))).isEqualTo("slot 1: offset 0 + status 4097 > 4096");
            RxPlan offset = new RxPlan(0, 1, List.of(), List.of(new DataResponse(0, 100, 4000, 0)));
            assertThat(NetfrontLimits.rejection(k, offset)).isEqualTo("slot 0: offset 100 + status 4000 > 4096");
        }
    }

    @Test
    void extrasAreNotCountedAndAnEmptyFirstSlotIsNoNetfrontCheck() {
        Skb.Builder b = Skb.builder().head(0, 0).gso(1448, GsoType.TCPV4);
        for (int k = 0; k < 18; k++) {
            b.frag(0, 4096);
        }
        Skb skb = b.build();
        PlanBuffer buffer = new PlanBuffer();
        RxPacker.of(PackingPolicy.PER_FRAG).plan(skb, buffer);
        assertThat(buffer.slotCount()).isEqualTo(20);
        // 19 data slots, the first empty: 2010 takes them, current Linux runs out of fragments
        assertThat(NetfrontLimits.accepts(LINUX_2010, buffer)).isTrue();
        assertThat(NetfrontLimits.accepts(CURRENT, buffer)).isFalse();
        assertThat(PlanChecker.check(skb, buffer))
                .extracting(Finding::invariant)
                .containsExactly(Invariant.FIRST_SLOT_NONEMPTY);
        // full packing: 18 data slots of 4096 bytes, too many for current Linux's 17 fragments
        RxPacker.of(PackingPolicy.FULL_PAGE).plan(skb, buffer);
        assertThat(NetfrontLimits.accepts(LINUX_2010, buffer)).isTrue();
        assertThat(NetfrontLimits.accepts(CURRENT, buffer)).isFalse();
    }

    @Test
    void theIssuesExampleCoalescesEighteenDataSlotsThatOnlyATwentyTenGuestTakes() {
        Skb.Builder b = Skb.builder().head(0, 1000);
        for (int k = 0; k < 17; k++) {
            b.frag(0, 3500);
        }
        PlanBuffer buffer = new PlanBuffer();
        RxPacker.of(PackingPolicy.COALESCE).plan(b.build(), buffer);
        assertThat(buffer.slotCount()).isEqualTo(18);
        assertThat(NetfrontLimits.accepts(LINUX_2010, buffer)).isTrue();
        assertThat(NetfrontLimits.rejection(CURRENT, buffer))
                .isEqualTo("18 data slots > 17 (first slot holds 1000 > 256 bytes; xennet_fill_frags: MAX_SKB_FRAGS"
                        + " 17)");
    }

    @Test
    void guestKernelsByLabel() {
        assertThat(GuestKernel.fromLabel("current")).isEqualTo(CURRENT);
        assertThat(GuestKernel.fromLabel("2010")).isEqualTo(LINUX_2010);
        assertThat(CURRENT.maxSkbFrags()).isEqualTo(17);
        assertThat(LINUX_2010.maxSkbFrags()).isEqualTo(18);
        assertThatThrownBy(() -> GuestKernel.fromLabel("4.0"))
                .hasMessage("unknown guest kernel '4.0' (valid: current, 2010)");
    }
}
