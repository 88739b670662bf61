package io.github.netbackrx.trace;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Skb;
import java.util.Objects;

/**
 * Writes a packet back as one trace line, the inverse of {@link TraceParser}: {@code
 * TraceParser.parsePacket(TraceWriter.toLine(skb))} gives a packet equal in every field the format
 * carries.
 *
 * <p>The spelling is canonical: {@code head=OFF+LEN}, then each {@code frag=OFF+LEN} in order, then
 * {@code gso=SIZE} ({@code /tcpv6} appended only for that type, {@code tcpv4} being the default),
 * then {@code csum=STATE} unless the state is {@code none}, then {@code hash=VALUE/TYPE} when the
 * packet has a hash ({@code VALUE} unsigned decimal); tokens are separated by one space. The
 * format has no token for a foreign page, so a foreign fragment is written as a plain {@code frag=}.
 */
public final class TraceWriter {

    private TraceWriter() {}

    /**
     * Spells a packet as a trace line.
     *
     * @param skb the packet
     * @return the line, without a line terminator
     */
    public static String toLine(Skb skb) {
        Objects.requireNonNull(skb, "skb");
        StringBuilder sb = new StringBuilder(32 + 16 * skb.fragCount());
        sb.append("head=").append(skb.headOffset()).append('+').append(skb.headLength());
        for (int k = 0; k < skb.fragCount(); k++) {
            sb.append(" frag=").append(skb.fragOffset(k)).append('+').append(skb.fragLength(k));
        }
        if (skb.hasGso()) {
            sb.append(" gso=").append(skb.gsoSize());
            if (skb.gsoType() != GsoType.TCPV4) {
                sb.append('/').append(skb.gsoType().label());
            }
        }
        if (skb.checksum() != ChecksumState.NONE) {
            sb.append(" csum=").append(skb.checksum().label());
        }
        if (skb.hasHash()) {
            sb.append(" hash=")
                    .append(Integer.toUnsignedString(skb.hashValue()))
                    .append('/')
                    .append(skb.hashType().label());
        }
        return sb.toString();
    }
}
