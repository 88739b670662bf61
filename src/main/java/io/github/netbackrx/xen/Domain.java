package io.github.netbackrx.xen;

import java.util.Arrays;

/**
 * A Xen domain as the RX path sees it: a domain id ({@code domid_t}, u16), frames of 4096 real
 * bytes named by frame number ({@code gmfn}, allocated 0, 1, 2, ...), a {@link GrantTable}, and
 * the event-channel ports it has bound. Created by {@link Hypervisor#createDomain(int, int)}.
 *
 * <p>Memory is real bytes so that data can be checked end to end: what a back end copies with
 * {@code GNTTABOP_copy} is what the guest reads back here.
 */
public final class Domain {
    /** The size of every frame: 4096 bytes. */
    public static final int FRAME_SIZE = 4096;

    private final int domid;
    private final GrantTable grantTable;
    private byte[][] frames = new byte[8][];
    private boolean[] freed = new boolean[8];
    private int[] freeList = new int[8];
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
            Arrays.fill(frames[gmfn], (byte) 0);
            return gmfn;
        }
        if (frameCount == frames.length) {
            frames = Arrays.copyOf(frames, frames.length * 2);
            freed = Arrays.copyOf(freed, frames.length);
            freeList = Arrays.copyOf(freeList, frames.length);
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
        System.arraycopy(checkedFrame(gmfn, offset, length), offset, dst, dstOffset, length);
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
        System.arraycopy(src, srcOffset, checkedFrame(gmfn, offset, length), offset, length);
    }

    /**
     * @param gmfn the frame number
     * @return a copy of the frame's 4096 bytes
     * @throws IllegalArgumentException if the frame does not exist
     */
    public byte[] readFrame(long gmfn) {
        return checkedFrame(gmfn, 0, FRAME_SIZE).clone();
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
