package io.github.netbackrx.bugs;

import io.github.netbackrx.core.DataResponse;
import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.FrontendFeatures;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Invariant;
import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.core.SlotEstimator;
import io.github.netbackrx.core.SlotResponse;
import io.github.netbackrx.netback.CheckGop;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.Vif;
import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.xen.GntStatus;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of historic netback guest-RX bugs ({@code research/linux-netback-rx.md} §2) the
 * model can express, each a {@link BugCase} that {@link BugCase#replay() replays} the input on the
 * buggy and the fixed generation. {@code docs/bugs.md} explains every entry with its source.
 *
 * <p>Invariants: plan-level cases use {@link Invariant} labels reported by {@link PlanChecker};
 * engine-level cases name their own: {@code area-within-page} (the 2010 rule's {@code BUG_ON(size +
 * offset > PAGE_SIZE)}), {@code copy-ops-within-array}, {@code overflow-check-catches-overrun},
 * {@code error-charged-to-own-packet}, {@code stall-detected} and {@code required-slots-postable}.
 */
public final class BugCatalogue {
    /** Engine-level invariant: each area the 2010 rule copies lies within one 4 KiB page. */
    public static final String AREA_WITHIN_PAGE = "area-within-page";
    /** Engine-level invariant: a batch's copy ops fit the copy-op array. */
    public static final String COPY_OPS_WITHIN_ARRAY = "copy-ops-within-array";
    /** Engine-level invariant: the overflow check fires whenever ring slots exceed the estimate. */
    public static final String OVERFLOW_CHECK_CATCHES_OVERRUN = "overflow-check-catches-overrun";
    /** Engine-level invariant: a failed copy op marks its own packet and no other. */
    public static final String ERROR_CHARGED_TO_OWN_PACKET = "error-charged-to-own-packet";
    /** Engine-level invariant: a head packet that cannot be placed counts as stalled. */
    public static final String STALL_DETECTED = "stall-detected";
    /** Engine-level invariant: a queue whose packets fit the posted ring does not stop for good. */
    public static final String NO_PERMANENT_STALL = "no-permanent-stall";
    /** Engine-level invariant: the slots required before sending fit what the frontend posts. */
    public static final String REQUIRED_SLOTS_POSTABLE = "required-slots-postable";

    private static final List<BugCase> CASES = List.of(
            compoundFragment(),
            headUndercount30(),
            headUndercount36(),
            copyArray2x256(),
            overEstimateStall(),
            fragOffsetUndercount(),
            metaVersusSlotCheck(),
            cappedEstimate(),
            copyStatusMisattribution(),
            xsa392StallDetection(),
            ipxeRequiredSlots());

    private BugCatalogue() {}

    /** @return every case, in the order of {@code research/linux-netback-rx.md} §2 */
    public static List<BugCase> all() {
        return CASES;
    }

    /**
     * The case with the given name.
     *
     * @param name e.g. {@code xsa-392-stall}
     * @return the case, or empty
     */
    public static Optional<BugCase> find(String name) {
        return CASES.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    // ---- plan-level helpers --------------------------------------------------------------------

    private static Generation gen(PackingPolicy p, SlotEstimator e, EngineProfile profile) {
        return gen(p, e, profile.label());
    }

    private static Generation gen(PackingPolicy p, SlotEstimator e, String engine) {
        return new Generation(p.label(), e.label(), engine);
    }

    /** Plans {@code skb} under the generation and reports the checker's slots-within-estimate finding. */
    private static BugResult estimateResult(Skb skb, PackingPolicy p, SlotEstimator e, Generation g) {
        RxPlan plan = RxPacker.builder(p).estimator(e).build().plan(skb);
        return checked(skb, plan, g, Invariant.SLOTS_WITHIN_ESTIMATE);
    }

    private static BugResult checked(Skb skb, RxPlan plan, Generation g, Invariant inv) {
        for (Finding f : PlanChecker.check(skb, plan)) {
            if (f.invariant() == inv) {
                return new BugResult(g, true, inv.label(), f.details());
            }
        }
        return new BugResult(
                g, false, inv.label(), plan.slotCount() + " slots used, estimate " + plan.estimate() + "; no finding");
    }

    /** Sends {@code packets} zero-filled copies of {@code skb} through a simulation and drains it. */
    private static GuestRxSimulation drained(GuestRxSimulation.Builder b, Skb skb, int packets) {
        // the host's qdisc holds the whole burst, as the sending application would keep offering it
        GuestRxSimulation sim = b.keepReceived(false).txQueueLen(packets).build();
        for (int i = 0; i < packets; i++) {
            sim.send(skb, new byte[skb.length()]);
        }
        sim.drain();
        return sim;
    }

    // ---- 1. compound fragment under the 2010 rule -----------------------------------------------

    private static BugCase compoundFragment() {
        Skb skb = Skb.builder().head(0, 66).frag(0, 32768).build();
        Generation buggy = gen(PackingPolicy.COALESCE, SlotEstimator.COUNT_SKB_SLOTS_2010, EngineProfile.LINUX_2010);
        Generation fixed = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, EngineProfile.LINUX_3_14);
        return new BugCase(
                "compound-frag",
                "a fragment on a compound page hits the 2010 rule's BUG_ON(size + offset > PAGE_SIZE)",
                "[recall] \"xen/netback: handle compound page fragments on transmit\", I. Campbell, 2012, v3.7;"
                        + " code before/after: snapshots S36 vs S310",
                "a 32 KiB fragment on an order-3 page (page-frag allocator): " + skb,
                AREA_WITHIN_PAGE,
                buggy,
                fixed,
                () -> {
                    try {
                        RxPacker.of(PackingPolicy.COALESCE).plan(skb);
                        return new BugResult(buggy, false, AREA_WITHIN_PAGE, "planned without a BUG()");
                    } catch (PolicyViolationException e) {
                        return new BugResult(buggy, true, AREA_WITHIN_PAGE, e.getMessage());
                    }
                },
                () -> {
                    RxPlan plan = RxPacker.of(PackingPolicy.COALESCE_COMPOUND).plan(skb);
                    List<Finding> f = PlanChecker.check(skb, plan);
                    return new BugResult(
                            fixed,
                            !f.isEmpty(),
                            AREA_WITHIN_PAGE,
                            plan.ops().size() + " ops cut at 4 KiB source frames into " + plan.slotCount() + " slots; "
                                    + (f.isEmpty() ? "no finding" : f.get(0).describe()));
                });
    }

    // ---- 2. multi-page head under-count of the 3.0 and 3.6 estimators ---------------------------

    private static BugCase headUndercount30() {
        Skb skb = Skb.builder().head(0, 4096).frag(0, 100).build();
        Generation buggy = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_0, EngineProfile.LINUX_2010);
        Generation fixed = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, EngineProfile.LINUX_2010);
        return new BugCase(
                "head-undercount-3.0",
                "Linux 3.0's count restarts at copy_off = headlen % 4096: a full-page head counts as an empty"
                        + " buffer",
                "[msg] \"xen-netback: count number required slots for an skb more carefully\", D. Vrabel, 2013"
                        + " (3.10-stable changelog id 25565193017); estimator code S30, exact dry run S310",
                "a head of exactly one page and a small fragment: " + skb,
                Invariant.SLOTS_WITHIN_ESTIMATE.label(),
                buggy,
                fixed,
                () -> estimateResult(skb, PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_0, buggy),
                () -> estimateResult(skb, PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, fixed));
    }

    private static BugCase headUndercount36() {
        Skb skb = Skb.builder().head(4000, 96 + 4096 + 100).build();
        Generation buggy = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_6, EngineProfile.LINUX_2010);
        Generation fixed = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, EngineProfile.LINUX_2010);
        return new BugCase(
                "head-undercount-3.6",
                "Linux 3.6's ceil(headlen / 4096) misses a linear head spanning three pages (|tail p0|p1|head p2|)",
                "[msg] \"xen-netback: count number required slots for an skb more carefully\", D. Vrabel, 2013"
                        + " ([recall] the iSCSI example is from its message); estimator code S36, exact dry run S310",
                "a 4292-byte linear head at offset 4000 (3 pages, under 2 pages long): " + skb,
                Invariant.SLOTS_WITHIN_ESTIMATE.label(),
                buggy,
                fixed,
                () -> estimateResult(skb, PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_6, buggy),
                () -> estimateResult(skb, PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, fixed));
    }

    // ---- 3. the 2 x 256 copy array ----------------------------------------------------------------

    /**
     * A head and 13 fragments of 200 bytes across a page end (2 ops each, coalesced into one slot)
     * and 3 fragments of 4098 bytes spanning three frames (3 ops each): 37 ops, 7 slots, 17 units.
     */
    static Skb manyOpsPacket() {
        Skb.Builder b = Skb.builder().maxFrags(KernelLimits.MAX_SKB_FRAGS_LATER).head(4000, 200);
        for (int k = 0; k < 13; k++) {
            b.frag(4000, 200);
        }
        for (int k = 0; k < 3; k++) {
            b.frag(4095, 4098);
        }
        return b.build();
    }

    private static BugCase copyArray2x256() {
        Skb skb = manyOpsPacket();
        int packets = 15;
        Generation buggy =
                gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, "2010 (grant_copy_op[2 * 256])");
        Generation fixed = gen(
                PackingPolicy.COALESCE_COMPOUND,
                SlotEstimator.EXACT_DRY_RUN,
                "2010 with MAX_SKB_FRAGS * 256 = 4352 ops");
        return new BugCase(
                "copy-array-2x256",
                "the batch limit counts nr_frags + 1 per packet, not copy ops: compound chunks overflow"
                        + " grant_copy_op[2 * 256]",
                "[recall] \"xen-netback: fix guest-receive-side array sizes\", P. Durrant, Dec 2013; arrays [2*256]"
                        + " in S310, MAX_SKB_FRAGS*256 in S314 common.h",
                packets + " packets, each " + skb + " (every area crosses a page end: 37 copy ops, 7 ring slots,"
                        + " 17 batch units)",
                COPY_OPS_WITHIN_ARRAY,
                buggy,
                fixed,
                () -> copyArrayRun(skb, packets, KernelLimits.COPY_OP_ARRAY_2010, buggy),
                () -> copyArrayRun(skb, packets, KernelLimits.MAX_GRANT_COPY_OPS_3_14, fixed));
    }

    private static BugResult copyArrayRun(Skb skb, int packets, int arraySize, Generation g) {
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE_COMPOUND).plan(skb);
        int units = 0;
        int taken = 0;
        while (taken < packets) {
            taken++;
            units += skb.fragCount() + 1;
            if (units + KernelLimits.MAX_SKB_FRAGS_LATER >= KernelLimits.NET_RX_RING_SIZE) {
                break;
            }
        }
        int ops = taken * plan.ops().size();
        GuestRxSimulation sim = drained(
                GuestRxSimulation.builder()
                        .backend(b -> b.profile(EngineProfile.LINUX_2010)
                                .maxSkbFrags(KernelLimits.MAX_SKB_FRAGS_LATER)
                                .copyOpArraySize(arraySize))
                        .vif(v -> v.policy(PackingPolicy.COALESCE_COMPOUND)),
                skb,
                packets);
        VifStatistics v = sim.statistics().vif();
        String details = "the 2010 batching rule (count += nr_frags + 1 while count + MAX_SKB_FRAGS < 256) takes "
                + taken + " packets needing " + ops + " copy ops; the array holds " + arraySize + " (engine: "
                + v.copyArrayOverflows() + " overflows averted, "
                + sim.statistics().delivered() + " of " + packets
                + " delivered)";
        return new BugResult(g, ops > arraySize && v.copyArrayOverflows() > 0, COPY_OPS_WITHIN_ARRAY, details);
    }

    // ---- 4. stall from an over-estimate -------------------------------------------------------------

    private static BugCase overEstimateStall() {
        Skb skb = Skb.builder().head(4000, 200).build();
        int packets = 400;
        Generation buggy = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.LINUX_3_0, EngineProfile.LINUX_2010);
        Generation fixed =
                gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.WORST_CASE_3_14, EngineProfile.LINUX_3_14);
        return new BugCase(
                "over-estimate-stall",
                "rx_req_cons_peek advances by the estimate, req_cons by the slots used: an over-count drifts"
                        + " the peek a ring ahead and the queue stays stopped for good",
                "[recall] \"xen-netback: improve guest-receive-side flow control\", P. Durrant, Dec 2013 (removes"
                        + " the second counting routine, checks ring space at processing time); estimator S30",
                packets + " packets " + skb + " (a 200-byte head across a page end: 3.0 counts"
                        + " ceil((4000 + 200) / 4096) = 2, the walk uses 1)",
                NO_PERMANENT_STALL,
                buggy,
                fixed,
                () -> stallRun(skb, packets, EngineProfile.LINUX_2010, SlotEstimator.LINUX_3_0, buggy),
                () -> stallRun(skb, packets, EngineProfile.LINUX_3_14, SlotEstimator.WORST_CASE_3_14, fixed));
    }

    private static BugResult stallRun(Skb skb, int packets, EngineProfile profile, SlotEstimator e, Generation g) {
        GuestRxSimulation sim = drained(
                GuestRxSimulation.builder()
                        .backend(b -> b.profile(profile))
                        .vif(v -> v.policy(PackingPolicy.COALESCE_COMPOUND).estimator(e)),
                skb,
                packets);
        long stuck = sim.statistics().inFlight();
        boolean stalled = stuck > 0 && sim.vif().queueStopped();
        return new BugResult(
                g,
                stalled,
                NO_PERMANENT_STALL,
                sim.statistics().delivered() + " of " + packets + " delivered; " + stuck + " waiting"
                        + (stalled ? " behind a queue that never wakes" : "") + "; the guest has "
                        + sim.netfront().outstandingRequests() + " requests posted");
    }

    // ---- 5. page-offset fragment under-count before the 3.14 fix ----------------------------------

    /** The 3.14 worst case before "worse-case estimate ... is underestimating": fragments by size only. */
    static int worstCaseBeforeOffsetFix(Skb skb) {
        int page = Netif.PAGE_SIZE;
        long n = (skb.headOffset() % page + (long) skb.headLength() + page - 1) / page;
        for (int k = 0; k < skb.fragCount(); k++) {
            n += (skb.fragLength(k) + page - 1) / page;
        }
        return (int) Math.min(n, KernelLimits.MAX_SKB_FRAGS_LATER) + (skb.hasGso() ? 1 : 0);
    }

    private static BugCase fragOffsetUndercount() {
        Skb skb = Skb.builder().head(0, 1000).frag(100, 8192).build();
        Generation buggy = new Generation(
                PackingPolicy.COALESCE_COMPOUND.label(), "worst-case-3.14 before the offset fix", "3.14");
        Generation fixed =
                gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.WORST_CASE_3_14, EngineProfile.LINUX_3_14);
        return new BugCase(
                "frag-offset-undercount",
                "the 3.14 worst case counted ceil(size / 4096) per fragment: an 8192-byte fragment at offset 100"
                        + " splits 3996 + 4096 + 100 and takes 3 slots, counted 2",
                "[recall] \"xen-netback: worse-case estimate in xenvif_rx_action is underestimating\", P. Durrant,"
                        + " Mar 2014; code S314",
                "an 8192-byte fragment at page offset 100 of an order-2 page behind a 1000-byte head: " + skb,
                Invariant.SLOTS_WITHIN_ESTIMATE.label(),
                buggy,
                fixed,
                () -> {
                    RxPlan p = RxPacker.of(PackingPolicy.COALESCE_COMPOUND).plan(skb);
                    RxPlan withOld = new RxPlan(p.packetLength(), worstCaseBeforeOffsetFix(skb), p.ops(), p.slots());
                    return checked(skb, withOld, buggy, Invariant.SLOTS_WITHIN_ESTIMATE);
                },
                () -> estimateResult(skb, PackingPolicy.COALESCE_COMPOUND, SlotEstimator.WORST_CASE_3_14, fixed));
    }

    // ---- 6 and 7. the capped estimate --------------------------------------------------------------

    /** Head 300 bytes and 17 fragments of 3800 bytes, 64900 bytes of TCPv4 GSO. */
    static Skb cappedPacket() {
        Skb.Builder b = Skb.builder().maxFrags(KernelLimits.MAX_SKB_FRAGS_LATER).head(0, 300);
        for (int k = 0; k < KernelLimits.MAX_SKB_FRAGS_LATER; k++) {
            b.frag(0, 3800);
        }
        return b.gso(1448, GsoType.TCPV4).build();
    }

    private static BugCase metaVersusSlotCheck() {
        Skb skb = cappedPacket();
        Generation buggy = gen(
                PackingPolicy.COALESCE_COMPOUND,
                SlotEstimator.WORST_CASE_3_14,
                "3.14 with BUG_ON(meta slots > max_slots_needed)");
        Generation fixed = gen(
                PackingPolicy.COALESCE_COMPOUND,
                SlotEstimator.WORST_CASE_3_14,
                "3.14 with BUG_ON(req_cons delta > max_slots_needed)");
        return new BugCase(
                "meta-vs-slot-check",
                "the overflow check compared meta slots, not ring slots: a GSO packet's extra slot is in no meta"
                        + " entry, so an overrun by one went unseen",
                "[recall] \"xen-netback: BUG_ON in xenvif_rx_action() not catching overflow\", P. Durrant, 2014;"
                        + " code S314",
                "64900 bytes of TCPv4 GSO in a 300-byte head and 17 fragments of 3800 bytes: " + skb,
                OVERFLOW_CHECK_CATCHES_OVERRUN,
                buggy,
                fixed,
                () -> overflowCheck(skb, buggy, true),
                () -> overflowCheck(skb, fixed, false));
    }

    private static BugResult overflowCheck(Skb skb, Generation g, boolean metaCheck) {
        RxPlan plan = RxPacker.builder(PackingPolicy.COALESCE_COMPOUND)
                .estimator(SlotEstimator.WORST_CASE_3_14)
                .build()
                .plan(skb);
        int ring = plan.slotCount();
        int meta = 0;
        for (SlotResponse s : plan.slots()) {
            if (s instanceof DataResponse) {
                meta++;
            }
        }
        int est = plan.estimate();
        int checked = metaCheck ? meta : ring;
        boolean overrun = ring > est;
        boolean fires = checked > est;
        String details = "ring slots " + ring + ", meta slots " + meta + ", max_slots_needed " + est + ": the check"
                + " compares " + (metaCheck ? "meta slots" : "the req_cons delta") + " (" + checked + ") and "
                + (fires ? "fires" : "does not fire") + (overrun ? " on an overrun" : "");
        return new BugResult(g, overrun && !fires, OVERFLOW_CHECK_CATCHES_OVERRUN, details);
    }

    private static BugCase cappedEstimate() {
        Skb skb = cappedPacket();
        Generation buggy =
                gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.WORST_CASE_3_14, EngineProfile.LINUX_3_14);
        Generation fixed = gen(PackingPolicy.FULL_PAGE, SlotEstimator.WORST_CASE_3_14, EngineProfile.LINUX_3_14);
        return new BugCase(
                "capped-estimate",
                "the worst case is capped at MAX_SKB_FRAGS (17) but the start_new_rx_buffer walk still gives"
                        + " the head and each fragment a slot: 18 data slots",
                "[recall] \"xen-netback: Fix handling of skbs requiring too many slots\", Z. Kiss, 2014"
                        + " (full_coalesce in S316); later always full packing, 1650d5455bd2, 4.0",
                "64900 bytes of TCPv4 GSO in a 300-byte head and 17 fragments of 3800 bytes: " + skb,
                Invariant.SLOTS_WITHIN_ESTIMATE.label(),
                buggy,
                fixed,
                () -> estimateResult(skb, PackingPolicy.COALESCE_COMPOUND, SlotEstimator.WORST_CASE_3_14, buggy),
                () -> estimateResult(skb, PackingPolicy.FULL_PAGE, SlotEstimator.WORST_CASE_3_14, fixed));
    }

    // ---- 11. copy status mis-attribution ---------------------------------------------------------

    private static BugCase copyStatusMisattribution() {
        Skb a = Skb.builder().head(0, 100).frag(0, 100).frag(0, 100).build();
        Skb b = Skb.builder().head(0, 60).build();
        Skb c = Skb.builder().head(0, 4000).frag(0, 4000).build();
        Generation buggy = gen(PackingPolicy.COALESCE, SlotEstimator.COUNT_SKB_SLOTS_2010, "2010 netbk_check_gop");
        Generation fixed = gen(
                PackingPolicy.COALESCE, SlotEstimator.COUNT_SKB_SLOTS_2010, "per-op packet record (as rx.c's idx[])");
        return new BugCase(
                "check-gop-misattribution",
                "netbk_check_gop steps one op per meta slot, but a slot can take several ops: B's failure is"
                        + " charged to C",
                "model observation, no report found (research §2 item 11); check_gop in S30 through S49; the"
                        + " rx.c rewrite records a ring index per op (RXold/RXnew)",
                "one batch: A " + a + " (3 ops, 1 slot); B " + b + " (1 op, its grant fails); C " + c
                        + " (2 ops, 2 slots)",
                ERROR_CHARGED_TO_OWN_PACKET,
                buggy,
                fixed,
                () -> attribution(List.of(a, b, c), buggy, true),
                () -> attribution(List.of(a, b, c), fixed, false));
    }

    private static BugResult attribution(List<Skb> batch, Generation g, boolean seed) {
        RxPacker packer = RxPacker.of(PackingPolicy.COALESCE);
        int[] meta = new int[batch.size()];
        int nOps = 0;
        for (int j = 0; j < batch.size(); j++) {
            nOps += packer.plan(batch.get(j)).ops().size();
        }
        int[] opPacket = new int[nOps];
        int[] status = new int[nOps];
        int i = 0;
        for (int j = 0; j < batch.size(); j++) {
            RxPlan plan = packer.plan(batch.get(j));
            for (SlotResponse s : plan.slots()) {
                meta[j] += s instanceof DataResponse ? 1 : 0;
            }
            for (int k = 0; k < plan.ops().size(); k++) {
                opPacket[i] = j;
                status[i++] = j == 1 ? GntStatus.GENERAL_ERROR : GntStatus.OKAY;
            }
        }
        boolean[] bad = seed
                ? CheckGop.seedAttribution(meta, status)
                : CheckGop.modelAttribution(opPacket, status, batch.size());
        StringBuilder marked = new StringBuilder();
        for (int j = 0; j < bad.length; j++) {
            if (bad[j]) {
                marked.append(marked.length() > 0 ? ", " : "").append((char) ('A' + j));
            }
        }
        boolean right = !bad[0] && bad[1] && !bad[2];
        return new BugResult(
                g,
                !right,
                ERROR_CHARGED_TO_OWN_PACKET,
                "op " + (meta[0] == 1 ? 3 : -1) + " (B's) failed; NETIF_RSP_ERROR written for "
                        + (marked.length() == 0 ? "no packet" : marked) + "; expected B");
    }

    // ---- 9. XSA-392 stall detection ----------------------------------------------------------------

    private static BugCase xsa392StallDetection() {
        Skb skb = Skb.builder().head(0, 1514).frag(0, 4000).build();
        int needed = SlotEstimator.RX_SLOTS_NEEDED.estimate(skb, FrontendFeatures.DEFAULT, Netif.MAX_BUFFER_OFFSET);
        int free = 1;
        Generation buggy =
                gen(PackingPolicy.FULL_PAGE, SlotEstimator.RX_SLOTS_NEEDED, "rx.c before XSA-392 (avail < 1)");
        Generation fixed = gen(
                PackingPolicy.FULL_PAGE, SlotEstimator.RX_SLOTS_NEEDED, "rx.c since XSA-392 (avail < rx_slots_needed)");
        return new BugCase(
                "xsa-392-stall",
                "the stall test compared free requests with 1, not rx_slots_needed: a head packet needing 2 slots"
                        + " with exactly 1 free never stalls",
                "XSA-392 / CVE-2021-28714, Dec 2021, [recall] \"xen/netback: fix rx queue stall detection\";"
                        + " code RXold vs RXnew",
                "head packet " + skb + " (rx_slots_needed " + needed + "), " + free + " request free, the guest"
                        + " posting no more",
                STALL_DETECTED,
                buggy,
                fixed,
                () -> stall(StallDetection.Rule.ONE_SLOT, free, needed, buggy),
                () -> stall(StallDetection.Rule.SLOTS_NEEDED, free, needed, fixed));
    }

    private static BugResult stall(StallDetection.Rule rule, int free, int needed, Generation g) {
        boolean stalled = StallDetection.stalled(rule, free, needed);
        boolean stuck = !StallDetection.canPlace(free, needed);
        return new BugResult(
                g,
                stuck && !stalled,
                STALL_DETECTED,
                free + " free, " + needed + " needed: the packet " + (stuck ? "cannot" : "can") + " be placed and the"
                        + " queue " + (stalled ? "is" : "is not") + " declared stalled");
    }

    // ---- 8. iPXE ----------------------------------------------------------------------------------

    private static BugCase ipxeRequiredSlots() {
        int posted = 4;
        Generation buggy =
                new Generation(PackingPolicy.FULL_PAGE.label(), "MAX_SKB_FRAGS + 1 required", "4.x with f48da8b14d04");
        Generation fixed = new Generation(
                PackingPolicy.FULL_PAGE.label(), "ceil(mtu / 4096) without GSO", "4.x with 1d5d48523900");
        return new BugCase(
                "ipxe-required-slots",
                "netback waited for MAX_SKB_FRAGS + 1 free requests; iPXE posts only 4, so it never received",
                "[msg] 1d5d48523900 \"xen-netback: require fewer guest Rx slots when not using GSO\", Sept 2015;"
                        + " after f48da8b14d04 \"fix unlimited guest Rx internal queue and carrier flapping\", 2014",
                "a frontend without GSO or scatter-gather posting " + posted + " RX requests, MTU 1500",
                REQUIRED_SLOTS_POSTABLE,
                buggy,
                fixed,
                () -> required(Vif.maxRequiredRxSlots(1500, true, KernelLimits.MAX_SKB_FRAGS_LATER), posted, buggy),
                () -> required(Vif.maxRequiredRxSlots(1500, false, KernelLimits.MAX_SKB_FRAGS_LATER), posted, fixed));
    }

    private static BugResult required(int required, int posted, Generation g) {
        return new BugResult(
                g,
                required > posted,
                REQUIRED_SLOTS_POSTABLE,
                "the backend waits for " + required + " free requests; the frontend posts " + posted);
    }
}
