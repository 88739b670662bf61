package io.github.netbackrx.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A caller-owned, reusable plan: the copy operations and per-slot responses of one packet, kept in
 * flat {@code int} arrays (five ints per op, four per slot, and the extra-info fields apart). {@link
 * RxPacker#plan(Skb, PlanBuffer)} resets it and fills it, writing each op and each slot once; the
 * arrays grow when a packet needs more room and are then reused, so planning into a warmed-up
 * buffer allocates nothing. The estimate is computed when first read ({@link #estimate()}).
 *
 * <p>The slots are the model of the driver's {@code netbk_rx_meta} array (one entry per data
 * buffer, with its byte count) interleaved with the extra-info slots, in ring order.
 *
 * <p>Not thread-safe: one buffer per thread.
 */
public final class PlanBuffer {
    private static final int INITIAL = 8;

    /** Ints per op in {@link #ops}: source, source offset, slot, destination offset, length. */
    static final int OP = 5;
    /** Ints per slot in {@link #slots}: kind, status, offset, flags. */
    static final int SLOT = 4;

    static final int KIND_DATA = 0;
    static final int KIND_EXTRA = 1;

    private int packetLength;
    private int maxBufferOffset = Netif.MAX_BUFFER_OFFSET;
    /**
     * Whether a fragment's op reads from the fragment's first 4 KiB page however far its offset
     * reaches (the pre-2010 {@code netbk_gop_frag} passes {@code frags[i].page} and {@code
     * page_offset} unchanged), rather than from the frame {@code offset / 4096} of a compound page.
     * Set by the {@link PackingPolicy#PER_FRAG} packer; {@link PlanChecker} reads it.
     */
    boolean fragOpsInFirstPage;

    // the estimate, computed on first read from the inputs of the last plan (see estimate())
    private int estimate;
    private boolean estimateKnown = true;
    private RxPacker estimatePacker;
    private Skb estimateSkb;

    private int opCount;
    /** The ops, {@link #OP} ints each (array of structs: one array, one bounds check per op). */
    int[] ops = new int[INITIAL * OP];

    private int slotCount;
    /**
     * The slots' response fields, {@link #SLOT} ints each. The extra-info fields below are written
     * for extra slots only; the readers answer 0 or {@code null} for data slots.
     */
    int[] slots = new int[INITIAL * SLOT];

    private int[] slotExtraType = new int[INITIAL];
    private int[] slotGsoSize = new int[INITIAL];
    private GsoType[] slotGsoType = new GsoType[INITIAL];
    private int[] slotHashValue = new int[INITIAL];
    private HashType[] slotHashType = new HashType[INITIAL];

    /** Creates an empty buffer with room for a few ops and slots. */
    public PlanBuffer() {}

    // ---- filling (package-private: the packer's side) ----------------------------------------

    void reset(int packetLength, int maxBufferOffset) {
        this.packetLength = packetLength;
        this.maxBufferOffset = maxBufferOffset;
        this.fragOpsInFirstPage = false;
        this.opCount = 0;
        this.slotCount = 0;
    }

    /** Sets the estimate outright (a loaded plan). */
    void setEstimate(int estimate) {
        this.estimate = estimate;
        this.estimateKnown = true;
        this.estimatePacker = null;
        this.estimateSkb = null;
    }

    /**
     * Makes the estimate {@code p.estimateSlots(skb)} — the packer's {@link SlotEstimator} — computed
     * when first read: estimators are pure functions of immutable inputs and cannot fail on a packet
     * the packer accepted, so the value is the one an eager call would have given.
     */
    void deferEstimate(RxPacker p, Skb skb) {
        this.estimateKnown = false;
        if (estimatePacker != p) {
            estimatePacker = p;
        }
        this.estimateSkb = skb;
    }

    /** Sets the counts after a packer wrote {@link #ops} and {@link #slots} directly. */
    void setCounts(int opCount, int slotCount) {
        this.opCount = opCount;
        this.slotCount = slotCount;
    }

    /**
     * Grows {@link #ops} to hold at least {@code n} ops.
     *
     * @return the (possibly new) array
     */
    int[] opCapacity(int n) {
        if (n * OP > ops.length) {
            int c = ops.length / OP;
            while (c < n) {
                c *= 2;
            }
            ops = Arrays.copyOf(ops, c * OP);
        }
        return ops;
    }

    /**
     * Grows {@link #slots} and the extra-info arrays to hold at least {@code n} slots.
     *
     * @return the (possibly new) {@link #slots}
     */
    int[] slotCapacity(int n) {
        if (n > slotExtraType.length) {
            int c = slotExtraType.length;
            while (c < n) {
                c *= 2;
            }
            slots = Arrays.copyOf(slots, c * SLOT);
            slotExtraType = Arrays.copyOf(slotExtraType, c);
            slotGsoSize = Arrays.copyOf(slotGsoSize, c);
            slotGsoType = Arrays.copyOf(slotGsoType, c);
            slotHashValue = Arrays.copyOf(slotHashValue, c);
            slotHashType = Arrays.copyOf(slotHashType, c);
        }
        return slots;
    }

    void addOp(int source, int sourceOffset, int slot, int destOffset, int length) {
        int[] a = opCapacity(opCount + 1);
        int o = opCount++ * OP;
        a[o] = source;
        a[o + 1] = sourceOffset;
        a[o + 2] = slot;
        a[o + 3] = destOffset;
        a[o + 4] = length;
    }

    /** Makes slots {@code [0, n)} exist (new ones as empty data slots). */
    void ensureSlots(int n) {
        if (slotCount < n) {
            int[] a = slotCapacity(n);
            Arrays.fill(a, slotCount * SLOT, n * SLOT, 0); // KIND_DATA, status, offset and flags 0
            slotCount = n;
        }
    }

    void setData(int s, int status, int flags) {
        ensureSlots(s + 1);
        writeData(slots, s, status, flags);
    }

    /** Writes data slot {@code s} (offset 0) into {@code a}, which has room for it. */
    static void writeData(int[] a, int s, int status, int flags) {
        int i = s * SLOT;
        a[i] = KIND_DATA;
        a[i + 1] = status;
        a[i + 2] = 0;
        a[i + 3] = flags;
    }

    void setExtra(int s, int type, int flags, int gsoSize, GsoType gsoType) {
        ensureSlots(s + 1);
        writeExtra(s, type, flags, gsoSize, gsoType, 0, null);
    }

    /** Writes extra slot {@code s}, for which {@link #slotCapacity(int)} made room; counts unchanged. */
    void writeExtra(int s, int type, int flags, int gsoSize, GsoType gsoType, int hashValue, HashType hashType) {
        int i = s * SLOT;
        slots[i] = KIND_EXTRA;
        slots[i + 1] = Netif.RSP_NULL;
        slots[i + 2] = 0;
        slots[i + 3] = flags;
        slotExtraType[s] = type;
        slotGsoSize[s] = gsoSize;
        slotGsoType[s] = gsoType;
        slotHashValue[s] = hashValue;
        slotHashType[s] = hashType;
    }

    void setHashExtra(int s, int flags, int value, HashType type) {
        setExtra(s, Netif.EXTRA_TYPE_HASH, flags, 0, null);
        slotHashValue[s] = value;
        slotHashType[s] = type;
    }

    void setDataOffset(int s, int offset) {
        slots[s * SLOT + 2] = offset;
    }

    /** Loads an immutable plan into this buffer (for checking it). */
    void load(RxPlan plan, int maxBufferOffset) {
        reset(plan.packetLength(), maxBufferOffset);
        setEstimate(plan.estimate());
        for (CopyOp op : plan.ops()) {
            addOp(op.source(), op.sourceOffset(), op.slot(), op.destOffset(), op.length());
        }
        List<SlotResponse> list = plan.slots();
        for (int s = 0; s < list.size(); s++) {
            SlotResponse r = list.get(s);
            if (r instanceof ExtraResponse e) {
                setExtra(s, e.type(), e.flags(), e.gsoSize(), e.gsoType());
                slotHashValue[s] = e.hashValue();
                slotHashType[s] = e.hashType();
            } else {
                DataResponse d = (DataResponse) r;
                setData(s, d.status(), d.flags());
                setDataOffset(s, d.offset());
            }
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** @return bytes in the planned packet */
    public int packetLength() {
        return packetLength;
    }

    /**
     * The packer's worst-case slot estimate for the packet ({@code count_skb_slots} for coalesce).
     * {@link RxPacker#plan(Skb, PlanBuffer)} does not compute it: the packer's {@link SlotEstimator}
     * runs on the first call after a plan (as the driver's {@code start_xmit} counts slots apart
     * from the packing walk), so plans whose estimate nobody reads do not pay for it.
     *
     * @return the estimate
     */
    public int estimate() {
        if (!estimateKnown) {
            setEstimate(estimatePacker.estimateSlots(estimateSkb));
        }
        return estimate;
    }

    /**
     * The buffer size the plan was made for: the packer's {@code MAX_BUFFER_OFFSET} ({@link
     * Netif#MAX_BUFFER_OFFSET} by default).
     *
     * @return bytes one guest RX buffer may hold under this plan
     */
    public int maxBufferOffset() {
        return maxBufferOffset;
    }

    /** @return ring slots used, data and extra slots together */
    public int slotCount() {
        return slotCount;
    }

    /** @return number of copy operations */
    public int opCount() {
        return opCount;
    }

    /**
     * The packet area an op reads.
     *
     * @param i the op index in issue order, {@code 0 <= i < opCount()}
     * @return {@code -1} for the head, {@code k} for fragment {@code k}
     */
    public int opSource(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP];
    }

    /**
     * Where an op starts reading.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the offset from the start of the area's page (may exceed 4095 for compound pages)
     */
    public int opSourceOffset(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP + 1];
    }

    /**
     * The ring slot an op writes.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the slot, relative to the packet's first slot
     */
    public int opSlot(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP + 2];
    }

    /**
     * Where in its destination buffer an op writes.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the offset in the guest buffer
     */
    public int opDestOffset(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP + 3];
    }

    /**
     * How many bytes an op copies.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the length, possibly 0
     */
    public int opLength(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP + 4];
    }

    /**
     * Whether a slot holds an extra-info record rather than a data response.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return true for an extra-info slot
     */
    public boolean slotIsExtra(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT] == KIND_EXTRA;
    }

    /**
     * Whether a slot holds the GSO prefix response of the 3.x drivers' prefix mode: a data response
     * ({@code netif_rx_response}) flagged {@link Netif#RXF_GSO_PREFIX}, whose offset is the GSO size
     * and whose status counts the packet's buffers rather than bytes.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return true for a prefix slot
     */
    public boolean slotIsPrefix(int s) {
        int i = Objects.checkIndex(s, slotCount) * SLOT;
        return slots[i] == KIND_DATA && (slots[i + 3] & Netif.RXF_GSO_PREFIX) != 0;
    }

    /**
     * A slot's response status.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return for a data slot the bytes it holds; for an extra slot {@link Netif#RSP_NULL}; for a
     *     prefix slot the number of buffers the packet used, the prefix's own included
     */
    public int slotStatus(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT + 1];
    }

    /**
     * A data slot's response offset.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return the offset: 0, or the GSO size for a prefix slot
     */
    public int slotOffset(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT + 2];
    }

    /**
     * A slot's flags.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return for a data slot the {@code NETRXF_*} bits; for an extra slot {@code
     *     netif_extra_info.flags}
     */
    public int slotFlags(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT + 3];
    }

    /**
     * An extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@link Netif#EXTRA_TYPE_GSO} or {@link Netif#EXTRA_TYPE_HASH} for an extra; 0 for a data slot
     */
    public int slotExtraType(int s) {
        return slotIsExtra(s) ? slotExtraType[s] : 0;
    }

    /**
     * A GSO extra slot's size.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.gso.size}; 0 for a data slot
     */
    public int slotGsoSize(int s) {
        return slotIsExtra(s) ? slotGsoSize[s] : 0;
    }

    /**
     * A GSO extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.gso.type}; {@code null} for a data slot
     */
    public GsoType slotGsoType(int s) {
        return slotIsExtra(s) ? slotGsoType[s] : null;
    }

    /**
     * A hash extra slot's value.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.hash.value} as a 32-bit number; 0 for other slots
     */
    public int slotHashValue(int s) {
        return slotIsExtra(s) ? slotHashValue[s] : 0;
    }

    /**
     * A hash extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.hash.type}; {@code null} for other slots
     */
    public HashType slotHashType(int s) {
        return slotIsExtra(s) ? slotHashType[s] : null;
    }

    /**
     * Takes an immutable snapshot of the current plan.
     *
     * @return the plan
     */
    public RxPlan toPlan() {
        List<CopyOp> opList = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            int o = i * OP;
            opList.add(new CopyOp(ops[o], ops[o + 1], ops[o + 2], ops[o + 3], ops[o + 4]));
        }
        List<SlotResponse> slotList = new ArrayList<>(slotCount);
        for (int s = 0; s < slotCount; s++) {
            int i = s * SLOT;
            if (slots[i] == KIND_EXTRA) {
                slotList.add(new ExtraResponse(
                        s,
                        slotExtraType[s],
                        slots[i + 3],
                        slotGsoSize[s],
                        slotGsoType[s],
                        slotHashValue[s],
                        slotHashType[s]));
            } else {
                slotList.add(new DataResponse(s, slots[i + 2], slots[i + 1], slots[i + 3]));
            }
        }
        return new RxPlan(packetLength, estimate(), opList, slotList);
    }
}
