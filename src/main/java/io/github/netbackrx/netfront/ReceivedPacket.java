package io.github.netbackrx.netfront;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A packet netfront accepted: its bytes (the data slots' bytes in order), GSO size and type, the
 * checksum state the guest stack sees, and the data slots it came in.
 */
public final class ReceivedPacket {
    private final byte[] data;
    private final int gsoSize;
    private final GsoType gsoType;
    private final ChecksumState checksum;
    private final int slots;

    ReceivedPacket(byte[] data, int gsoSize, GsoType gsoType, ChecksumState checksum, int slots) {
        this.data = data;
        this.gsoSize = gsoSize;
        this.gsoType = gsoType;
        this.checksum = checksum;
        this.slots = slots;
    }

    /** @return the packet's length in bytes */
    public int length() {
        return data.length;
    }

    /** @return a copy of the packet's bytes */
    public byte[] bytes() {
        return data.clone();
    }

    /**
     * @param expected bytes to compare with
     * @return whether the packet's bytes equal {@code expected}
     */
    public boolean contentEquals(byte[] expected) {
        return Arrays.equals(data, Objects.requireNonNull(expected, "expected"));
    }

    /** @return the GSO size, 0 when the packet came without a GSO extra */
    public int gsoSize() {
        return gsoSize;
    }

    /** @return the GSO type, or {@code null} without GSO */
    public GsoType gsoType() {
        return gsoType;
    }

    /**
     * @return {@code ip_summed}: PARTIAL for {@code csum_blank}, else UNNECESSARY for {@code
     *     data_validated}, else NONE; a GSO packet without {@code csum_blank} is PARTIAL
     */
    public ChecksumState checksum() {
        return checksum;
    }

    /** @return the data slots the packet came in */
    public int slots() {
        return slots;
    }

    /** @return e.g. {@code ReceivedPacket[length=1514, gso=none, checksum=partial, slots=1]} */
    @Override
    public String toString() {
        return "ReceivedPacket[length=" + data.length + ", gso="
                + (gsoType == null ? "none" : gsoType.label() + "/" + gsoSize) + ", checksum=" + checksum.label()
                + ", slots=" + slots + "]";
    }
}
