package io.github.netbackrx.netback;

import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotEstimator;
import io.github.netbackrx.ring.RingProtocolException;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.GntStatus;
import io.github.netbackrx.xen.GrantCopyBatch;
import io.github.netbackrx.xen.GrantCopyEngine;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual interface of the 2010 netback, guest-RX side ({@code struct xen_netif} with the
 * {@code xen_netbk} work it does for it): packets from the host stack go in through {@link
 * #startXmit} ({@code netif_be_start_xmit}) and onto the guest's RX ring in {@link #rxAction}
 * ({@code net_rx_action}).
 *
 * <h2>Bytes</h2>
 *
 * A packet is an {@link Skb} layout plus its bytes. On arrival the vif places them into real
 * frames: the head and local fragments into frames of the backend domain (at their page offsets),
 * foreign fragments into frames of the peer domain, which grants them read-only to the backend
 * (copied by reference with {@code GNTCOPY_source_gref}). So {@code GNTTABOP_copy} moves the real
 * bytes, and the guest's bytes can be checked end to end. The frames are freed (and the peer's
 * grants ended) once the packet's responses are written or it is dropped. Packets are placed
 * after the re-layout and the policy check below, so every area lies within one frame.
 *
 * <h2>{@code startXmit} ({@code netif_be_start_xmit})</h2>
 *
 * <ol>
 *   <li>Dropped ({@link VifListener#dropped}) when the vif is disabled, its queue is stopped, or
 *       {@code netbk_queue_full} holds.
 *   <li>A head that crosses or reaches its page end ({@code offset + length >= 4096}, the 2010
 *       test) is re-laid out as {@code netbk_copy_skb} did: a fresh linear head of at most {@link #COPY_SKB_HEAD_CAPACITY} bytes
 *       at offset {@link #COPY_SKB_HEAD_OFFSET} of a new page, and the rest of the packet in
 *       full-page local fragments at offset 0. (Approximation: the driver's head room is {@code
 *       SKB_MAX_HEAD(0)} after {@code skb_reserve(16 + NET_IP_ALIGN)}, which depends on the
 *       kernel's {@code sizeof(struct skb_shared_info)}; 4096 - 320 - 18 is used here.)
 *   <li>The policy's estimate ({@code count_skb_slots} for {@link PackingPolicy#COALESCE}) is
 *       added to the peek counter {@code rx_req_cons_peek}; a packet the policy refuses is dropped
 *       ({@link DropReason#UNSUPPORTED}) where the driver would have hit a {@code BUG()}.
 *   <li>If {@code netbk_queue_full} now holds, {@code req_event} is re-armed to {@code peek +
 *       max_required_rx_slots} and, if the ring is still full, the queue is stopped.
 * </ol>
 *
 * <p>{@code netbk_queue_full}: {@code req_prod - peek < needed} or {@code rsp_prod_pvt + RING_SIZE
 * - peek < needed} (unsigned 32-bit), with {@code needed = max_required_rx_slots = ceil(mtu / 4096)
 * + (sg || gso ? MAX_SKB_FRAGS + 1 : 0)}.
 *
 * <h2>{@code rxAction} ({@code net_rx_action})</h2>
 *
 * <ol>
 *   <li>{@code req_prod} is read and checked with {@code RING_REQUEST_PROD_OVERFLOW}: a front end
 *       that moved it more than a ring ahead disables the vif ({@link #disabledBy()}); its queued
 *       packets are dropped and nothing is written.
 *   <li>Packets are taken from the queue and planned with {@link RxPacker} ({@code
 *       netbk_gop_skb}); each consumes its requests and adds its copy ops to one batch. The 2010
 *       batching rule: {@code count += nr_frags + 1} per packet, stop once {@code count +
 *       MAX_SKB_FRAGS >= RING_SIZE}.
 *   <li>Before a packet is taken, two checks the driver did not make: its ops must fit the
 *       remaining room of the copy-op array ({@code grant_copy_op[2 * NET_RX_RING_SIZE]}), and
 *       its requests must have been posted ({@code req_cons + slots <= req_prod}). If not, the
 *       batch ends before it (it stays queued), the event is counted ({@link
 *       VifStatistics#copyArrayOverflows()}, {@link VifStatistics#estimateOverruns()}) and logged.
 *       With the 2010 packers on single-page areas a packet uses at most {@code 2 * (nr_frags +
 *       1)} ops, so the 512-op array cannot overflow under the 2010 batching rule; a smaller array
 *       ({@link Builder#copyOpArraySize}) shows the detection.
 *   <li>All ops of the batch go to the hypervisor in one {@code GNTTABOP_copy}.
 *   <li>Per packet, in order: the responses are written in the slots of the requests it consumed
 *       (the request's {@code id}; the GSO extra in slot 1), with {@code NETIF_RSP_ERROR} in every
 *       data slot when any of the packet's own ops failed (each op records its packet; see {@link
 *       CheckGop} for the 2010 rule, which could blame the wrong packet); {@code
 *       RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}; the packet's frames are freed; a stopped queue is
 *       woken once {@code netbk_queue_full} no longer holds.
 *   <li>One event-channel send if any push asked for a notification.
 * </ol>
 *
 * <h2>Engine profiles</h2>
 *
 * The above is {@link EngineProfile#LINUX_2010}, the default. {@link Builder#profile} selects
 * another generation's admission, batching and error handling ({@link EngineProfile#LINUX_3_14},
 * {@link EngineProfile#RX_C}, {@link EngineProfile#FREEBSD}); the vif then delegates {@code
 * startXmit}, {@code rxAction} and {@code frontendEvent} to that profile's strategy after its own
 * checks (disabled, stopped, {@code req_prod} sane). Areas that cross pages are placed in several
 * frames; the {@code netbk_copy_skb} re-layout applies only under {@code coalesce} and {@code
 * per-frag}.
 *
 * <p>Not thread-safe; no threads, no clock. Logging only for rare events (disable, copy-array
 * overflow, estimate overrun, unsupported packets), never per op.
 */
public final class Vif {
    /** Offset of the new head in its page after the {@code netbk_copy_skb} re-layout (16 + 2). */
    public static final int COPY_SKB_HEAD_OFFSET = 18;

    /** Bytes of head the {@code netbk_copy_skb} re-layout keeps linear (approximation, see above). */
    public static final int COPY_SKB_HEAD_CAPACITY = Netif.PAGE_SIZE - 320 - COPY_SKB_HEAD_OFFSET;

    static final Logger LOG = LoggerFactory.getLogger(Vif.class);

    final Domain backend;
    final int frontendDomid;
    final Domain peer;
    final RxRing.BackRing back;
    final RxRing ring;
    final EventChannel.Endpoint port;
    final GrantCopyEngine engine;
    final RxPacker packer;
    final int maxSkbFrags;
    private final int maxRequiredRxSlots;
    final int copyOpArraySize;
    final VifListener listener;

    final ArrayDeque<Queued> queue = new ArrayDeque<>();
    final PlanBuffer plan = new PlanBuffer();
    final GrantCopyBatch batch;

    // per batch (reused)
    private final Queued[] batchPackets = new Queued[RxRing.SIZE + 1];
    private final int[] packetFirstIndex = new int[RxRing.SIZE + 1];
    private final int[] packetSlotBase = new int[RxRing.SIZE + 1];
    private final int[] packetSlots = new int[RxRing.SIZE + 1];
    private final int[] packetMetaSlots = new int[RxRing.SIZE + 1];
    private final boolean[] packetError = new boolean[RxRing.SIZE + 1];
    private final int[] slotId = new int[2 * RxRing.SIZE];
    private final int[] slotGref = new int[2 * RxRing.SIZE];
    private final boolean[] slotExtra = new boolean[2 * RxRing.SIZE];
    private final int[] slotStatus = new int[2 * RxRing.SIZE];
    private final int[] slotFlags = new int[2 * RxRing.SIZE];
    private final int[] slotGsoSize = new int[2 * RxRing.SIZE];
    private final int[] slotGsoType = new int[2 * RxRing.SIZE];
    private final int[] slotOffset = new int[2 * RxRing.SIZE];
    private final int[] slotExtraType = new int[2 * RxRing.SIZE];
    private final int[] slotHashValue = new int[2 * RxRing.SIZE];
    private final int[] slotHashType = new int[2 * RxRing.SIZE];
    private final long[] lastTags = new long[RxRing.SIZE + 1];
    private final int[] opPacket;
    private int lastPackets;

    private int reqConsPeek;
    boolean stopped;
    private RingProtocolException disabledBy;
    private final EngineProfile profile;
    private final ProfileEngine profileEngine;
    final int rxQueueMax;

    long packetsSent;
    long bytesSent;
    long packetsErrored;
    long packetsDropped;
    long slotsUsed;
    long copyOps;
    long failedCopyOps;
    long hypercalls;
    long batches;
    long notifications;
    long queueStops;
    long queueWakes;
    long copyArrayOverflows;
    long estimateOverruns;

    private Vif(Builder b) {
        this.backend = b.backend;
        this.frontendDomid = b.frontendDomid;
        this.peer = b.peer;
        this.back = b.ring;
        this.ring = b.ring.ring();
        this.port = b.port;
        this.engine = b.hypervisor.grantCopyEngine(b.backend);
        this.profile = b.profile;
        PackingPolicy policy = b.policy == null ? b.profile.defaultPolicy() : b.policy;
        this.packer = RxPacker.builder(policy)
                .estimator(b.estimator == null ? b.profile.defaultEstimator(policy) : b.estimator)
                .build();
        this.maxSkbFrags = b.maxSkbFrags == 0 ? b.profile.defaultMaxSkbFrags() : b.maxSkbFrags;
        this.maxRequiredRxSlots = maxRequiredRxSlots(b.mtu, b.scatterGather, maxSkbFrags);
        this.copyOpArraySize = b.copyOpArraySize == 0 ? b.profile.defaultCopyOpArraySize() : b.copyOpArraySize;
        this.listener = b.listener;
        this.batch = new GrantCopyBatch(copyOpArraySize);
        this.opPacket = new int[copyOpArraySize];
        this.reqConsPeek = b.ring.reqCons();
        this.rxQueueMax = b.rxQueueMax;
        this.profileEngine = switch (b.profile) {
            case LINUX_2010 -> null;
            case LINUX_3_14 -> new Linux314Engine(this);
            case RX_C -> new RxCEngine(this);
            case FREEBSD -> new FreeBsdEngine(this);
        };
    }

    /**
     * Starts configuring a vif.
     *
     * @param hypervisor the host
     * @param backend the backend (driver) domain, issuer of the copies
     * @param frontendDomid the guest's domain id (destination of the copies)
     * @param ring the back view of the guest's RX ring
     * @param port the backend's end of the event channel to the guest
     * @return a builder
     */
    public static Builder builder(
            Hypervisor hypervisor,
            Domain backend,
            int frontendDomid,
            RxRing.BackRing ring,
            EventChannel.Endpoint port) {
        return new Builder(hypervisor, backend, frontendDomid, ring, port);
    }

    /**
     * {@code max_required_rx_slots}: the slots a worst-case packet needs, {@code ceil(mtu / 4096) +
     * (sg or gso ? MAX_SKB_FRAGS + 1 : 0)}.
     *
     * @param mtu the device MTU
     * @param scatterGather whether scatter-gather or GSO is on
     * @param maxSkbFrags {@code MAX_SKB_FRAGS}
     * @return the slot count
     */
    public static int maxRequiredRxSlots(int mtu, boolean scatterGather, int maxSkbFrags) {
        return (mtu + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE + (scatterGather ? maxSkbFrags + 1 : 0);
    }

    // ---- netif_be_start_xmit -------------------------------------------------------------------

    /**
     * {@code netif_be_start_xmit}: queues a packet for the guest or drops it (see the class
     * comment). The caller keeps ownership of {@code data}; it is copied into frames here.
     *
     * @param skb the packet's layout
     * @param data its bytes, {@code skb.length()} of them
     * @param tag the caller's identifier, handed back to the {@link VifListener}
     * @return whether the packet was queued
     * @throws IllegalArgumentException if {@code data} does not hold {@code skb.length()} bytes
     */
    public boolean startXmit(Skb skb, byte[] data, long tag) {
        Objects.requireNonNull(skb, "skb");
        Objects.requireNonNull(data, "data");
        if (data.length != skb.length()) {
            throw new IllegalArgumentException(
                    "startXmit: " + data.length + " data bytes for a packet of length " + skb.length());
        }
        if (disabledBy != null) {
            return drop(tag, DropReason.DISABLED);
        }
        if (stopped) {
            return drop(tag, DropReason.QUEUE_STOPPED);
        }
        if (!checkReqProd()) {
            return drop(tag, DropReason.DISABLED);
        }
        if (profileEngine != null) {
            return profileEngine.startXmit(skb, data, tag);
        }
        if (queueFull()) {
            return drop(tag, DropReason.RING_FULL);
        }
        Skb s;
        try {
            s = headCrossesPage(skb) && (policy() == PackingPolicy.COALESCE || policy() == PackingPolicy.PER_FRAG)
                    ? copySkb(skb)
                    : skb;
        } catch (InvalidPacketException e) {
            return unsupported(tag, e);
        }
        int estimate = estimateOrDrop(s, tag);
        if (estimate < 0) {
            return false;
        }
        queue.addLast(place(s, data, tag, estimate));
        reqConsPeek += estimate;
        if (queueFull()) {
            ring.setReqEvent(reqConsPeek + maxRequiredRxSlots);
            if (queueFull()) {
                stopped = true;
                queueStops++;
            }
        }
        return true;
    }

    /**
     * {@code netif_be_int}: the front end notified the backend (it posted requests). Wakes a
     * stopped queue once the ring can take a worst-case packet again.
     */
    public void frontendEvent() {
        if (disabledBy == null && checkReqProd()) {
            if (profileEngine != null) {
                profileEngine.frontendEvent();
                return;
            }
            maybeWake();
        }
    }

    // ---- net_rx_action -------------------------------------------------------------------------

    /**
     * {@code net_rx_action}: one batch (see the class comment).
     *
     * @return the number of packets whose responses were written
     */
    public int rxAction() {
        if (disabledBy != null || queue.isEmpty() || !checkReqProd()) {
            return 0;
        }
        if (profileEngine != null) {
            return profileEngine.rxAction();
        }
        int reqProd = ring.reqProd();
        batch.clear();
        int count = 0;
        int nPackets = 0;
        int nSlots = 0;
        while (!queue.isEmpty()) {
            Queued p = queue.peekFirst();
            packer.plan(p.skb, plan);
            int slots = plan.slotCount();
            int ops = plan.opCount();
            if (Integer.compareUnsigned(reqProd - back.reqCons(), slots) < 0) {
                estimateOverruns++;
                LOG.warn(
                        "vif to domain {}: packet {} needs {} requests but only {} are posted"
                                + " (req_cons {}, req_prod {}): reservation was wrong; batch ends here",
                        frontendDomid,
                        p.tag,
                        slots,
                        Integer.toUnsignedString(reqProd - back.reqCons()),
                        Integer.toUnsignedString(back.reqCons()),
                        Integer.toUnsignedString(reqProd));
                break;
            }
            if (batch.size() + ops > copyOpArraySize) {
                if (nPackets == 0) {
                    queue.pollFirst();
                    LOG.warn(
                            "vif to domain {}: packet {} needs {} copy ops, more than the array of {}; dropped",
                            frontendDomid,
                            p.tag,
                            ops,
                            copyOpArraySize);
                    reqConsPeek -= p.estimate;
                    discard(p, DropReason.COPY_ARRAY_TOO_SMALL);
                    continue;
                }
                copyArrayOverflows++;
                LOG.warn(
                        "vif to domain {}: copy-op array overflow averted: {} ops queued + {} for packet {} > {};"
                                + " batch ends here",
                        frontendDomid,
                        batch.size(),
                        ops,
                        p.tag,
                        copyOpArraySize);
                break;
            }
            queue.pollFirst();
            takePacket(p, nPackets, nSlots);
            nSlots += slots;
            count += p.skb.fragCount() + 1;
            nPackets++;
            if (count + maxSkbFrags >= RxRing.SIZE) {
                break;
            }
        }
        if (nPackets == 0) {
            lastPackets = 0;
            return 0;
        }
        Arrays.fill(packetError, 0, nPackets, false);
        if (copyBatch() > 0) {
            for (int i = 0, nOps = batch.size(); i < nOps; i++) {
                if (batch.status(i) != GntStatus.OKAY) {
                    packetError[opPacket[i]] = true;
                }
            }
        }
        batches++;
        boolean notify = false;
        for (int j = 0; j < nPackets; j++) {
            notify |= respond(j);
        }
        notifyIf(notify);
        lastPackets = nPackets;
        return nPackets;
    }

    private void takePacket(Queued p, int j, int slotBase) {
        int first = back.reqCons();
        int slots = plan.slotCount();
        int meta = 0;
        for (int s = 0; s < slots; s++) {
            int idx = back.takeRequest();
            int k = slotBase + s;
            slotId[k] = ring.requestId(idx);
            slotGref[k] = ring.requestGref(idx);
            slotExtra[k] = plan.slotIsExtra(s);
            slotFlags[k] = plan.slotFlags(s);
            if (slotExtra[k]) {
                slotExtraType[k] = plan.slotExtraType(s);
                if (slotExtraType[k] == Netif.EXTRA_TYPE_HASH) {
                    slotHashValue[k] = plan.slotHashValue(s);
                    slotHashType[k] = plan.slotHashType(s).wireValue();
                } else {
                    slotGsoSize[k] = plan.slotGsoSize(s);
                    GsoType t = plan.slotGsoType(s);
                    slotGsoType[k] = t == null ? Netif.GSO_TYPE_NONE : t.wireValue();
                }
            } else {
                slotStatus[k] = plan.slotStatus(s);
                slotOffset[k] = plan.slotOffset(s);
                meta++;
            }
        }
        for (int i = 0, n = plan.opCount(); i < n; i++) {
            int op = addOp(batch, p, plan, i, slotGref[slotBase + plan.opSlot(i)]);
            opPacket[op] = j;
        }
        batchPackets[j] = p;
        lastTags[j] = p.tag;
        packetFirstIndex[j] = first;
        packetSlotBase[j] = slotBase;
        packetSlots[j] = slots;
        packetMetaSlots[j] = meta;
        slotsUsed += slots;
    }

    private boolean respond(int j) {
        Queued p = batchPackets[j];
        batchPackets[j] = null;
        boolean error = packetError[j];
        int first = packetFirstIndex[j];
        int base = packetSlotBase[j];
        int slots = packetSlots[j];
        for (int s = 0; s < slots; s++) {
            int k = base + s;
            if (!slotExtra[k]) {
                ring.writeResponse(
                        first + s, slotId[k], slotOffset[k], slotFlags[k], error ? Netif.RSP_ERROR : slotStatus[k]);
            } else if (slotExtraType[k] == Netif.EXTRA_TYPE_HASH) {
                ring.writeHashExtra(
                        first + s, slotFlags[k], slotHashType[k], HashType.ALGORITHM_TOEPLITZ, slotHashValue[k]);
            } else {
                ring.writeGsoExtra(first + s, slotFlags[k], slotGsoSize[k], slotGsoType[k]);
            }
        }
        back.setRspProdPvt(first + slots);
        boolean notify = back.pushResponsesAndCheckNotify();
        completed(p, error, slots);
        maybeWake();
        return notify;
    }

    // ---- state ---------------------------------------------------------------------------------

    /**
     * {@code netbk_queue_full}: whether the ring cannot take a worst-case packet beyond what is
     * already reserved.
     *
     * @return whether the ring counts as full
     */
    public boolean queueFull() {
        int reqProd = ring.reqProd();
        return Integer.compareUnsigned(reqProd - reqConsPeek, maxRequiredRxSlots) < 0
                || Integer.compareUnsigned(back.rspProdPvt() + RxRing.SIZE - reqConsPeek, maxRequiredRxSlots) < 0;
    }

    /** @return whether the queue is stopped ({@code netif_queue_stopped}) */
    public boolean queueStopped() {
        return stopped;
    }

    /** @return the number of packets queued and not yet on the ring */
    public int queuedPackets() {
        return queue.size();
    }

    /** @return {@code rx_req_cons_peek}: where {@code req_cons} will be once the queue is drained */
    public int reqConsPeek() {
        return reqConsPeek;
    }

    /** @return {@code max_required_rx_slots} of this vif */
    public int maxRequiredRxSlots() {
        return maxRequiredRxSlots;
    }

    /** @return the packing policy */
    public PackingPolicy policy() {
        return packer.policy();
    }

    /** @return the engine profile */
    public EngineProfile profile() {
        return profile;
    }

    /** @return the estimate the engine reserves or checks per packet */
    public SlotEstimator estimator() {
        return packer.estimator();
    }

    /**
     * The profile's internal queue length in bytes ({@code rx_queue_len} of {@code rx.c}; the sum of
     * queued packet lengths for the others).
     *
     * @return bytes queued
     */
    public long queuedBytes() {
        long n = 0;
        for (Queued q : queue) {
            n += q.skb.length();
        }
        return n;
    }

    /** @return the error that disabled the vif, if it is disabled */
    public Optional<RingProtocolException> disabledBy() {
        return Optional.ofNullable(disabledBy);
    }

    /** @return a snapshot of the counters */
    public VifStatistics statistics() {
        return new VifStatistics(
                packetsSent,
                bytesSent,
                packetsErrored,
                packetsDropped,
                slotsUsed,
                copyOps,
                failedCopyOps,
                hypercalls,
                batches,
                notifications,
                queueStops,
                queueWakes,
                copyArrayOverflows,
                estimateOverruns);
    }

    /**
     * The last {@link #rxAction()} batch that put packets on the ring, op by op, with the 2010 attribution beside the model's.
     * Allocates; meant for tests and tools.
     *
     * @return the report (empty lists before the first batch or after a call that ended a batch
     *     before its first packet)
     */
    public BatchReport lastBatch() {
        int n = lastPackets;
        int nOps = n == 0 ? 0 : batch.size();
        List<Long> tags = new ArrayList<>();
        List<Integer> ops = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        List<Integer> metas = new ArrayList<>();
        List<Boolean> errors = new ArrayList<>();
        List<Boolean> seed = new ArrayList<>();
        int[] st = new int[nOps];
        int[] meta = Arrays.copyOf(packetMetaSlots, n);
        for (int i = 0; i < nOps; i++) {
            ops.add(opPacket[i]);
            st[i] = batch.status(i);
            statuses.add(st[i]);
        }
        boolean[] seedBad = CheckGop.seedAttribution(meta, st);
        for (int j = 0; j < n; j++) {
            tags.add(lastTags[j]);
            metas.add(meta[j]);
            errors.add(packetError[j]);
            seed.add(seedBad[j]);
        }
        return new BatchReport(tags, ops, statuses, metas, errors, seed);
    }

    // ---- helpers -------------------------------------------------------------------------------

    boolean checkReqProd() {
        try {
            back.checkedReqProd();
            return true;
        } catch (RingProtocolException e) {
            disable(e);
            return false;
        }
    }

    private void disable(RingProtocolException e) {
        disabledBy = e;
        LOG.error("vif to domain {} disabled: {}", frontendDomid, e.getMessage());
        stopQueue();
        while (!queue.isEmpty()) {
            discard(queue.pollFirst(), DropReason.DISABLED);
        }
    }

    /**
     * {@code xenvif_rx_ring_slots_available}: whether {@code needed} requests are posted beyond
     * {@code req_cons}; if not, {@code req_event} is re-armed to {@code req_prod + 1} (so the front
     * end's next posting notifies) and {@code req_prod} is read again, in case it moved meanwhile.
     */
    boolean ringSlotsAvailable(int needed) {
        while (true) {
            int prod = ring.reqProd();
            if (Integer.compareUnsigned(prod - back.reqCons(), needed) >= 0) {
                return true;
            }
            ring.setReqEvent(prod + 1);
            if (ring.reqProd() == prod) {
                return false;
            }
        }
    }

    void stopQueue() {
        if (!stopped) {
            stopped = true;
            queueStops++;
        }
    }

    void wakeQueue() {
        if (stopped && disabledBy == null) {
            stopped = false;
            queueWakes++;
        }
    }

    /** The policy's estimate under the profile's estimator, or {@code -1} after dropping the packet as unsupported. */
    int estimateOrDrop(Skb skb, long tag) {
        try {
            int e = packer.estimateSlots(skb);
            if (peer == null && hasForeign(skb)) {
                drop(tag, DropReason.NO_PEER);
                return -1;
            }
            return e;
        } catch (PolicyViolationException | InvalidPacketException e) {
            unsupported(tag, e);
            return -1;
        }
    }

    /** Drops a packet the policy refuses (where the driver would hit a {@code BUG()}); {@code false}. */
    private boolean unsupported(long tag, RuntimeException e) {
        LOG.debug("vif to domain {}: packet {} dropped: {}", frontendDomid, tag, e.getMessage());
        return drop(tag, DropReason.UNSUPPORTED);
    }

    /** Admission without a ring check: the estimate (or a drop), then the packet placed at the queue's tail. */
    boolean enqueue(Skb skb, byte[] data, long tag) {
        int estimate = estimateOrDrop(skb, tag);
        if (estimate < 0) {
            return false;
        }
        queue.addLast(place(skb, data, tag, estimate));
        return true;
    }

    /** Counts a packet whose responses were written, frees its frames and tells the listener. */
    void completed(Queued p, boolean error, int slots) {
        if (error) {
            packetsErrored++;
        } else {
            packetsSent++;
            bytesSent += p.skb.length();
        }
        release(p);
        listener.responded(p.tag, error, slots);
    }

    /** The 2010 wake: a stopped queue runs again once {@code netbk_queue_full} no longer holds. */
    private void maybeWake() {
        if (stopped && !queueFull()) {
            wakeQueue();
        }
    }

    /** Counts a packet that is not sent and tells the listener; always {@code false} (not queued). */
    boolean drop(long tag, DropReason reason) {
        packetsDropped++;
        listener.dropped(tag, reason);
        return false;
    }

    /** Frees a queued packet's frames and drops it. */
    void discard(Queued p, DropReason reason) {
        release(p);
        drop(p.tag, reason);
    }

    /**
     * A plan that uses more ring slots than the packet's estimate ({@code check} names the bound
     * the profile checked): counted ({@link VifStatistics#estimateOverruns()}), logged and dropped
     * ({@link DropReason#ESTIMATE_EXCEEDED}) where the driver would consume requests not posted.
     */
    void dropOverrun(Queued p, int slots, String check) {
        estimateOverruns++;
        LOG.warn(
                "vif to domain {}: packet {} uses {} slots, more than {} {}; dropped",
                frontendDomid,
                p.tag,
                slots,
                check,
                p.estimate);
        discard(p, DropReason.ESTIMATE_EXCEEDED);
    }

    /**
     * One {@code GNTTABOP_copy} of the whole batch (none when it is empty), counted.
     *
     * @return how many of its ops failed
     */
    int copyBatch() {
        int n = batch.size();
        if (n == 0) {
            return 0;
        }
        engine.copy(batch);
        hypercalls++;
        copyOps += n;
        int failed = 0;
        for (int i = 0; i < n; i++) {
            if (batch.status(i) != GntStatus.OKAY) {
                failed++;
            }
        }
        failedCopyOps += failed;
        return failed;
    }

    /** {@code notify_remote_via_irq} when a push asked for a notification. */
    void notifyIf(boolean notify) {
        if (notify) {
            port.send();
            notifications++;
        }
    }

    /**
     * The 2010 {@code netif_be_start_xmit} test for {@code netbk_copy_skb}: {@code skb_headlen +
     * offset_in_page(data) >= PAGE_SIZE}, so a head that ends exactly at its page end is copied too;
     * a head starting in a later page of its compound page is taken at its offset in that page.
     */
    private static boolean headCrossesPage(Skb skb) {
        return (skb.headOffset() & (Netif.PAGE_SIZE - 1)) + skb.headLength() >= Netif.PAGE_SIZE;
    }

    /** {@code netbk_copy_skb}: a fresh head in one page, the rest in full-page local fragments. */
    private Skb copySkb(Skb skb) {
        int headLength = Math.min(skb.headLength(), COPY_SKB_HEAD_CAPACITY);
        Skb.Builder b = Skb.builder().maxFrags(maxSkbFrags).head(COPY_SKB_HEAD_OFFSET, headLength);
        for (int rest = skb.length() - headLength; rest > 0; rest -= Netif.PAGE_SIZE) {
            b.frag(0, Math.min(rest, Netif.PAGE_SIZE));
        }
        if (skb.hasGso()) {
            b.gso(skb.gsoSize(), skb.gsoType());
        }
        if (skb.hasHash()) {
            b.hash(skb.hashValue(), skb.hashType());
        }
        return b.checksum(skb.checksum()).build();
    }

    static boolean hasForeign(Skb skb) {
        for (int k = 0; k < skb.fragCount(); k++) {
            if (skb.fragForeign(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Places a packet's bytes into frames: each area gets the {@code ceil((offset + length) / 4096)}
     * frames its (possibly compound) page spans, so an area crossing pages lies in several frames.
     */
    Queued place(Skb skb, byte[] data, long tag, int estimate) {
        int areas = skb.fragCount() + 1;
        long[][] frames = new long[areas][];
        int[][] grefs = new int[areas][];
        int pos = 0;
        for (int a = 0; a < areas; a++) {
            int offset = a == 0 ? skb.headOffset() : skb.fragOffset(a - 1);
            int length = a == 0 ? skb.headLength() : skb.fragLength(a - 1);
            boolean foreign = a > 0 && skb.fragForeign(a - 1);
            Domain owner = foreign ? peer : backend;
            int n = Math.max(1, (offset + length + Netif.PAGE_SIZE - 1) / Netif.PAGE_SIZE);
            frames[a] = new long[n];
            grefs[a] = new int[n];
            for (int f = 0; f < n; f++) {
                long frame = owner.allocateFrame();
                int lo = Math.max(offset, f * Netif.PAGE_SIZE);
                int hi = Math.min(offset + length, (f + 1) * Netif.PAGE_SIZE);
                if (hi > lo) {
                    owner.write(frame, lo - f * Netif.PAGE_SIZE, data, pos + lo - offset, hi - lo);
                }
                frames[a][f] = frame;
                grefs[a][f] = foreign ? peer.grantTable().grantAccess(backend.domid(), frame, true) : -1;
            }
            pos += length;
        }
        return new Queued(skb, tag, frames, grefs, estimate);
    }

    void release(Queued p) {
        for (int a = 0; a < p.frames.length; a++) {
            for (int f = 0; f < p.frames[a].length; f++) {
                if (p.grefs[a][f] >= 0) {
                    peer.grantTable().endAccess(p.grefs[a][f]);
                    peer.freeFrame(p.frames[a][f]);
                } else {
                    backend.freeFrame(p.frames[a][f]);
                }
            }
        }
    }

    /**
     * Adds op {@code i} of {@code pl} (a plan of {@code p}) to {@code b}, writing into the guest
     * buffer {@code destGref}: the source is the frame of the area holding the op's first byte
     * (by grant reference for a foreign fragment, by gmfn otherwise).
     *
     * @return the op's index in {@code b}
     */
    int addOp(GrantCopyBatch b, Queued p, PlanBuffer pl, int i, int destGref) {
        int area = pl.opSource(i) + 1;
        int srcOffset = pl.opSourceOffset(i);
        int f = srcOffset / Netif.PAGE_SIZE;
        int offset = srcOffset % Netif.PAGE_SIZE;
        int len = pl.opLength(i);
        if (packer.policy() == PackingPolicy.PER_FRAG) {
            // the pre-2010 netbk_gop_frag: a fragment's op names frags[i].page (its first frame) with
            // the whole page_offset; gnttab_copy's offset and len are u16; Xen checks the bounds
            if (area > 0) {
                f = 0;
                offset = srcOffset & 0xFFFF;
            }
            len &= 0xFFFF;
        }
        if (p.grefs[area][f] >= 0) {
            return b.add(
                    true,
                    p.grefs[area][f],
                    peer.domid(),
                    offset,
                    true,
                    Integer.toUnsignedLong(destGref),
                    frontendDomid,
                    pl.opDestOffset(i),
                    len);
        }
        return b.add(
                false,
                p.frames[area][f],
                Hypervisor.DOMID_SELF,
                offset,
                true,
                Integer.toUnsignedLong(destGref),
                frontendDomid,
                pl.opDestOffset(i),
                len);
    }

    /**
     * Writes slot {@code s} of {@code pl} at ring index {@code index}: an extra (GSO or hash) or a
     * data response with the request's {@code id}.
     */
    void writeSlot(int index, PlanBuffer pl, int s, int id, boolean error) {
        if (pl.slotIsExtra(s)) {
            if (pl.slotExtraType(s) == Netif.EXTRA_TYPE_HASH) {
                ring.writeHashExtra(
                        index,
                        pl.slotFlags(s),
                        pl.slotHashType(s).wireValue(),
                        HashType.ALGORITHM_TOEPLITZ,
                        pl.slotHashValue(s));
            } else {
                GsoType t = pl.slotGsoType(s);
                ring.writeGsoExtra(
                        index, pl.slotFlags(s), pl.slotGsoSize(s), t == null ? Netif.GSO_TYPE_NONE : t.wireValue());
            }
        } else {
            ring.writeResponse(
                    index, id, pl.slotOffset(s), pl.slotFlags(s), error ? Netif.RSP_ERROR : pl.slotStatus(s));
        }
    }

    /**
     * A queued packet: its layout, tag, the frames holding its areas and their peer grants, and
     * the per-batch state a profile engine keeps on it (error, extra slots, first ring index, slots).
     */
    static final class Queued {
        final Skb skb;
        final long tag;
        final long[][] frames;
        final int[][] grefs;
        final int estimate;
        boolean error;
        boolean[] extra;
        int firstIndex;
        int slotCount;

        Queued(Skb skb, long tag, long[][] frames, int[][] grefs, int estimate) {
            this.skb = skb;
            this.tag = tag;
            this.frames = frames;
            this.grefs = grefs;
            this.estimate = estimate;
        }
    }

    /** Configures a {@link Vif}. */
    public static final class Builder {
        private final Hypervisor hypervisor;
        private final Domain backend;
        private final int frontendDomid;
        private final RxRing.BackRing ring;
        private final EventChannel.Endpoint port;
        private Domain peer;
        private EngineProfile profile = EngineProfile.LINUX_2010;
        private PackingPolicy policy;
        private SlotEstimator estimator;
        private int mtu = 1500;
        private boolean scatterGather = true;
        private int maxSkbFrags;
        private int copyOpArraySize;
        private int rxQueueMax = KernelLimits.RX_QUEUE_MAX_DEFAULT;
        private VifListener listener = VifListener.NONE;

        private Builder(
                Hypervisor hypervisor,
                Domain backend,
                int frontendDomid,
                RxRing.BackRing ring,
                EventChannel.Endpoint port) {
            this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
            this.backend = Objects.requireNonNull(backend, "backend");
            this.frontendDomid = frontendDomid;
            this.ring = Objects.requireNonNull(ring, "ring");
            this.port = Objects.requireNonNull(port, "port");
        }

        /**
         * @param p the domain foreign fragments come from (it grants them to the backend)
         * @return this
         */
        public Builder peer(Domain p) {
            this.peer = p;
            return this;
        }

        /**
         * @param p the engine profile (default {@link EngineProfile#LINUX_2010}): how packets are
         *     admitted, batched, copied and answered
         * @return this
         */
        public Builder profile(EngineProfile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            return this;
        }

        /**
         * @param e the estimate the profile reserves or checks (default {@link
         *     EngineProfile#defaultEstimator(PackingPolicy)})
         * @return this
         */
        public Builder estimator(SlotEstimator e) {
            this.estimator = Objects.requireNonNull(e, "estimator");
            return this;
        }

        /**
         * @param bytes {@code rx_queue_max} of the {@code rx.c} profile: the internal queue's byte
         *     bound (default {@link KernelLimits#RX_QUEUE_MAX_DEFAULT}), at least 1
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder rxQueueMax(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("rxQueueMax: " + bytes + " bytes, must be at least 1");
            }
            this.rxQueueMax = bytes;
            return this;
        }

        /**
         * @param p the packing policy (default the profile's, {@link EngineProfile#defaultPolicy()})
         * @return this
         */
        public Builder policy(PackingPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * @param m the device MTU (default 1500), 68 .. 65535
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder mtu(int m) {
            this.mtu = inRange("mtu", m, 68, 65535);
            return this;
        }

        /**
         * @param sg whether scatter-gather/GSO is on (default true): it adds {@code MAX_SKB_FRAGS +
         *     1} to {@code max_required_rx_slots}
         * @return this
         */
        public Builder scatterGather(boolean sg) {
            this.scatterGather = sg;
            return this;
        }

        /**
         * @param n {@code MAX_SKB_FRAGS} (default the profile's: 18 for the 2010 kernels, 17 later), 1 .. 64
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxSkbFrags(int n) {
            this.maxSkbFrags = inRange("maxSkbFrags", n, 1, 64);
            return this;
        }

        /**
         * @param n ops the copy-op array holds (default the profile's, {@link
         *     EngineProfile#defaultCopyOpArraySize()}: {@link KernelLimits#COPY_OP_ARRAY_2010} for the 2010 engine),
         *     1 .. 65536
         * @return this
         * @throws IllegalArgumentException if out of range
         */
        public Builder copyOpArraySize(int n) {
            this.copyOpArraySize = inRange("copyOpArraySize", n, 1, 65536);
            return this;
        }

        /**
         * @param l told what became of each packet (default: nothing)
         * @return this
         */
        public Builder listener(VifListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        private static int inRange(String setting, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(setting + ": " + value + " outside " + min + ".." + max);
            }
            return value;
        }

        /** @return the vif, its peek counter starting at the ring's current {@code req_cons} */
        public Vif build() {
            return new Vif(this);
        }
    }
}
