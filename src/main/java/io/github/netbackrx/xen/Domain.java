package io.github.netbackrx.xen;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Xen domain as the RX path sees it: a domain id ({@code domid_t}, u16), frames of 4096 real
 * bytes named by frame number ({@code gmfn}, allocated 0, 1, 2, ...), a {@link GrantTable}, and
 * the event-channel ports it has bound. Created by {@link Hypervisor#createDomain(int, int)}.
 *
 * <p>Memory is real bytes so that data can be checked end to end: what a back end copies with
 * {@code GNTTABOP_copy} is what the guest reads back here.
 *
 * <p>A frame reads as zero wherever it was not written since it was allocated. A reused frame is
 * not cleared when it is handed out: the domain remembers the range its last owner wrote (the
 * frame's <em>junk</em>) and clears it lazily — the part a write does not cover when the frame is
 * first written, or the whole junk when it is first read — so a frame whose new owner overwrites
 * what the old one wrote (a packet's bytes placed where the previous packet's were, a receive
 * buffer filled by the next copy) is never cleared at all.
 */
public final class Domain {
    /** The size of every frame: 4096 bytes. */
    public static final int FRAME_SIZE = 4096;

    private final int domid;
    private final GrantTable grantTable;
    private byte[][] frames = new byte[8][];
    private boolean[] freed = new boolean[8];
    private int[] freeList = new int[8];
    /** Per frame: bytes that may be non-zero though not written since the frame was allocated, [lo, hi). */
    private int[] junkLo = new int[8];

    private int[] junkHi = new int[8];
    /** Per frame: the hull of the bytes written since it was allocated, [lo, hi). */
    private int[] dirtyLo = new int[8];

    private int[] dirtyHi = new int[8];
    private int freeCount;
    private int frameCount;
    private int nextPort = 1;

    Domain(int domid, int nrGrantEntries) {
        this.domid = domid;
        this.grantTable = new GrantTable(domid, nrGrantEntries);
    }

    /** @return the domain id */
    public int domid() {
        return domid;
    }

    /** @return the domain's grant table */
    public GrantTable grantTable() {
        return grantTable;
    }

    /**
     * @return the number of frame numbers ever handed out; valid frame numbers are 0 ..
     *     frameCount-1 minus those freed and not yet reused
     */
    public int frameCount() {
        return frameCount;
    }

    /** @return the number of frames currently owned (allocated and not freed) */
    public int liveFrames() {
        return frameCount - freeCount;
    }

    /**
     * Allocates a zeroed frame. A frame freed by {@link #freeFrame} is reused first (the most
     * recently freed one), so memory stays bounded when frames are recycled.
     *
     * @return its frame number
     */
    public long allocateFrame() {
        if (freeCount > 0) {
            int gmfn = freeList[--freeCount];
            freed[gmfn] = false;
            // not cleared here: what the last owner wrote becomes junk, cleared when first touched
            if (dirtyLo[gmfn] < dirtyHi[gmfn]) {
                if (junkLo[gmfn] < junkHi[gmfn]) {
                    junkLo[gmfn] = Math.min(junkLo[gmfn], dirtyLo[gmfn]);
                    junkHi[gmfn] = Math.max(junkHi[gmfn], dirtyHi[gmfn]);
                } else {
                    junkLo[gmfn] = dirtyLo[gmfn];
                    junkHi[gmfn] = dirtyHi[gmfn];
                }
                dirtyLo[gmfn] = 0;
                dirtyHi[gmfn] = 0;
            }
            return gmfn;
        }
        if (frameCount == frames.length) {
            int n = frames.length * 2;
            frames = Arrays.copyOf(frames, n);
            freed = Arrays.copyOf(freed, n);
            freeList = Arrays.copyOf(freeList, n);
            junkLo = Arrays.copyOf(junkLo, n);
            junkHi = Arrays.copyOf(junkHi, n);
            dirtyLo = Arrays.copyOf(dirtyLo, n);
            dirtyHi = Arrays.copyOf(dirtyHi, n);
        }
        frames[frameCount] = new byte[FRAME_SIZE];
        return frameCount++;
    }

    /**
     * Gives a frame back ({@code free_page} / returning a page to the balloon): the domain no
     * longer owns it, so a copy naming it fails with {@code GNTST_bad_page} until {@link
     * #allocateFrame} hands the number out again. Grants of the frame are not touched (Xen does
     * not check them either).
     *
     * @param gmfn an owned frame number
     * @throws IllegalArgumentException if the domain does not own that frame
     */
    public void freeFrame(long gmfn) {
        if (!hasFrame(gmfn)) {
            throw new IllegalArgumentException(
                    "domain " + domid + ": cannot free frame 0x" + Long.toHexString(gmfn) + " (not owned)");
        }
        int f = (int) gmfn;
        freed[f] = true;
        freeList[freeCount++] = f;
    }

    /**
     * @param gmfn a frame number
     * @return whether the domain owns that frame
     */
    public boolean hasFrame(long gmfn) {
        return gmfn >= 0 && gmfn < frameCount && !freed[(int) gmfn];
    }

    /**
     * Reads bytes of a frame.
     *
     * @param gmfn the frame number
     * @param offset the offset in the frame
     * @param dst where to put the bytes
     * @param dstOffset the offset in {@code dst}
     * @param length the number of bytes
     * @throws IllegalArgumentException if the frame does not exist or the range leaves the frame
     */
    public void read(long gmfn, int offset, byte[] dst, int dstOffset, int length) {
        byte[] frame = checkedFrame(gmfn, offset, length);
        settle((int) gmfn);
        System.arraycopy(frame, offset, dst, dstOffset, length);
    }

    /**
     * Compares bytes of a frame with bytes of an array, in place (nothing is copied).
     *
     * @param gmfn the frame number
     * @param offset the offset in the frame
     * @param expected the bytes to compare with
     * @param expectedOffset the offset in {@code expected}
     * @param length the number of bytes
     * @return whether the frame's {@code length} bytes at {@code offset} equal those of {@code
     *     expected} at {@code expectedOffset}
     * @throws IllegalArgumentException if the frame does not exist or the range leaves the frame
     * @throws IndexOutOfBoundsException if the range leaves {@code expected}
     */
    public boolean regionEquals(long gmfn, int offset, byte[] expected, int expectedOffset, int length) {
        byte[] frame = checkedFrame(gmfn, offset, length);
        settle((int) gmfn);
        return Arrays.equals(frame, offset, offset + length, expected, expectedOffset, expectedOffset + length);
    }

    /**
     * Writes bytes into a frame.
     *
     * @param gmfn the frame number
     * @param offset the offset in the frame
     * @param src the bytes
     * @param srcOffset the offset in {@code src}
     * @param length the number of bytes
     * @throws IllegalArgumentException if the frame does not exist or the range leaves the frame
     */
    public void write(long gmfn, int offset, byte[] src, int srcOffset, int length) {
        byte[] frame = checkedFrame(gmfn, offset, length);
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        written((int) gmfn, offset, length);
        System.arraycopy(src, srcOffset, frame, offset, length);
    }

    /**
     * @param gmfn the frame number
     * @return a copy of the frame's 4096 bytes
     * @throws IllegalArgumentException if the frame does not exist
     */
    public byte[] readFrame(long gmfn) {
        byte[] frame = checkedFrame(gmfn, 0, FRAME_SIZE);
        settle((int) gmfn);
        return frame.clone();
    }

    /** @return e.g. {@code Domain[domid=1, frames=3]} */
    @Override
    public String toString() {
        return "Domain[domid=" + domid + ", frames=" + frameCount + "]";
    }

    /** The live frame, or null when the domain has no such frame (the copy engine's bad_page). */
    byte[] frameOrNull(long gmfn) {
        return hasFrame(gmfn) ? frames[(int) gmfn] : null;
    }

    /** Before a frame is read as it is: clears its junk. */
    void settle(int f) {
        if (junkLo[f] < junkHi[f]) {
            Arrays.fill(frames[f], junkLo[f], junkHi[f], (byte) 0);
            junkLo[f] = 0;
            junkHi[f] = 0;
        }
    }

    /**
     * Before {@code [offset, offset + length)} of a frame is written: clears the junk the write does
     * not cover, and widens the range written since allocation.
     */
    void written(int f, int offset, int length) {
        int end = offset + length;
        int lo = junkLo[f];
        int hi = junkHi[f];
        if (lo < hi) {
            if (lo < offset) {
                Arrays.fill(frames[f], lo, Math.min(hi, offset), (byte) 0);
            }
            if (hi > end) {
                Arrays.fill(frames[f], Math.max(lo, end), hi, (byte) 0);
            }
            junkLo[f] = 0;
            junkHi[f] = 0;
        }
        if (length > 0) {
            if (dirtyLo[f] < dirtyHi[f]) {
                dirtyLo[f] = Math.min(dirtyLo[f], offset);
                dirtyHi[f] = Math.max(dirtyHi[f], end);
            } else {
                dirtyLo[f] = offset;
                dirtyHi[f] = end;
            }
        }
    }

    int allocatePort() {
        return nextPort++;
    }

    private byte[] checkedFrame(long gmfn, int offset, int length) {
        if (!hasFrame(gmfn)) {
            throw new IllegalArgumentException("domain " + domid + ": no frame 0x" + Long.toHexString(gmfn)
                    + " (frames 0 .. " + (frameCount - 1) + (freeCount > 0 ? ", " + freeCount + " freed" : "") + ")");
        }
        if (offset < 0 || length < 0 || offset + length > FRAME_SIZE) {
            throw new IllegalArgumentException("domain " + domid + ": range offset " + offset + " + length " + length
                    + " leaves the " + FRAME_SIZE + "-byte frame");
        }
        return frames[(int) gmfn];
    }
}
