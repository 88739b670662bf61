package io.github.netbackrx.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A caller-owned, reusable plan: the copy operations and per-slot responses of one packet, kept as
 * parallel {@code int} arrays (struct of arrays). {@link RxPacker#plan(Skb, PlanBuffer)} resets it
 * and fills it; the arrays grow when a packet needs more room and are then reused, so planning into
 * a warmed-up buffer allocates nothing.
 *
 * <p>The slots are the model of the driver's {@code netbk_rx_meta} array (one entry per data
 * buffer, with its byte count) interleaved with the extra-info slots, in ring order.
 *
 * <p>Not thread-safe: one buffer per thread.
 */
public final class PlanBuffer {
    private static final int INITIAL = 8;

    private int packetLength;
    private int estimate;
    private int maxBufferOffset = Netif.MAX_BUFFER_OFFSET;

    private int opCount;
    private int[] opSource = new int[INITIAL];
    private int[] opSourceOffset = new int[INITIAL];
    private int[] opSlot = new int[INITIAL];
    private int[] opDestOffset = new int[INITIAL];
    private int[] opLength = new int[INITIAL];

    private int slotCount;
    private boolean[] slotExtra = new boolean[INITIAL];
    private int[] slotStatus = new int[INITIAL];
    private int[] slotOffset = new int[INITIAL];
    private int[] slotFlags = new int[INITIAL];
    private int[] slotExtraType = new int[INITIAL];
    private int[] slotGsoSize = new int[INITIAL];
    private GsoType[] slotGsoType = new GsoType[INITIAL];
    private int[] slotHashValue = new int[INITIAL];
    private HashType[] slotHashType = new HashType[INITIAL];

    /** Creates an empty buffer with room for a few ops and slots. */
    public PlanBuffer() {}

    // ---- filling (package-private: the packer's side) ----------------------------------------

    void reset(int packetLength, int estimate, int maxBufferOffset) {
        this.packetLength = packetLength;
        this.estimate = estimate;
        this.maxBufferOffset = maxBufferOffset;
        this.opCount = 0;
        this.slotCount = 0;
    }

    void addOp(int source, int sourceOffset, int slot, int destOffset, int length) {
        if (opCount == opSource.length) {
            growOps();
        }
        int i = opCount++;
        opSource[i] = source;
        opSourceOffset[i] = sourceOffset;
        opSlot[i] = slot;
        opDestOffset[i] = destOffset;
        opLength[i] = length;
    }

    /** Makes slots {@code [0, n)} exist (new ones as empty data slots). */
    void ensureSlots(int n) {
        while (slotCount < n) {
            if (slotCount == slotExtra.length) {
                growSlots();
            }
            int s = slotCount++;
            slotExtra[s] = false;
            slotStatus[s] = 0;
            slotOffset[s] = 0;
            slotFlags[s] = 0;
            slotExtraType[s] = 0;
            slotGsoSize[s] = 0;
            slotGsoType[s] = null;
            slotHashValue[s] = 0;
            slotHashType[s] = null;
        }
    }

    void setData(int s, int status, int flags) {
        ensureSlots(s + 1);
        slotExtra[s] = false;
        slotStatus[s] = status;
        slotOffset[s] = 0;
        slotFlags[s] = flags;
    }

    void addStatus(int s, int bytes) {
        slotStatus[s] += bytes;
    }

    void orFlags(int s, int flags) {
        slotFlags[s] |= flags;
    }

    void setExtra(int s, int type, int flags, int gsoSize, GsoType gsoType) {
        ensureSlots(s + 1);
        slotExtra[s] = true;
        slotStatus[s] = Netif.RSP_NULL;
        slotOffset[s] = 0;
        slotFlags[s] = flags;
        slotExtraType[s] = type;
        slotGsoSize[s] = gsoSize;
        slotGsoType[s] = gsoType;
        slotHashValue[s] = 0;
        slotHashType[s] = null;
    }

    void setHashExtra(int s, int flags, int value, HashType type) {
        setExtra(s, Netif.EXTRA_TYPE_HASH, flags, 0, null);
        slotHashValue[s] = value;
        slotHashType[s] = type;
    }

    void setDataOffset(int s, int offset) {
        slotOffset[s] = offset;
    }

    private void growOps() {
        int n = opSource.length * 2;
        opSource = Arrays.copyOf(opSource, n);
        opSourceOffset = Arrays.copyOf(opSourceOffset, n);
        opSlot = Arrays.copyOf(opSlot, n);
        opDestOffset = Arrays.copyOf(opDestOffset, n);
        opLength = Arrays.copyOf(opLength, n);
    }

    private void growSlots() {
        int n = slotExtra.length * 2;
        slotExtra = Arrays.copyOf(slotExtra, n);
        slotStatus = Arrays.copyOf(slotStatus, n);
        slotOffset = Arrays.copyOf(slotOffset, n);
        slotFlags = Arrays.copyOf(slotFlags, n);
        slotExtraType = Arrays.copyOf(slotExtraType, n);
        slotGsoSize = Arrays.copyOf(slotGsoSize, n);
        slotGsoType = Arrays.copyOf(slotGsoType, n);
        slotHashValue = Arrays.copyOf(slotHashValue, n);
        slotHashType = Arrays.copyOf(slotHashType, n);
    }

    /** Loads an immutable plan into this buffer (for checking it). */
    void load(RxPlan plan, int maxBufferOffset) {
        reset(plan.packetLength(), plan.estimate(), maxBufferOffset);
        for (CopyOp op : plan.ops()) {
            addOp(op.source(), op.sourceOffset(), op.slot(), op.destOffset(), op.length());
        }
        List<SlotResponse> slots = plan.slots();
        for (int s = 0; s < slots.size(); s++) {
            SlotResponse r = slots.get(s);
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

    /** @return the policy's worst-case slot estimate for the packet ({@code count_skb_slots} for coalesce) */
    public int estimate() {
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
        return opSource[Objects.checkIndex(i, opCount)];
    }

    /**
     * Where an op starts reading.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the offset from the start of the area's page (may exceed 4095 for compound pages)
     */
    public int opSourceOffset(int i) {
        return opSourceOffset[Objects.checkIndex(i, opCount)];
    }

    /**
     * The ring slot an op writes.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the slot, relative to the packet's first slot
     */
    public int opSlot(int i) {
        return opSlot[Objects.checkIndex(i, opCount)];
    }

    /**
     * Where in its destination buffer an op writes.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the offset in the guest buffer
     */
    public int opDestOffset(int i) {
        return opDestOffset[Objects.checkIndex(i, opCount)];
    }

    /**
     * How many bytes an op copies.
     *
     * @param i the op index, {@code 0 <= i < opCount()}
     * @return the length, possibly 0
     */
    public int opLength(int i) {
        return opLength[Objects.checkIndex(i, opCount)];
    }

    /**
     * Whether a slot holds an extra-info record rather than a data response.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return true for an extra-info slot
     */
    public boolean slotIsExtra(int s) {
        return slotExtra[Objects.checkIndex(s, slotCount)];
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
        return !slotExtra[Objects.checkIndex(s, slotCount)] && (slotFlags[s] & Netif.RXF_GSO_PREFIX) != 0;
    }

    /**
     * A slot's response status.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return for a data slot the bytes it holds; for an extra slot {@link Netif#RSP_NULL}; for a
     *     prefix slot the number of buffers the packet used, the prefix's own included
     */
    public int slotStatus(int s) {
        return slotStatus[Objects.checkIndex(s, slotCount)];
    }

    /**
     * A data slot's response offset.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return the offset: 0, or the GSO size for a prefix slot
     */
    public int slotOffset(int s) {
        return slotOffset[Objects.checkIndex(s, slotCount)];
    }

    /**
     * A slot's flags.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return for a data slot the {@code NETRXF_*} bits; for an extra slot {@code
     *     netif_extra_info.flags}
     */
    public int slotFlags(int s) {
        return slotFlags[Objects.checkIndex(s, slotCount)];
    }

    /**
     * An extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@link Netif#EXTRA_TYPE_GSO} or {@link Netif#EXTRA_TYPE_HASH} for an extra; 0 for a data slot
     */
    public int slotExtraType(int s) {
        return slotExtraType[Objects.checkIndex(s, slotCount)];
    }

    /**
     * A GSO extra slot's size.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.gso.size}; 0 for a data slot
     */
    public int slotGsoSize(int s) {
        return slotGsoSize[Objects.checkIndex(s, slotCount)];
    }

    /**
     * A GSO extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.gso.type}; {@code null} for a data slot
     */
    public GsoType slotGsoType(int s) {
        return slotGsoType[Objects.checkIndex(s, slotCount)];
    }

    /**
     * A hash extra slot's value.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.hash.value} as a 32-bit number; 0 for other slots
     */
    public int slotHashValue(int s) {
        return slotHashValue[Objects.checkIndex(s, slotCount)];
    }

    /**
     * A hash extra slot's type.
     *
     * @param s the slot, {@code 0 <= s < slotCount()}
     * @return {@code u.hash.type}; {@code null} for other slots
     */
    public HashType slotHashType(int s) {
        return slotHashType[Objects.checkIndex(s, slotCount)];
    }

    /**
     * Takes an immutable snapshot of the current plan.
     *
     * @return the plan
     */
    public RxPlan toPlan() {
        List<CopyOp> ops = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            ops.add(new CopyOp(opSource[i], opSourceOffset[i], opSlot[i], opDestOffset[i], opLength[i]));
        }
        List<SlotResponse> slots = new ArrayList<>(slotCount);
        for (int s = 0; s < slotCount; s++) {
            if (slotExtra[s]) {
                slots.add(new ExtraResponse(
                        s,
                        slotExtraType[s],
                        slotFlags[s],
                        slotGsoSize[s],
                        slotGsoType[s],
                        slotHashValue[s],
                        slotHashType[s]));
            } else {
                slots.add(new DataResponse(s, slotOffset[s], slotStatus[s], slotFlags[s]));
            }
        }
        return new RxPlan(packetLength, estimate, ops, slots);
    }
}
