package io.github.netbackrx.netfront;

import static org.assertj.core.api.Assertions.assertThat;

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
    void eighteenDataSlotsOrNineteenWithASmallFirstSlot() {
        assertThat(NetfrontLimits.rejection(plan(slots(18, 4096)))).isNull();
        assertThat(NetfrontLimits.rejection(plan(slots(19, 256)))).isNull();
        assertThat(NetfrontLimits.rejection(plan(slots(19, 257))))
                .isEqualTo("19 data slots > 18 (first slot holds 257 > 256 bytes)");
        assertThat(NetfrontLimits.rejection(plan(slots(20, 0))))
                .isEqualTo("20 data slots > 19 (first slot holds 0 <= 256 bytes)");
    }

    @Test
    void statusesMustFitTheirPage() {
        assertThat(NetfrontLimits.rejection(plan(10, -1))).isEqualTo("slot 1: status -1 < 0");
        assertThat(NetfrontLimits.rejection(plan(10, 4097))).isEqualTo("slot 1: offset 0 + status 4097 > 4096");
        RxPlan offset = new RxPlan(0, 1, List.of(), List.of(new DataResponse(0, 100, 4000, 0)));
        assertThat(NetfrontLimits.rejection(offset)).isEqualTo("slot 0: offset 100 + status 4000 > 4096");
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
        assertThat(NetfrontLimits.accepts(buffer)).isTrue();
        assertThat(PlanChecker.check(skb, buffer))
                .extracting(Finding::invariant)
                .containsExactly(Invariant.FIRST_SLOT_NONEMPTY);
        RxPacker.of(PackingPolicy.FULL_PAGE).plan(skb, buffer);
        assertThat(NetfrontLimits.accepts(buffer)).isTrue();
    }
}
