package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SkbTest {

    @Test
    void buildsAllFields() {
        Skb skb = Skb.builder()
                .head(64, 100)
                .frag(0, 4096)
                .foreignFrag(4000, 96)
                .gso(1448, GsoType.TCPV6)
                .checksum(ChecksumState.PARTIAL)
                .build();
        assertThat(skb.length()).isEqualTo(100 + 4096 + 96);
        assertThat(skb.headOffset()).isEqualTo(64);
        assertThat(skb.headLength()).isEqualTo(100);
        assertThat(skb.fragCount()).isEqualTo(2);
        assertThat(skb.fragOffset(1)).isEqualTo(4000);
        assertThat(skb.fragLength(0)).isEqualTo(4096);
        assertThat(skb.fragForeign(0)).isFalse();
        assertThat(skb.fragForeign(1)).isTrue();
        assertThat(skb.hasGso()).isTrue();
        assertThat(skb.gsoSize()).isEqualTo(1448);
        assertThat(skb.gsoType()).isEqualTo(GsoType.TCPV6);
        assertThat(skb.checksum()).isEqualTo(ChecksumState.PARTIAL);
        assertThat(skb).hasToString("head=64+100 frag=0+4096 frag*=4000+96 gso=1448/tcpv6 csum=partial");
    }

    @Test
    void defaults() {
        Skb skb = Skb.builder().frag(0, 10).build();
        assertThat(skb.headOffset()).isZero();
        assertThat(skb.headLength()).isZero();
        assertThat(skb.hasGso()).isFalse();
        assertThat(skb.gsoSize()).isZero();
        assertThat(skb.gsoType()).isNull();
        assertThat(skb.checksum()).isEqualTo(ChecksumState.NONE);
    }

    @Test
    void compoundPagesAreValidPackets() {
        Skb skb = Skb.builder().head(4000, 5000).frag(8192, 100).build();
        assertThat(skb.length()).isEqualTo(5100);
    }

    @Test
    void eighteenFragmentsByDefaultAndConfigurable() {
        Skb.Builder b = Skb.builder();
        for (int i = 0; i < 18; i++) {
            b.frag(0, 1);
        }
        assertThat(b.build().fragCount()).isEqualTo(18);
        b.frag(0, 1);
        assertThatThrownBy(b::build)
                .isInstanceOf(InvalidPacketException.class)
                .hasMessage("too many fragments: 19 > maxFrags 18");
        assertThat(b.maxFrags(19).build().fragCount()).isEqualTo(19);
        assertThatThrownBy(() -> Skb.builder().head(0, 1).frag(0, 1).maxFrags(0).build())
                .hasMessage("too many fragments: 1 > maxFrags 0");
    }

    @Test
    void immutableAgainstBuilderReuse() {
        Skb.Builder b = Skb.builder().head(0, 10).frag(0, 5);
        Skb first = b.build();
        b.frag(0, 7).head(1, 1);
        assertThat(first.fragCount()).isEqualTo(1);
        assertThat(first.headLength()).isEqualTo(10);
        assertThat(first).isEqualTo(Skb.builder().head(0, 10).frag(0, 5).build());
        assertThat(first.hashCode())
                .isEqualTo(Skb.builder().head(0, 10).frag(0, 5).build().hashCode());
    }

    @Test
    void fragIndexChecked() {
        Skb skb = Skb.builder().head(0, 10).build();
        assertThatThrownBy(() -> skb.fragOffset(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> skb.fragLength(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> skb.fragForeign(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of((Supplier<Skb.Builder>) () -> Skb.builder().head(-1, 10), "head: negative offset -1"),
                Arguments.of((Supplier<Skb.Builder>) () -> Skb.builder().head(0, -5), "head: negative length -5"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(2147483000, 1000),
                        "head: offset 2147483000 + length 1000 overflows int"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).frag(-3, 10),
                        "frag0: negative offset -3"),
                Arguments.of(
                        (Supplier<Skb.Builder>)
                                () -> Skb.builder().head(0, 1).frag(0, 1).frag(0, -2),
                        "frag1: negative length -2"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () ->
                                Skb.builder().head(0, 1).frag(0, 1).frag(0, 1).frag(0, 0),
                        "frag2: zero-length fragment (length 0)"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().frag(Integer.MAX_VALUE, 1),
                        "frag0: offset 2147483647 + length 1 overflows int"),
                Arguments.of(
                        (Supplier<Skb.Builder>)
                                () -> Skb.builder().head(0, 2147483000).frag(0, 1000),
                        "packet length overflows int: 2147483000 + 1000 (frag0)"),
                Arguments.of((Supplier<Skb.Builder>) () -> Skb.builder(), "empty packet: total length 0"),
                Arguments.of((Supplier<Skb.Builder>) () -> Skb.builder().head(100, 0), "empty packet: total length 0"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).gso(0, GsoType.TCPV4),
                        "GSO size 0 outside 1..65535"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).gso(65536, GsoType.TCPV4),
                        "GSO size 65536 outside 1..65535"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).gso(-1, GsoType.TCPV6),
                        "GSO size -1 outside 1..65535"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).gso(1448, null),
                        "GSO type must not be null"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).checksum(null),
                        "checksum state must not be null"),
                Arguments.of(
                        (Supplier<Skb.Builder>) () -> Skb.builder().head(0, 1).maxFrags(-1),
                        "maxFrags: -1 is negative"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refusesInvalidPacketsNamingTheRule(Supplier<Skb.Builder> description, String message) {
        assertThatThrownBy(() -> description.get().build())
                .isInstanceOf(InvalidPacketException.class)
                .hasMessage(message);
    }

    @Test
    void gsoBoundsAccepted() {
        assertThat(Skb.builder().head(0, 1).gso(1, GsoType.TCPV4).build().gsoSize())
                .isEqualTo(1);
        assertThat(Skb.builder().head(0, 1).gso(65535, GsoType.TCPV4).build().gsoSize())
                .isEqualTo(65535);
    }
}
