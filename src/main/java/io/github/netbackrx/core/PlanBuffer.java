package io.github.netbackrx.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A caller-owned, reusable plan: the copy operations and per-slot responses of one packet, kept in
 * flat {@code int} arrays. {@link RxPacker#plan(Skb, PlanBuffer)} fills it, writing each op and
 * each slot once; the arrays grow when a packet needs more room and are then reused, so planning
 * into a warmed-up buffer allocates nothing. The estimate is computed when first read ({@link
 * #estimate()}).
 *
 * <p>The slots are the model of the driver's {@code netbk_rx_meta} array (one entry per data
 * buffer, with its byte count) interleaved with the extra-info slots, in ring order.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 *   ops: OP_INTS (8) ints per copy op, op i at ints [8i, 8i + 8), in issue order
 *   +-----------+------------------+---------+----------------+-----------+----------------+
 *   | OP_SOURCE | OP_SOURCE_OFFSET | OP_SLOT | OP_DEST_OFFSET | OP_LENGTH | (3 ints, free) |
 *   +-----------+------------------+---------+----------------+-----------+----------------+
 *   0           1                  2         3                4           5                8
 *     source: -1 the head, k fragment k; slot relative to the packet's first
 *
 *   slots: SLOT_INTS (4) ints per ring slot, slot s at ints [4s, 4s + 4), in ring order
 *   +-----------+-------------+-------------+------------+
 *   | SLOT_KIND | SLOT_STATUS | SLOT_OFFSET | SLOT_FLAGS |
 *   +-----------+-------------+-------------+------------+
 *   0           1             2             3            4
 *     kind: KIND_DATA or KIND_EXTRA; an extra's status is RSP_NULL, its offset 0
 *
 *   extra slots only, one int array per field, indexed by slot (stale for data slots):
 *     extraType[s]   XEN_NETIF_EXTRA_TYPE_*      gsoSize[s]    u.gso.size
 *     gsoType[s]     XEN_NETIF_GSO_TYPE_* (0 none)
 *     hashValue[s]   u.hash.value                hashType[s]   u.hash.type + 1 (0 none)
 * </pre>
 *
 * <p>One array of structs per kind of record keeps an op to one array and lets a walk write it
 * with one call ({@link #putOp}); the extras' fields, written for one or two slots of a packet, stay
 * apart. An op takes 8 ints although it has 5 fields: with a power-of-two stride the index of op
 * {@code k}, {@code 8k + field}, is one whose bounds HotSpot's C2 checks once before a loop over
 * {@code k} (range-check elimination), where it strength-reduces {@code 5k} to {@code (k << 2) + k}
 * and checks every store; {@code docs/performance.md} says more. The readers check their
 * index against the counts and answer 0 or {@code null} for the extra fields of data slots.
 *
 * <p>Not thread-safe: one buffer per thread.
 */
public final class PlanBuffer {
    private static final int INITIAL = 8;

    /** Op field: the packet area read, {@link CopyOp#HEAD} ({@code -1}) or the fragment index. */
    static final int OP_SOURCE = 0;
    /** Op field: where the op starts reading, from the start of the area's page. */
    static final int OP_SOURCE_OFFSET = 1;
    /** Op field: the ring slot written, relative to the packet's first slot. */
    static final int OP_SLOT = 2;
    /** Op field: where in the slot's buffer the op writes. */
    static final int OP_DEST_OFFSET = 3;
    /** Op field: bytes copied. */
    static final int OP_LENGTH = 4;
    /** Ints per op: the five fields and three free, a power of two (see the class comment). */
    static final int OP_INTS = 8;

    /** Slot field: {@link #KIND_DATA} or {@link #KIND_EXTRA}. */
    static final int SLOT_KIND = 0;
    /** Slot field: the response's status (bytes, or for a prefix the buffers; {@code RSP_NULL} for an extra). */
    static final int SLOT_STATUS = 1;
    /** Slot field: the response's offset (the GSO size for a prefix, else 0). */
    static final int SLOT_OFFSET = 2;
    /** Slot field: {@code NETRXF_*} of a data slot, {@code XEN_NETIF_EXTRA_FLAG_*} of an extra. */
    static final int SLOT_FLAGS = 3;
    /** Ints per slot. */
    static final int SLOT_INTS = 4;

    static final int KIND_DATA = 0;
    static final int KIND_EXTRA = 1;

    /** The GSO types by wire value, {@code null} for 0 ({@code XEN_NETIF_GSO_TYPE_NONE}). */
    private static final GsoType[] GSO_TYPES = new GsoType[Netif.GSO_TYPE_TCPV6 + 1];
    /** The hash types by wire value + 1, {@code null} for 0. */
    private static final HashType[] HASH_TYPES = new HashType[HashType.values().length + 1];

    static {
        for (GsoType t : GsoType.values()) {
            GSO_TYPES[t.wireValue()] = t;
        }
        for (HashType t : HashType.values()) {
            HASH_TYPES[t.wireValue() + 1] = t;
        }
    }

    private int packetLength;
    private int maxBufferOffset = Netif.MAX_BUFFER_OFFSET;
    /**
     * Whether a fragment's op reads from the fragment's first 4 KiB page however far its offset
     * reaches (the pre-2010 {@code netbk_gop_frag} passes {@code frags[i].page} and {@code
     * page_offset} unchanged), rather than from the frame {@code offset / 4096} of a compound page.
     * Set for {@link PackingPolicy#PER_FRAG} plans; {@link PlanChecker} reads it.
     */
    boolean fragOpsInFirstPage;

    // the estimate: known, or computed on first read by the packer of the last plan (estimate())
    private int estimate;
    private boolean estimateKnown = true;
    private RxPacker estimatePacker;
    private Skb estimateSkb;

    private int opCount;
    /** The ops, {@link #OP_INTS} ints each. */
    int[] ops = new int[INITIAL * OP_INTS];

    private int slotCount;
    /** The slots' response fields, {@link #SLOT_INTS} ints each. */
    int[] slots = new int[INITIAL * SLOT_INTS];

    private int[] extraType = new int[INITIAL];
    private int[] gsoSize = new int[INITIAL];
    private int[] gsoType = new int[INITIAL];
    private int[] hashValue = new int[INITIAL];
    private int[] hashType = new int[INITIAL];

    /** Room for a walk's own ints (FreeBSD's cut fragment lengths), grown like the rest. */
    private int[] scratch = new int[INITIAL];

    /** Creates an empty buffer with room for a few ops and slots. */
    public PlanBuffer() {}

    // ---- filling (package-private: the packer's side) ----------------------------------------

    /**
     * Starts a plan of {@code skb} by {@code packer}: the estimate becomes {@code packer}'s {@link
     * SlotEstimator} count, computed when first read (estimators are pure functions of immutable
     * inputs and cannot fail on a packet the packer accepted, so the value is the one an eager call
     * would have given). The walk then writes the arrays and sets the counts.
     */
    void begin(Skb skb, RxPacker packer, boolean fragOpsInFirstPage) {
        this.packetLength = skb.length();
        this.maxBufferOffset = packer.maxBufferOffset();
        this.fragOpsInFirstPage = fragOpsInFirstPage;
        this.estimateKnown = false;
        this.estimatePacker = packer;
        this.estimateSkb = skb;
    }

    /** Sets the number of ops a walk wrote into {@link #ops}. */
    void setOpCount(int opCount) {
        this.opCount = opCount;
    }

    /** Sets the number of slots a walk wrote into {@link #slots} (and the extra fields). */
    void setSlotCount(int slotCount) {
        this.slotCount = slotCount;
    }

    /**
     * Makes room for {@code n} ops.
     *
     * @return {@link #ops}, with room for at least {@code n} ops
     */
    int[] opCapacity(int n) {
        if (n > ops.length / OP_INTS) {
            growOps(n);
        }
        return ops;
    }

    /**
     * Makes room for {@code n} slots, their extra fields included.
     *
     * @return {@link #slots}, with room for at least {@code n} slots
     */
    int[] slotCapacity(int n) {
        if (n > extraType.length) {
            growSlots(n);
        }
        return slots;
    }

    /**
     * A scratch array of at least {@code n} ints, its contents undefined.
     *
     * @return the array
     */
    int[] scratch(int n) {
        if (n > scratch.length) {
            scratch = new int[grown(scratch.length, n)];
        }
        return scratch;
    }

    /** {@link PlanChecker}'s working space, grown like the rest. */
    private long[] checkScratch = new long[INITIAL * 4];

    /**
     * A scratch array of at least {@code n} longs for {@link PlanChecker}, its contents undefined.
     *
     * @return the array
     */
    long[] checkScratch(int n) {
        if (n > checkScratch.length) {
            checkScratch = new long[grown(checkScratch.length, n)];
        }
        return checkScratch;
    }

    private void growOps(int n) {
        ops = Arrays.copyOf(ops, grown(ops.length / OP_INTS, n) * OP_INTS);
    }

    private void growSlots(int n) {
        int c = grown(extraType.length, n);
        slots = Arrays.copyOf(slots, c * SLOT_INTS);
        extraType = Arrays.copyOf(extraType, c);
        gsoSize = Arrays.copyOf(gsoSize, c);
        gsoType = Arrays.copyOf(gsoType, c);
        hashValue = Arrays.copyOf(hashValue, c);
        hashType = Arrays.copyOf(hashType, c);
    }

    /** Doubles {@code c} until it reaches {@code n}. */
    private static int grown(int c, int n) {
        while (c < n) {
            c *= 2;
        }
        return c;
    }

    /**
     * Writes an op at int index {@code o} of {@code ops}, which has room for it.
     *
     * @return the index of the next op
     */
    static int putOp(int[] ops, int o, int source, int sourceOffset, int slot, int destOffset, int length) {
        ops[o + OP_SOURCE] = source;
        ops[o + OP_SOURCE_OFFSET] = sourceOffset;
        ops[o + OP_SLOT] = slot;
        ops[o + OP_DEST_OFFSET] = destOffset;
        ops[o + OP_LENGTH] = length;
        return o + OP_INTS;
    }

    /** Writes data slot {@code s} (offset 0) into {@code slots}, which has room for it. */
    static void putData(int[] slots, int s, int status, int flags) {
        int i = s * SLOT_INTS;
        slots[i + SLOT_KIND] = KIND_DATA;
        slots[i + SLOT_STATUS] = status;
        slots[i + SLOT_OFFSET] = 0;
        slots[i + SLOT_FLAGS] = flags;
    }

    /** Writes extra slot {@code s}, for which {@link #slotCapacity(int)} made room; counts unchanged. */
    void putExtra(int s, int type, int flags, int gsoSize, GsoType gsoType, int hashValue, HashType hashType) {
        int i = s * SLOT_INTS;
        int[] a = slots;
        a[i + SLOT_KIND] = KIND_EXTRA;
        a[i + SLOT_STATUS] = Netif.RSP_NULL;
        a[i + SLOT_OFFSET] = 0;
        a[i + SLOT_FLAGS] = flags;
        this.extraType[s] = type;
        this.gsoSize[s] = gsoSize;
        this.gsoType[s] = gsoType == null ? Netif.GSO_TYPE_NONE : gsoType.wireValue();
        this.hashValue[s] = hashValue;
        this.hashType[s] = hashType == null ? 0 : hashType.wireValue() + 1;
    }

    /** Loads an immutable plan into this buffer (for checking it). */
    void load(RxPlan plan, int maxBufferOffset) {
        List<CopyOp> opList = plan.ops();
        List<SlotResponse> slotList = plan.slots();
        int[] o = opCapacity(opList.size());
        int[] a = slotCapacity(slotList.size());
        for (int i = 0; i < opList.size(); i++) {
            CopyOp op = opList.get(i);
            putOp(o, i * OP_INTS, op.source(), op.sourceOffset(), op.slot(), op.destOffset(), op.length());
        }
        for (int s = 0; s < slotList.size(); s++) {
            if (slotList.get(s) instanceof ExtraResponse e) {
                putExtra(s, e.type(), e.flags(), e.gsoSize(), e.gsoType(), e.hashValue(), e.hashType());
            } else {
                DataResponse d = (DataResponse) slotList.get(s);
                putData(a, s, d.status(), d.flags());
                a[s * SLOT_INTS + SLOT_OFFSET] = d.offset();
            }
        }
        this.packetLength = plan.packetLength();
        this.maxBufferOffset = maxBufferOffset;
        this.fragOpsInFirstPage = false;
        this.estimate = plan.estimate();
        this.estimateKnown = true;
        this.estimatePacker = null;
        this.estimateSkb = null;
        setOpCount(opList.size());
        setSlotCount(slotList.size());
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
            estimate = estimatePacker.estimateAccepted(estimateSkb);
            estimateKnown = true;
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
        return ops[Objects.checkIndex(i, opCount) * OP_INTS + OP_SOURCE];
    }

    /**
     * Where an op starts reading.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the offset from the start of the area's page (may exceed 4095 for compound pages)
     */
    public int opSourceOffset(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP_INTS + OP_SOURCE_OFFSET];
    }

    /**
     * The ring slot an op writes.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the slot, relative to the packet's first slot
     */
    public int opSlot(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP_INTS + OP_SLOT];
    }

    /**
     * Where in its destination buffer an op writes.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the offset in the guest buffer
     */
    public int opDestOffset(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP_INTS + OP_DEST_OFFSET];
    }

    /**
     * How many bytes an op copies.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the length, possibly 0
     */
    public int opLength(int i) {
        return ops[Objects.checkIndex(i, opCount) * OP_INTS + OP_LENGTH];
    }

    /**
     * Whether a slot holds an extra-info record rather than a data response.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return true for an extra-info slot
     */
    public boolean slotIsExtra(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT_INTS + SLOT_KIND] == KIND_EXTRA;
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
        int i = Objects.checkIndex(s, slotCount) * SLOT_INTS;
        return slots[i + SLOT_KIND] == KIND_DATA && (slots[i + SLOT_FLAGS] & Netif.RXF_GSO_PREFIX) != 0;
    }

    /**
     * A slot's response status.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return for a data slot the bytes it holds; for an extra slot {@link Netif#RSP_NULL}; for a
     *     prefix slot the number of buffers the packet used, the prefix's own included
     */
    public int slotStatus(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT_INTS + SLOT_STATUS];
    }

    /**
     * A data slot's response offset.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return the offset: 0, or the GSO size for a prefix slot
     */
    public int slotOffset(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT_INTS + SLOT_OFFSET];
    }

    /**
     * A slot's flags.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return for a data slot the {@code NETRXF_*} bits; for an extra slot {@code
     *     netif_extra_info.flags}
     */
    public int slotFlags(int s) {
        return slots[Objects.checkIndex(s, slotCount) * SLOT_INTS + SLOT_FLAGS];
    }

    /**
     * An extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@link Netif#EXTRA_TYPE_GSO} or {@link Netif#EXTRA_TYPE_HASH} for an extra; 0 for a data slot
     */
    public int slotExtraType(int s) {
        return slotIsExtra(s) ? extraType[s] : 0;
    }

    /**
     * A GSO extra slot's size.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.gso.size}; 0 for a data slot
     */
    public int slotGsoSize(int s) {
        return slotIsExtra(s) ? gsoSize[s] : 0;
    }

    /**
     * A GSO extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.gso.type}; {@code null} for a data slot
     */
    public GsoType slotGsoType(int s) {
        return slotIsExtra(s) ? GSO_TYPES[gsoType[s]] : null;
    }

    /**
     * A hash extra slot's value.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.hash.value} as a 32-bit number; 0 for other slots
     */
    public int slotHashValue(int s) {
        return slotIsExtra(s) ? hashValue[s] : 0;
    }

    /**
     * A hash extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.hash.type}; {@code null} for other slots
     */
    public HashType slotHashType(int s) {
        return slotIsExtra(s) ? HASH_TYPES[hashType[s]] : null;
    }

    /**
     * Takes an immutable snapshot of the current plan.
     *
     * @return the plan
     */
    public RxPlan toPlan() {
        List<CopyOp> opList = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            int o = i * OP_INTS;
            opList.add(new CopyOp(
                    ops[o + OP_SOURCE],
                    ops[o + OP_SOURCE_OFFSET],
                    ops[o + OP_SLOT],
                    ops[o + OP_DEST_OFFSET],
                    ops[o + OP_LENGTH]));
        }
        List<SlotResponse> slotList = new ArrayList<>(slotCount);
        for (int s = 0; s < slotCount; s++) {
            if (slotIsExtra(s)) {
                slotList.add(new ExtraResponse(
                        s,
                        slotExtraType(s),
                        slotFlags(s),
                        slotGsoSize(s),
                        slotGsoType(s),
                        slotHashValue(s),
                        slotHashType(s)));
            } else {
                slotList.add(new DataResponse(s, slotOffset(s), slotStatus(s), slotFlags(s)));
            }
        }
        return new RxPlan(packetLength, estimate(), opList, slotList);
    }
}
