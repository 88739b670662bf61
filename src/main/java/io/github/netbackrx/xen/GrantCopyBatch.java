package io.github.netbackrx.xen;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A caller-owned, reusable array of {@code struct gnttab_copy} operations for one {@code
 * GNTTABOP_copy} hypercall, held as a struct of arrays: {@link #clear()} and refill it, and once
 * it has grown to the batch size nothing allocates (Linux {@code rx.c} uses 64 ops, {@code
 * COPY_BATCH_SIZE}; the 2010 netback 2 x 256).
 *
 * <p>Each op names a source and a destination, each either a grant reference ({@code
 * GNTCOPY_source_gref}/{@code GNTCOPY_dest_gref} set) in the table of {@code domid}, or a frame
 * number ({@code gmfn}), which Xen accepts only with {@code domid = DOMID_SELF}; {@link #op()}
 * appends one. {@link
 * #status(int)} is written by {@link GrantCopyEngine#copy}; it reads 0 before the batch has run.
 */
public final class GrantCopyBatch {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private long[] sourceRef;
    private long[] destRef;
    private int[] sourceDomid;
    private int[] sourceOffset;
    private int[] destDomid;
    private int[] destOffset;
    private int[] length;
    private int[] flags;
    private int[] status;
    private int size;
    private final Op cursor = new Op();

    /** A batch with room for 64 ops ({@code COPY_BATCH_SIZE}); it grows when needed. */
    public GrantCopyBatch() {
        this(64);
    }

    /**
     * A batch with room for {@code capacity} ops; it grows when needed.
     *
     * @param capacity the initial capacity, positive
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public GrantCopyBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("grant copy batch: capacity must be positive, got " + capacity);
        }
        sourceRef = new long[capacity];
        destRef = new long[capacity];
        sourceDomid = new int[capacity];
        sourceOffset = new int[capacity];
        destDomid = new int[capacity];
        destOffset = new int[capacity];
        length = new int[capacity];
        flags = new int[capacity];
        status = new int[capacity];
    }

    /** Empties the batch (capacity is kept). */
    public void clear() {
        size = 0;
    }

    /** @return the number of ops */
    public int size() {
        return size;
    }

    /**
     * Starts a new op: returns this batch's op cursor, emptied. Name the source ({@link
     * Op#sourceGref} or {@link Op#sourceGmfn}) and the destination ({@link Op#destGref} or {@link
     * Op#destGmfn}), then {@link Op#add(int)} appends the op:
     *
     * <pre>{@code
     * batch.op().sourceGmfn(frame, Hypervisor.DOMID_SELF, 0).destGref(gref, guest, 0).add(len);
     * }</pre>
     *
     * The cursor is one object per batch, reused for every op, so filling a batch allocates
     * nothing; starting a new op discards one that was not added.
     *
     * @return the op cursor
     */
    public Op op() {
        return cursor.reset();
    }

    /**
     * The reusable cursor through which one {@code struct gnttab_copy} is appended to its {@link
     * GrantCopyBatch}: each side is set by one call naming whether it is a grant reference ({@code
     * GNTCOPY_source_gref}/{@code GNTCOPY_dest_gref} set) or a frame number ({@code gmfn}, which
     * Xen accepts only with {@code domid = DOMID_SELF}). Obtained from {@link GrantCopyBatch#op()};
     * every value is checked against its field's width when it is set.
     */
    public final class Op {
        private static final int SOURCE = 0;
        private static final int DEST = 1;
        private static final int BOTH = 3;
        private static final int[] GREF_FLAG = {GrantCopyLayout.GNTCOPY_SOURCE_GREF, GrantCopyLayout.GNTCOPY_DEST_GREF};
        private static final String[] REF_FIELD = {"source", "dest"};
        private static final String[] DOMID_FIELD = {"source.domid", "dest.domid"};
        private static final String[] OFFSET_FIELD = {"source.offset", "dest.offset"};

        private int set; // bit 1 << side for each side named since op()
        private int opFlags;
        private final long[] ref = new long[2];
        private final int[] domid = new int[2];
        private final int[] offset = new int[2];

        private Op() {}

        private Op reset() {
            set = 0;
            opFlags = 0;
            return this;
        }

        /**
         * The source is a grant reference in the table of {@code domid} ({@code GNTCOPY_source_gref}).
         *
         * @param gref {@code source.u.ref}, 0 .. 0xFFFFFFFF
         * @param domid {@code source.domid}, 0 .. 0xFFFF
         * @param offset {@code source.offset}, 0 .. 0xFFFF
         * @return this cursor
         * @throws IllegalArgumentException if a value does not fit its field
         */
        public Op sourceGref(long gref, int domid, int offset) {
            return side(SOURCE, true, gref, domid, offset);
        }

        /**
         * The source is a frame number of {@code domid} ({@link Hypervisor#DOMID_SELF} for the caller).
         *
         * @param gmfn {@code source.u.gmfn}
         * @param domid {@code source.domid}, 0 .. 0xFFFF
         * @param offset {@code source.offset}, 0 .. 0xFFFF
         * @return this cursor
         * @throws IllegalArgumentException if a value does not fit its field
         */
        public Op sourceGmfn(long gmfn, int domid, int offset) {
            return side(SOURCE, false, gmfn, domid, offset);
        }

        /**
         * The destination is a grant reference in the table of {@code domid} ({@code
         * GNTCOPY_dest_gref}).
         *
         * @param gref {@code dest.u.ref}, 0 .. 0xFFFFFFFF
         * @param domid {@code dest.domid}, 0 .. 0xFFFF
         * @param offset {@code dest.offset}, 0 .. 0xFFFF
         * @return this cursor
         * @throws IllegalArgumentException if a value does not fit its field
         */
        public Op destGref(long gref, int domid, int offset) {
            return side(DEST, true, gref, domid, offset);
        }

        /**
         * The destination is a frame number of {@code domid}.
         *
         * @param gmfn {@code dest.u.gmfn}
         * @param domid {@code dest.domid}, 0 .. 0xFFFF
         * @param offset {@code dest.offset}, 0 .. 0xFFFF
         * @return this cursor
         * @throws IllegalArgumentException if a value does not fit its field
         */
        public Op destGmfn(long gmfn, int domid, int offset) {
            return side(DEST, false, gmfn, domid, offset);
        }

        /**
         * Appends the op to the batch.
         *
         * @param len {@code len}, 0 .. 0xFFFF
         * @return the op's index in the batch
         * @throws IllegalArgumentException if {@code len} does not fit u16
         * @throws IllegalStateException if the source or the destination was not set since {@link
         *     GrantCopyBatch#op()}
         */
        public int add(int len) {
            checkU16("len", len);
            if (set != BOTH) {
                throw new IllegalStateException("gnttab_copy: op without a "
                        + ((set & (1 << SOURCE)) == 0 ? "source" : "destination")
                        + " (call sourceGref/sourceGmfn and destGref/destGmfn before add)");
            }
            set = 0;
            return append(
                    ref[SOURCE], domid[SOURCE], offset[SOURCE], ref[DEST], domid[DEST], offset[DEST], len, opFlags);
        }

        private Op side(int side, boolean gref, long r, int d, int o) {
            checkRef(REF_FIELD[side], gref, r);
            checkU16(DOMID_FIELD[side], d);
            checkU16(OFFSET_FIELD[side], o);
            ref[side] = r;
            domid[side] = d;
            offset[side] = o;
            opFlags = gref ? opFlags | GREF_FLAG[side] : opFlags & ~GREF_FLAG[side];
            set |= 1 << side;
            return this;
        }
    }

    /**
     * Appends the op encoded at {@code offset} in {@code src} in the x86_64 layout of {@link
     * GrantCopyLayout} (its {@code status} is read too). Undefined flag bits are kept and ignored.
     *
     * @param src the bytes
     * @param offset where the 40-byte struct starts
     * @return the op's index in the batch
     * @throws IllegalArgumentException if a grant reference does not fit 32 bits
     */
    public int addEncoded(byte[] src, int offset) {
        int f = u16(src, offset + GrantCopyLayout.FLAGS_OFFSET);
        long s = (long) LONG.get(src, offset + GrantCopyLayout.SOURCE_OFFSET + GrantCopyLayout.PTR_U_OFFSET);
        long d = (long) LONG.get(src, offset + GrantCopyLayout.DEST_OFFSET + GrantCopyLayout.PTR_U_OFFSET);
        // a grant_ref_t occupies the low 4 bytes of the union; the rest is not part of it
        if ((f & GrantCopyLayout.GNTCOPY_SOURCE_GREF) != 0) {
            s &= 0xFFFF_FFFFL;
        }
        if ((f & GrantCopyLayout.GNTCOPY_DEST_GREF) != 0) {
            d &= 0xFFFF_FFFFL;
        }
        int i = append(
                s,
                u16(src, offset + GrantCopyLayout.SOURCE_OFFSET + GrantCopyLayout.PTR_DOMID_OFFSET),
                u16(src, offset + GrantCopyLayout.SOURCE_OFFSET + GrantCopyLayout.PTR_OFFSET_OFFSET),
                d,
                u16(src, offset + GrantCopyLayout.DEST_OFFSET + GrantCopyLayout.PTR_DOMID_OFFSET),
                u16(src, offset + GrantCopyLayout.DEST_OFFSET + GrantCopyLayout.PTR_OFFSET_OFFSET),
                u16(src, offset + GrantCopyLayout.LEN_OFFSET),
                f);
        status[i] = (short) SHORT.get(src, offset + GrantCopyLayout.STATUS_OFFSET);
        return i;
    }

    /**
     * Writes op {@code i} as a 40-byte x86_64 {@code struct gnttab_copy} (padding zeroed).
     *
     * @param i the op index
     * @param dst the destination
     * @param offset where the struct starts in {@code dst}
     * @throws IndexOutOfBoundsException if {@code i} is not an op of the batch
     */
    public void encode(int i, byte[] dst, int offset) {
        checkIndex(i);
        Arrays.fill(dst, offset, offset + GrantCopyLayout.SIZE, (byte) 0);
        LONG.set(dst, offset + GrantCopyLayout.SOURCE_OFFSET + GrantCopyLayout.PTR_U_OFFSET, sourceRef[i]);
        SHORT.set(
                dst, offset + GrantCopyLayout.SOURCE_OFFSET + GrantCopyLayout.PTR_DOMID_OFFSET, (short) sourceDomid[i]);
        SHORT.set(dst, offset + GrantCopyLayout.SOURCE_OFFSET + GrantCopyLayout.PTR_OFFSET_OFFSET, (short)
                sourceOffset[i]);
        LONG.set(dst, offset + GrantCopyLayout.DEST_OFFSET + GrantCopyLayout.PTR_U_OFFSET, destRef[i]);
        SHORT.set(dst, offset + GrantCopyLayout.DEST_OFFSET + GrantCopyLayout.PTR_DOMID_OFFSET, (short) destDomid[i]);
        SHORT.set(dst, offset + GrantCopyLayout.DEST_OFFSET + GrantCopyLayout.PTR_OFFSET_OFFSET, (short) destOffset[i]);
        SHORT.set(dst, offset + GrantCopyLayout.LEN_OFFSET, (short) length[i]);
        SHORT.set(dst, offset + GrantCopyLayout.FLAGS_OFFSET, (short) flags[i]);
        SHORT.set(dst, offset + GrantCopyLayout.STATUS_OFFSET, (short) status[i]);
    }

    /**
     * @param i the op index
     * @return whether {@code GNTCOPY_source_gref} is set
     */
    public boolean sourceIsGref(int i) {
        checkIndex(i);
        return (flags[i] & GrantCopyLayout.GNTCOPY_SOURCE_GREF) != 0;
    }

    /**
     * @param i the op index
     * @return {@code source.u}: the grant reference or frame number
     */
    public long sourceRef(int i) {
        checkIndex(i);
        return sourceRef[i];
    }

    /**
     * @param i the op index
     * @return {@code source.domid}
     */
    public int sourceDomid(int i) {
        checkIndex(i);
        return sourceDomid[i];
    }

    /**
     * @param i the op index
     * @return {@code source.offset}
     */
    public int sourceOffset(int i) {
        checkIndex(i);
        return sourceOffset[i];
    }

    /**
     * @param i the op index
     * @return whether {@code GNTCOPY_dest_gref} is set
     */
    public boolean destIsGref(int i) {
        checkIndex(i);
        return (flags[i] & GrantCopyLayout.GNTCOPY_DEST_GREF) != 0;
    }

    /**
     * @param i the op index
     * @return {@code dest.u}: the grant reference or frame number
     */
    public long destRef(int i) {
        checkIndex(i);
        return destRef[i];
    }

    /**
     * @param i the op index
     * @return {@code dest.domid}
     */
    public int destDomid(int i) {
        checkIndex(i);
        return destDomid[i];
    }

    /**
     * @param i the op index
     * @return {@code dest.offset}
     */
    public int destOffset(int i) {
        checkIndex(i);
        return destOffset[i];
    }

    /**
     * @param i the op index
     * @return {@code len}
     */
    public int length(int i) {
        checkIndex(i);
        return length[i];
    }

    /**
     * @param i the op index
     * @return {@code flags} ({@code GNTCOPY_*})
     */
    public int flags(int i) {
        checkIndex(i);
        return flags[i];
    }

    /**
     * @param i the op index
     * @return {@code status}: a {@link GntStatus} value once the batch has run, 0 before
     */
    public int status(int i) {
        checkIndex(i);
        return status[i];
    }

    // ---- engine access (index already bounded by size) ----

    long rawSourceRef(int i) {
        return sourceRef[i];
    }

    long rawDestRef(int i) {
        return destRef[i];
    }

    int rawSourceDomid(int i) {
        return sourceDomid[i];
    }

    int rawSourceOffset(int i) {
        return sourceOffset[i];
    }

    int rawDestDomid(int i) {
        return destDomid[i];
    }

    int rawDestOffset(int i) {
        return destOffset[i];
    }

    int rawLength(int i) {
        return length[i];
    }

    int rawFlags(int i) {
        return flags[i];
    }

    void setStatus(int i, int value) {
        status[i] = value;
    }

    private int append(long s, int sd, int so, long d, int dd, int dOff, int len, int f) {
        if (size == length.length) {
            grow();
        }
        int i = size++;
        sourceRef[i] = s;
        sourceDomid[i] = sd;
        sourceOffset[i] = so;
        destRef[i] = d;
        destDomid[i] = dd;
        destOffset[i] = dOff;
        length[i] = len;
        flags[i] = f;
        status[i] = 0;
        return i;
    }

    private void grow() {
        int n = length.length * 2;
        sourceRef = Arrays.copyOf(sourceRef, n);
        destRef = Arrays.copyOf(destRef, n);
        sourceDomid = Arrays.copyOf(sourceDomid, n);
        sourceOffset = Arrays.copyOf(sourceOffset, n);
        destDomid = Arrays.copyOf(destDomid, n);
        destOffset = Arrays.copyOf(destOffset, n);
        length = Arrays.copyOf(length, n);
        flags = Arrays.copyOf(flags, n);
        status = Arrays.copyOf(status, n);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("grant copy batch: op " + i + " (size " + size + ")");
        }
    }

    private static int u16(byte[] b, int offset) {
        return (short) SHORT.get(b, offset) & 0xFFFF;
    }

    private static void checkRef(String side, boolean isGref, long ref) {
        if (isGref && (ref >>> 32) != 0) {
            throw new IllegalArgumentException(
                    "gnttab_copy." + side + ".u.ref: 0x" + Long.toHexString(ref) + " does not fit grant_ref_t (u32)");
        }
    }

    private static void checkU16(String field, int value) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(
                    "gnttab_copy." + field + ": " + value + " does not fit u16 (0 .. 65535)");
        }
    }
}
