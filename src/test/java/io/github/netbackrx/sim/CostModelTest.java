package io.github.netbackrx.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.netbackrx.core.AllocationMeter;
import io.github.netbackrx.sim.CostModel.Parameter;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The cost model as a value: its defaults, its arithmetic, its checks, no allocation. */
class CostModelTest {

    private static final Map<Parameter, Double> CONSTANTS = new EnumMap<>(Map.of(
            Parameter.PER_ACTION, CostModel.DEFAULT_PER_ACTION,
            Parameter.PER_HYPERCALL, CostModel.DEFAULT_PER_HYPERCALL,
            Parameter.PER_COPY_OP, CostModel.DEFAULT_PER_COPY_OP,
            Parameter.PER_BYTE, CostModel.DEFAULT_PER_BYTE,
            Parameter.PER_RESPONSE, CostModel.DEFAULT_PER_RESPONSE,
            Parameter.PER_NOTIFICATION, CostModel.DEFAULT_PER_NOTIFICATION,
            Parameter.GUEST_PER_SLOT, CostModel.DEFAULT_GUEST_PER_SLOT,
            Parameter.GUEST_PER_PACKET, CostModel.DEFAULT_GUEST_PER_PACKET,
            Parameter.GUEST_PER_INTERRUPT, CostModel.DEFAULT_GUEST_PER_INTERRUPT,
            Parameter.EVENT_CHANNEL_LATENCY, CostModel.DEFAULT_EVENT_CHANNEL_LATENCY));

    /** A model whose parameter k is the k-th prime: every product is distinguishable. */
    private static CostModel primes() {
        double[] primes = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29};
        CostModel.Builder b = CostModel.builder();
        for (Parameter p : Parameter.values()) {
            b.set(p, primes[p.ordinal()]);
        }
        return b.build();
    }

    @Test
    void theDefaultsAreTheDocumentedConstants() {
        for (Parameter p : Parameter.values()) {
            assertThat(CostModel.DEFAULTS.get(p)).as(p.label()).isEqualTo(CONSTANTS.get(p));
        }
        assertThat(CostModel.builder().build()).isEqualTo(CostModel.DEFAULTS);
    }

    @Test
    void gettersAndGetAgree() {
        CostModel m = primes();
        assertThat(new double[] {
                    m.perAction(),
                    m.perHypercall(),
                    m.perCopyOp(),
                    m.perByte(),
                    m.perResponse(),
                    m.perNotification(),
                    m.guestPerSlot(),
                    m.guestPerPacket(),
                    m.guestPerInterrupt(),
                    m.eventChannelLatency()
                })
                .containsExactly(2, 3, 5, 7, 11, 13, 17, 19, 23, 29);
        for (Parameter p : Parameter.values()) {
            assertThat(CostModel.builder().set(p, 42).build().get(p)).isEqualTo(42);
        }
    }

    @Test
    void theNamedSettersSetTheirOwnParameter() {
        CostModel m = CostModel.builder()
                .perAction(1)
                .perHypercall(2)
                .perCopyOp(3)
                .perByte(4)
                .perResponse(5)
                .perNotification(6)
                .guestPerSlot(7)
                .guestPerPacket(8)
                .guestPerInterrupt(9)
                .eventChannelLatency(10)
                .build();
        for (Parameter p : Parameter.values()) {
            assertThat(m.get(p)).as(p.label()).isEqualTo(p.ordinal() + 1);
        }
    }

    @Test
    void backendTimeIsEachCountTimesItsCost() {
        CostModel m = primes();
        assertThat(m.backendNanos(1, 10, 100, 1000, 10000, 100000)).isEqualTo(2 + 30 + 500 + 7000 + 110000 + 1300000);
        assertThat(m.backendNanos(0, 0, 0, 0, 0, 0)).isZero();
        assertThat(m.guestNanos(1, 10, 100)).isEqualTo(17 + 190 + 2300);
        assertThat(m.guestNanos(0, 0, 0)).isZero();
    }

    @Test
    void fractionalCostsAreKept() {
        CostModel m = CostModel.builder().perByte(0.25).perCopyOp(0).build();
        assertThat(m.backendNanos(0, 0, 7, 65536, 0, 0)).isEqualTo(16384.0);
    }

    @Test
    void negativeCountsAreRefusedByName() {
        CostModel m = CostModel.DEFAULTS;
        assertThatThrownBy(() -> m.backendNanos(1, 1, 1, -5, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bytes: -5 is negative (a count of events)");
        assertThatThrownBy(() -> m.backendNanos(-1, 0, 0, 0, 0, 0)).hasMessageStartingWith("actions: -1");
        assertThatThrownBy(() -> m.backendNanos(0, 0, 0, 0, 0, -2)).hasMessageStartingWith("notifications: -2");
        assertThatThrownBy(() -> m.guestNanos(0, 0, -3)).hasMessageStartingWith("interrupts: -3");
        assertThatThrownBy(() -> m.guestNanos(-1, 0, 0)).hasMessageStartingWith("slots: -1");
    }

    @ParameterizedTest
    @EnumSource(Parameter.class)
    void everyParameterMustBeFiniteAndNotNegative(Parameter p) {
        assertThatThrownBy(() -> CostModel.builder().set(p, Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(p.label() + ": NaN is not a finite number of nanoseconds");
        assertThatThrownBy(() ->
                        CostModel.builder().set(p, Double.POSITIVE_INFINITY).build())
                .hasMessage(p.label() + ": Infinity is not a finite number of nanoseconds");
        assertThatThrownBy(() -> CostModel.DEFAULTS.with(p, -0.5))
                .hasMessage(p.label() + ": -0.5 ns is negative (a cost cannot be negative)");
        assertThat(CostModel.DEFAULTS.with(p, 0).get(p)).isZero();
    }

    @Test
    void withChangesOneParameterAndLeavesTheOriginal() {
        CostModel m = CostModel.DEFAULTS.with(Parameter.PER_BYTE, 0.5);
        assertThat(m.perByte()).isEqualTo(0.5);
        assertThat(CostModel.DEFAULTS.perByte()).isEqualTo(CostModel.DEFAULT_PER_BYTE);
        for (Parameter p : Parameter.values()) {
            if (p != Parameter.PER_BYTE) {
                assertThat(m.get(p)).isEqualTo(CostModel.DEFAULTS.get(p));
            }
        }
        CostModel.Builder b = m.toBuilder();
        CostModel first = b.build();
        b.perByte(9);
        assertThat(first.perByte())
                .as("a built model does not share the builder's values")
                .isEqualTo(0.5);
    }

    @Test
    void equalityIsByValue() {
        assertThat(primes()).isEqualTo(primes()).hasSameHashCodeAs(primes());
        assertThat(primes()).isNotEqualTo(primes().with(Parameter.EVENT_CHANNEL_LATENCY, 30));
        assertThat(primes()).isNotEqualTo("primes");
        assertThat(CostModel.DEFAULTS.toString())
                .startsWith("CostModel[perAction=1000 ns, perHypercall=870 ns, perCopyOp=817 ns, perByte=1.1 ns,")
                .endsWith("eventChannelLatency=1000 ns]");
    }

    @Test
    void parametersAreFoundByLabel() {
        for (Parameter p : Parameter.values()) {
            assertThat(Parameter.fromLabel(p.label())).isSameAs(p);
        }
        assertThatThrownBy(() -> Parameter.fromLabel("perFoo"))
                .hasMessageStartingWith("unknown cost parameter 'perFoo' (valid: perAction, perHypercall,")
                .hasMessageEndingWith("eventChannelLatency)");
    }

    @Test
    void pricingAllocatesNothing() throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        CostModel m = CostModel.DEFAULTS;
        double sum = 0;
        for (int i = 0; i < 20_000; i++) { // warm-up
            sum += m.backendNanos(1, i & 3, i & 63, i, i & 255, 1) + m.guestNanos(i & 17, 1, i & 1);
        }
        long before = meter.bytes();
        for (int i = 0; i < 200_000; i++) {
            sum += m.backendNanos(1, i & 3, i & 63, i, i & 255, 1) + m.guestNanos(i & 17, 1, i & 1);
        }
        long allocated = meter.bytes() - before;
        assertThat(sum).isPositive();
        assertThat(allocated).as("bytes allocated by 200,000 pricings").isLessThan(1024);
    }

    @Test
    void formatKeepsUpToFourDecimals() {
        assertThat(CostModel.format(817)).isEqualTo("817");
        assertThat(CostModel.format(1.105)).isEqualTo("1.105");
        assertThat(CostModel.format(0.123456)).isEqualTo("0.1235");
        assertThat(CostModel.format(0)).isEqualTo("0");
        assertThat(1.1).isCloseTo(Double.parseDouble(CostModel.format(1.1)), within(0.0));
    }
}
