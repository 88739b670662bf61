package io.github.netbackrx.netfront;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A packet netfront accepted: its bytes (the data slots' bytes in order), GSO size and type, the
 * checksum state the guest stack sees, the data slots it came in, and the identity the sender gave
 * it ({@link #id()}: the ring does not carry it, so netfront leaves it unknown and a simulation that
 * knows which packet this is sets it with {@link #withId(long)}).
 */
public final class ReceivedPacket {
    /** The {@link #id()} of a packet whose sender is not known. */
    public static final long NO_ID = -1;

    private final byte[] data;
    private final int gsoSize;
    private final GsoType gsoType;
    private final ChecksumState checksum;
    private final int slots;
    private final long id;

    ReceivedPacket(byte[] data, int gsoSize, GsoType gsoType, ChecksumState checksum, int slots) {
        this(data, gsoSize, gsoType, checksum, slots, NO_ID);
    }

    private ReceivedPacket(byte[] data, int gsoSize, GsoType gsoType, ChecksumState checksum, int slots, long id) {
        this.data = data;
        this.gsoSize = gsoSize;
        this.gsoType = gsoType;
        this.checksum = checksum;
        this.slots = slots;
        this.id = id;
    }

    /**
     * @return the packet's identity as its sender numbered it (the id {@code GuestRxSimulation.send}
     *     returned), or {@link #NO_ID} when unknown
     */
    public long id() {
        return id;
    }

    /**
     * The same packet with its sender's identity (sharing the bytes, which no one can change).
     *
     * @param packetId the id the sender gave the packet, at least 0
     * @return the packet with that id
     * @throws IllegalArgumentException if {@code packetId} is negative
     */
    public ReceivedPacket withId(long packetId) {
        if (packetId < 0) {
            throw new IllegalArgumentException("withId: packet id " + packetId + " is negative");
        }
        return new ReceivedPacket(data, gsoSize, gsoType, checksum, slots, packetId);
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

    /** @return e.g. {@code ReceivedPacket[id=7, length=1514, gso=none, checksum=partial, slots=1]} (no id when unknown) */
    @Override
    public String toString() {
        return "ReceivedPacket[" + (id == NO_ID ? "" : "id=" + id + ", ") + "length=" + data.length + ", gso="
                + (gsoType == null ? "none" : gsoType.label() + "/" + gsoSize) + ", checksum=" + checksum.label()
                + ", slots=" + slots + "]";
    }
}
