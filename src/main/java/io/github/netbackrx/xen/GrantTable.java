package io.github.netbackrx.xen;

/**
 * One domain's grant table with version-1 entries ({@code grant_entry_v1} of Xen's {@code
 * grant_table.h}): {@code nr_grant_entries} entries of {@code {u16 flags; domid_t domid; u32
 * frame}}, indexed by grant reference ({@code grant_ref_t}, u32).
 *
 * <pre>
 *   grant_entry_v1 (8 bytes)
 *   +----------------+----------------+--------------------------------+
 *   | flags (u16) @0 | domid (u16) @2 |          frame (u32) @4        |
 *   +----------------+----------------+--------------------------------+
 *   flags: bits 0-1 type (GTF_invalid 0, GTF_permit_access 1, GTF_accept_transfer 2,
 *          GTF_transitive 3); GTF_readonly 0x4; GTF_reading 0x8, GTF_writing 0x10 (Xen's)
 * </pre>
 *
 * <p>{@link #grantAccess} is Linux {@code gnttab_grant_foreign_access} (the owner lets {@code
 * domid} use one of its frames, optionally read-only) and {@link #endAccess} is {@code
 * gnttab_end_foreign_access}. Free references are reused last-freed first; a fresh table hands
 * out 0, 1, 2, ... {@link #writeEntry} writes an entry directly, bypassing that bookkeeping, as a
 * guest scribbling on its shared table can. Xen's transient {@code GTF_reading}/{@code GTF_writing}
 * bits are not modelled: a copy completes within the hypercall, so they are never observable.
 */
public final class GrantTable {
    /** {@code GTF_invalid} (0): the entry grants nothing. */
    public static final int GTF_INVALID = 0;
    /** {@code GTF_permit_access} (1): the domain in {@code domid} may use the frame. */
    public static final int GTF_PERMIT_ACCESS = 1;
    /** {@code GTF_accept_transfer} (2): the domain may transfer a page to the owner. */
    public static final int GTF_ACCEPT_TRANSFER = 2;
    /** {@code GTF_transitive} (3): version-2 only. */
    public static final int GTF_TRANSITIVE = 3;
    /** {@code GTF_type_mask} (3): the bits holding the entry type. */
    public static final int GTF_TYPE_MASK = 3;
    /** {@code GTF_readonly} (0x4): the grantee may only read the frame. */
    public static final int GTF_READONLY = 0x4;
    /** {@code GTF_reading} (0x8): set by Xen while the frame is read (not modelled). */
    public static final int GTF_READING = 0x8;
    /** {@code GTF_writing} (0x10): set by Xen while the frame is written (not modelled). */
    public static final int GTF_WRITING = 0x10;
    /** {@code sizeof(grant_entry_v1)}: 8 bytes, so one 4096-byte grant frame holds 512 entries. */
    public static final int ENTRY_SIZE = 8;

    private final int ownerDomid;
    private final short[] flags;
    private final short[] domids;
    private final int[] frames;
    private final boolean[] granted;
    private final int[] freeList;
    private int freeCount;

    GrantTable(int ownerDomid, int nrGrantEntries) {
        if (nrGrantEntries <= 0) {
            throw new IllegalArgumentException("nr_grant_entries: must be positive, got " + nrGrantEntries);
        }
        this.ownerDomid = ownerDomid;
        this.flags = new short[nrGrantEntries];
        this.domids = new short[nrGrantEntries];
        this.frames = new int[nrGrantEntries];
        this.granted = new boolean[nrGrantEntries];
        this.freeList = new int[nrGrantEntries];
        for (int i = 0; i < nrGrantEntries; i++) {
            freeList[i] = nrGrantEntries - 1 - i;
        }
        this.freeCount = nrGrantEntries;
    }

    /** @return the domain id of the table's owner (the granting domain) */
    public int ownerDomid() {
        return ownerDomid;
    }

    /** @return {@code nr_grant_entries}: references 0 .. size-1 are valid, others are {@code bad_gntref} */
    public int size() {
        return flags.length;
    }

    /** @return the number of references handed out by {@link #grantAccess} and not yet ended */
    public int grantsInUse() {
        return flags.length - freeCount;
    }

    /**
     * {@code gnttab_grant_foreign_access}: lets domain {@code domid} use frame {@code frame} of
     * the owner. The frame is not checked here (Xen does not either); a copy through a grant of a
     * frame the owner lacks fails with {@code GNTST_bad_page}.
     *
     * @param domid the grantee, 0 .. 0xFFFF
     * @param frame the owner's frame number, 0 .. 0xFFFFFFFF ({@code grant_entry_v1.frame} is u32)
     * @param readonly whether to set {@code GTF_readonly}
     * @return the grant reference
     * @throws IllegalArgumentException if {@code domid} or {@code frame} does not fit its field
     * @throws IllegalStateException if every entry is in use
     */
    public int grantAccess(int domid, long frame, boolean readonly) {
        checkDomid(domid);
        if (frame < 0 || frame > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "grant_entry_v1.frame: 0x" + Long.toHexString(frame) + " does not fit u32");
        }
        if (freeCount == 0) {
            throw new IllegalStateException("gnttab_grant_foreign_access: grant table of domain " + ownerDomid
                    + " is full (nr_grant_entries " + flags.length + ")");
        }
        int gref = freeList[--freeCount];
        granted[gref] = true;
        domids[gref] = (short) domid;
        frames[gref] = (int) frame;
        flags[gref] = (short) (GTF_PERMIT_ACCESS | (readonly ? GTF_READONLY : 0));
        return gref;
    }

    /**
     * {@code gnttab_end_foreign_access}: revokes a grant made by {@link #grantAccess}; the entry
     * becomes {@code GTF_invalid} and the reference is free again.
     *
     * @param gref a reference returned by {@link #grantAccess} and not yet ended
     * @throws IllegalArgumentException if {@code gref} is outside the table
     * @throws IllegalStateException if {@code gref} is not currently granted
     */
    public void endAccess(int gref) {
        checkGref("gnttab_end_foreign_access", gref);
        if (!granted[gref]) {
            throw new IllegalStateException("gnttab_end_foreign_access: gref " + gref + " of domain " + ownerDomid
                    + " is not granted (never granted or already ended)");
        }
        granted[gref] = false;
        flags[gref] = GTF_INVALID;
        freeList[freeCount++] = gref;
    }

    /**
     * Writes an entry directly, as the owner may write its shared table; the allocation
     * bookkeeping of {@link #grantAccess}/{@link #endAccess} is not changed.
     *
     * @param gref the reference, 0 .. size-1
     * @param entryFlags {@code grant_entry_v1.flags}, 0 .. 0xFFFF
     * @param domid {@code grant_entry_v1.domid}, 0 .. 0xFFFF
     * @param frame {@code grant_entry_v1.frame}, taken as u32 (the low 32 bits)
     * @throws IllegalArgumentException if {@code gref}, the flags or the domid are out of range
     */
    public void writeEntry(int gref, int entryFlags, int domid, long frame) {
        checkGref("grant_entry_v1", gref);
        if ((entryFlags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("grant_entry_v1.flags: " + entryFlags + " does not fit u16");
        }
        checkDomid(domid);
        flags[gref] = (short) entryFlags;
        domids[gref] = (short) domid;
        frames[gref] = (int) frame;
    }

    /**
     * @param gref the reference, 0 .. size-1
     * @return {@code grant_entry_v1.flags}
     * @throws IllegalArgumentException if {@code gref} is outside the table
     */
    public int flags(int gref) {
        checkGref("grant_entry_v1", gref);
        return flags[gref] & 0xFFFF;
    }

    /**
     * @param gref the reference, 0 .. size-1
     * @return {@code grant_entry_v1.domid}: the grantee
     * @throws IllegalArgumentException if {@code gref} is outside the table
     */
    public int domid(int gref) {
        checkGref("grant_entry_v1", gref);
        return domids[gref] & 0xFFFF;
    }

    /**
     * @param gref the reference, 0 .. size-1
     * @return {@code grant_entry_v1.frame}, unsigned
     * @throws IllegalArgumentException if {@code gref} is outside the table
     */
    public long frame(int gref) {
        checkGref("grant_entry_v1", gref);
        return frames[gref] & 0xFFFF_FFFFL;
    }

    // ---- for the copy engine (gref already checked against size) ----

    int rawFlags(int gref) {
        return flags[gref] & 0xFFFF;
    }

    int rawDomid(int gref) {
        return domids[gref] & 0xFFFF;
    }

    long rawFrame(int gref) {
        return frames[gref] & 0xFFFF_FFFFL;
    }

    private void checkGref(String rule, int gref) {
        if (gref < 0 || gref >= flags.length) {
            throw new IllegalArgumentException(rule + ": gref " + Integer.toUnsignedString(gref)
                    + " outside the table of domain " + ownerDomid + " (nr_grant_entries " + flags.length + ")");
        }
    }

    static void checkDomid(int domid) {
        if ((domid & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("domid_t: " + domid + " does not fit u16");
        }
    }
}
