package io.github.netbackrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Skb} is a value: equal layouts are equal with equal hashes; any field difference counts. */
class SkbEqualityTest {
    private static Skb.Builder base() {
        return Skb.builder()
                .head(2, 66)
                .frag(0, 4096)
                .foreignFrag(100, 50)
                .gso(1448, GsoType.TCPV4)
                .checksum(ChecksumState.PARTIAL);
    }

    @Test
    void equalLayoutsAreEqualWithEqualHashes() {
        Skb a = base().build();
        Skb b = base().build();
        assertThat(a).isEqualTo(b).isEqualTo(a).isNotEqualTo(null).isNotEqualTo("head=2+66");
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    @Test
    void everyFieldTakesPart() {
        Skb a = base().build();
        List<Skb> others = List.of(
                Skb.builder()
                        .head(3, 66)
                        .frag(0, 4096)
                        .foreignFrag(100, 50)
                        .gso(1448, GsoType.TCPV4)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 67)
                        .frag(0, 4096)
                        .foreignFrag(100, 50)
                        .gso(1448, GsoType.TCPV4)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 66)
                        .frag(1, 4095)
                        .foreignFrag(100, 50)
                        .gso(1448, GsoType.TCPV4)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 66)
                        .frag(0, 4096)
                        .frag(100, 50)
                        .gso(1448, GsoType.TCPV4)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 66)
                        .frag(0, 4096)
                        .foreignFrag(100, 50)
                        .gso(1449, GsoType.TCPV4)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 66)
                        .frag(0, 4096)
                        .foreignFrag(100, 50)
                        .gso(1448, GsoType.TCPV6)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 66)
                        .frag(0, 4096)
                        .foreignFrag(100, 50)
                        .checksum(ChecksumState.PARTIAL)
                        .build(),
                Skb.builder()
                        .head(2, 66)
                        .frag(0, 4096)
                        .foreignFrag(100, 50)
                        .gso(1448, GsoType.TCPV4)
                        .build(),
                Skb.builder().head(2, 66).frag(0, 4096).build());
        for (Skb o : others) {
            assertThat(a).as("%s vs %s", a, o).isNotEqualTo(o);
            assertThat(o).isNotEqualTo(a);
        }
        assertThat(others.stream().mapToInt(Skb::hashCode).distinct().count())
                .as("hashes spread over the fields")
                .isGreaterThan(others.size() / 2);
    }
}
