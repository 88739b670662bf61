package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackingPolicyTest {
    @Test
    void labelsRoundTrip() {
        assertThat(PackingPolicy.COALESCE.label()).isEqualTo("coalesce");
        assertThat(PackingPolicy.PER_FRAG.label()).isEqualTo("per-frag");
        for (PackingPolicy p : PackingPolicy.values()) {
            assertThat(PackingPolicy.fromLabel(p.label())).isSameAs(p);
        }
    }

    @Test
    void unknownLabelListsValidNames() {
        assertThatThrownBy(() -> PackingPolicy.fromLabel("linear"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown packing policy 'linear' (valid: coalesce, per-frag, coalesce-compound, full-page, freebsd)");
    }

    @Test
    void packerConfiguration() {
        RxPacker p = RxPacker.of(PackingPolicy.PER_FRAG);
        assertThat(p.policy()).isEqualTo(PackingPolicy.PER_FRAG);
        assertThat(p.maxBufferOffset()).isEqualTo(Netif.MAX_BUFFER_OFFSET);
        assertThat(p).hasToString("RxPacker[per-frag, maxBufferOffset=4096]");
        assertThatThrownBy(() -> RxPacker.builder(PackingPolicy.COALESCE).maxBufferOffset(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBufferOffset 0 outside 1..4096");
        assertThatThrownBy(() -> RxPacker.builder(PackingPolicy.COALESCE).maxBufferOffset(4097))
                .hasMessage("maxBufferOffset 4097 outside 1..4096");
        assertThatThrownBy(() -> RxPacker.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recordsAndFindings() {
        assertThat(new CopyOp(-1, 0, 0, 0, 1).sourceName()).isEqualTo("head");
        assertThat(new CopyOp(17, 0, 0, 0, 1).sourceName()).isEqualTo("frag17");
        RxPlan plan = new RxPlan(1, 1, new java.util.ArrayList<>(List.of(new CopyOp(-1, 0, 0, 0, 1))), List.of());
        assertThatThrownBy(() -> plan.ops().add(new CopyOp(0, 0, 0, 0, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Finding(null, "x")).isInstanceOf(NullPointerException.class);
    }
}
