package io.github.netbackrx.netfront;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.xen.Domain;
import java.util.Objects;

/**
 * A packet netfront has just accepted, seen where its bytes are: in the guest's receive buffers,
 * still held by netfront while {@link NetfrontListener#accepted(PacketView)} runs (as the pages
 * belong to the skb while the stack processes it). Nothing is copied unless asked: {@link
 * #contentEquals(byte[])} compares the buffers with the expected bytes in place, and {@link
 * #toPacket()} copies the bytes once into a {@link ReceivedPacket} that may be kept.
 *
 * <p>Valid only during the call it is handed to: netfront reuses the view for the next packet and
 * releases the buffers when the call returns.
 */
public final class PacketView {
    private final Domain guest;
    private long[] frames = new long[32];
    private int[] offsets = new int[32];
    private int[] lengths = new int[32];
    private int count;
    private int length;
    private int gsoSize;
    private GsoType gsoType;
    private ChecksumState checksum;
    private int slots;

    PacketView(Domain guest) {
        this.guest = guest;
    }

    /** Forgets the previous packet. */
    void clear() {
        count = 0;
        length = 0;
    }

    /** Adds the next data slot's bytes: {@code length} bytes at {@code offset} of guest frame {@code frame}. */
    void add(long frame, int offset, int bytes) {
        if (count == frames.length) {
            frames = java.util.Arrays.copyOf(frames, count * 2);
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        frames[count] = frame;
        offsets[count] = offset;
        lengths[count] = bytes;
        count++;
        length += bytes;
    }

    void finish(int gso, GsoType type, ChecksumState state, int dataSlots) {
        this.gsoSize = gso;
        this.gsoType = type;
        this.checksum = state;
        this.slots = dataSlots;
    }

    /** @return the packet's length in bytes */
    public int length() {
        return length;
    }

    /**
     * Compares the packet's bytes with {@code expected} where they lie, slot by slot, without
     * copying them.
     *
     * @param expected bytes to compare with
     * @return whether the packet's bytes equal {@code expected}
     */
    public boolean contentEquals(byte[] expected) {
        Objects.requireNonNull(expected, "expected");
        if (expected.length != length) {
            return false;
        }
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (!guest.regionEquals(frames[i], offsets[i], expected, pos, lengths[i])) {
                return false;
            }
            pos += lengths[i];
        }
        return true;
    }

    /** @return the GSO size, 0 when the packet came without a GSO extra */
    public int gsoSize() {
        return gsoSize;
    }

    /** @return the GSO type, or {@code null} without GSO */
    public GsoType gsoType() {
        return gsoType;
    }

    /** @return the checksum state the guest stack sees (see {@link ReceivedPacket#checksum()}) */
    public ChecksumState checksum() {
        return checksum;
    }

    /** @return the data slots the packet came in */
    public int slots() {
        return slots;
    }

    /**
     * Copies the packet out of the buffers (the one copy {@code xennet_fill_frags} stands for), into
     * a packet that stays valid after the call.
     *
     * @return the packet
     */
    public ReceivedPacket toPacket() {
        byte[] data = new byte[length];
        int pos = 0;
        for (int i = 0; i < count; i++) {
            guest.read(frames[i], offsets[i], data, pos, lengths[i]);
            pos += lengths[i];
        }
        return new ReceivedPacket(data, gsoSize, gsoType, checksum, slots);
    }

    /** @return e.g. {@code PacketView[length=1514, gso=none, checksum=partial, slots=1]} */
    @Override
    public String toString() {
        return "PacketView[length=" + length + ", gso=" + (gsoType == null ? "none" : gsoType.label() + "/" + gsoSize)
                + ", checksum=" + checksum.label() + ", slots=" + slots + "]";
    }
}
