package io.github.netbackrx.bugs;

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
import io.github.netbackrx.netback.BatchReport;
import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.Vif;
import io.github.netbackrx.netback.VifListener;
import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The catalogue of historic netback guest-RX bugs the model can express, each a {@link BugCase}
 * that {@link BugCase#replay() replays} its input on the buggy and the fixed generation, through
 * the packer ({@link RxPacker} with {@link PlanChecker}) or through the engine (a {@link Vif} on a
 * real ring and grant tables, usually inside a {@link GuestRxSimulation}), and observes the broken
 * invariant there. {@code docs/bugs.md} explains every entry with its upstream source.
 *
 * <p>Invariants: plan-level cases use {@link Invariant} labels reported by {@link PlanChecker};
 * engine-level cases name their own: {@code area-within-page} (the 2010 rule's {@code BUG_ON(size +
 * offset > PAGE_SIZE)}), {@code copy-ops-within-array}, {@code overflow-check-catches-overrun},
 * {@code error-charged-to-own-packet}, {@code stall-detected}, {@code no-permanent-stall} and
 * {@code required-slots-postable}.
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
            ipxeRequiredSlots(),
            freeBsdSixteenBitSize());

    private BugCatalogue() {}

    /** @return every case: the Linux ones in the order their fixes were made, then FreeBSD's */
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

    // ---- the slot estimates, one table -------------------------------------------------------

    /** An estimate of a generation: its label and its count of a packet's slots. */
    private record Estimate(String label, ToIntFunction<Skb> count) {
        static Estimate of(SlotEstimator e) {
            return new Estimate(e.label(), skb -> e.estimate(skb, FrontendFeatures.DEFAULT, Netif.MAX_BUFFER_OFFSET));
        }
    }

    /**
     * A case where a generation reserves (or checks) fewer slots than its walk uses: the packet is
     * planned by the packer under each generation's policy, and {@link PlanChecker} reports {@link
     * Invariant#SLOTS_WITHIN_ESTIMATE} against that generation's estimate.
     */
    private static BugCase estimateCase(
            String name,
            String title,
            String source,
            String input,
            Skb skb,
            PackingPolicy buggyPolicy,
            Estimate buggyEstimate,
            String buggyEngine,
            PackingPolicy fixedPolicy,
            Estimate fixedEstimate,
            String fixedEngine) {
        Generation buggy = new Generation(buggyPolicy.label(), buggyEstimate.label(), buggyEngine);
        Generation fixed = new Generation(fixedPolicy.label(), fixedEstimate.label(), fixedEngine);
        return new BugCase(
                name,
                title,
                source,
                input + ": " + skb,
                Invariant.SLOTS_WITHIN_ESTIMATE.label(),
                buggy,
                fixed,
                () -> estimated(skb, buggyPolicy, buggyEstimate, buggy),
                () -> estimated(skb, fixedPolicy, fixedEstimate, fixed));
    }

    private static BugResult estimated(Skb skb, PackingPolicy policy, Estimate estimate, Generation g) {
        RxPlan walk = RxPacker.of(policy).plan(skb);
        RxPlan plan = new RxPlan(walk.packetLength(), estimate.count().applyAsInt(skb), walk.ops(), walk.slots());
        return checked(skb, plan, g, Invariant.SLOTS_WITHIN_ESTIMATE);
    }

    private static BugCase headUndercount30() {
        return estimateCase(
                "head-undercount-3.0",
                "Linux 3.0's count restarts at copy_off = headlen % 4096: a full-page head counts as an empty"
                        + " buffer",
                "xen_netbk_count_skb_slots of Linux 3.0 (drivers/net/xen-netback/netback.c): ceil((offset_in_page(data)"
                        + " + headlen) / PAGE_SIZE), then copy_off = headlen % PAGE_SIZE; replaced by the dry run of"
                        + " \"xen-netback: count number required slots for an skb more carefully\" (D. Vrabel, 2013,"
                        + " 3.10-stable; xenvif_count_frag_slots)",
                "a head of exactly one page and a small fragment",
                Skb.builder().head(0, 4096).frag(0, 100).build(),
                PackingPolicy.COALESCE_COMPOUND,
                Estimate.of(SlotEstimator.LINUX_3_0),
                EngineProfile.LINUX_2010.label(),
                PackingPolicy.COALESCE_COMPOUND,
                Estimate.of(SlotEstimator.EXACT_DRY_RUN),
                EngineProfile.LINUX_2010.label());
    }

    private static BugCase headUndercount36() {
        return estimateCase(
                "head-undercount-3.6",
                "Linux 3.6's ceil(headlen / 4096) misses a linear head spanning three pages (|tail p0|p1|head p2|)",
                "xen_netbk_count_skb_slots of Linux 3.6 (drivers/net/xen-netback/netback.c): count ="
                        + " DIV_ROUND_UP(skb_headlen(skb), PAGE_SIZE); replaced by the dry run of \"xen-netback: count"
                        + " number required slots for an skb more carefully\" (D. Vrabel, 2013, 3.10-stable), whose"
                        + " message gives the multi-page linear head (iSCSI) as the example",
                "a 4292-byte linear head at offset 4000 (3 pages, under 2 pages long)",
                Skb.builder().head(4000, 96 + 4096 + 100).build(),
                PackingPolicy.COALESCE_COMPOUND,
                Estimate.of(SlotEstimator.LINUX_3_6),
                EngineProfile.LINUX_2010.label(),
                PackingPolicy.COALESCE_COMPOUND,
                Estimate.of(SlotEstimator.EXACT_DRY_RUN),
                EngineProfile.LINUX_2010.label());
    }

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
        return estimateCase(
                "frag-offset-undercount",
                "the 3.14 worst case counted ceil(size / 4096) per fragment: an 8192-byte fragment at offset 100"
                        + " splits 3996 + 4096 + 100 and takes 3 slots, counted 2",
                "a02eb4 \"xen-netback: worse-case estimate in xenvif_rx_action is underestimating\" (P. Durrant,"
                        + " Mar 2014): DIV_ROUND_UP(size, PAGE_SIZE) per fragment in xenvif_rx_action became"
                        + " DIV_ROUND_UP(offset + size, PAGE_SIZE)",
                "an 8192-byte fragment at page offset 100 of an order-2 page behind a 1000-byte head",
                Skb.builder().head(0, 1000).frag(100, 8192).build(),
                PackingPolicy.COALESCE_COMPOUND,
                new Estimate("worst-case-3.14 before the offset fix", BugCatalogue::worstCaseBeforeOffsetFix),
                EngineProfile.LINUX_3_14.label(),
                PackingPolicy.COALESCE_COMPOUND,
                Estimate.of(SlotEstimator.WORST_CASE_3_14),
                EngineProfile.LINUX_3_14.label());
    }

    /** Head 300 bytes and 17 fragments of 3800 bytes, 64900 bytes of TCPv4 GSO. */
    static Skb cappedPacket() {
        Skb.Builder b = Skb.builder().maxFrags(KernelLimits.MAX_SKB_FRAGS_LATER).head(0, 300);
        for (int k = 0; k < KernelLimits.MAX_SKB_FRAGS_LATER; k++) {
            b.frag(0, 3800);
        }
        return b.gso(1448, GsoType.TCPV4).build();
    }

    private static BugCase cappedEstimate() {
        return estimateCase(
                "capped-estimate",
                "the worst case is capped at MAX_SKB_FRAGS (17) but the start_new_rx_buffer walk still gives"
                        + " the head and each fragment a slot: 18 data slots",
                "59ae9fc67007 \"xen-netback: Fix handling of skbs requiring too many slots\" (Z. Kiss, 2014:"
                        + " full_coalesce in start_new_rx_buffer); later 1650d5455bd2 \"xen-netback: always fully"
                        + " coalesce guest Rx packets\" (Linux 4.0)",
                "64900 bytes of TCPv4 GSO in a 300-byte head and 17 fragments of 3800 bytes",
                cappedPacket(),
                PackingPolicy.COALESCE_COMPOUND,
                Estimate.of(SlotEstimator.WORST_CASE_3_14),
                EngineProfile.LINUX_3_14.label(),
                PackingPolicy.FULL_PAGE,
                Estimate.of(SlotEstimator.WORST_CASE_3_14),
                EngineProfile.LINUX_3_14.label());
    }

    // ---- the 2010 rule's BUG_ON on a compound page ----------------------------------------------

    private static BugCase compoundFragment() {
        Skb skb = Skb.builder().head(0, 66).frag(0, 32768).build();
        Generation buggy = gen(PackingPolicy.COALESCE, SlotEstimator.COUNT_SKB_SLOTS_2010, EngineProfile.LINUX_2010);
        Generation fixed = gen(PackingPolicy.COALESCE_COMPOUND, SlotEstimator.EXACT_DRY_RUN, EngineProfile.LINUX_3_14);
        return new BugCase(
                "compound-frag",
                "a fragment on a compound page hits the 2010 rule's BUG_ON(size + offset > PAGE_SIZE)",
                "netbk_gop_frag_copy of 2010 (drivers/xen/netback/netback.c) asserts BUG_ON(size + offset >"
                        + " PAGE_SIZE); by Linux 3.13 xenvif_gop_frag_copy (drivers/net/xen-netback/netback.c)"
                        + " asserts size + offset <= PAGE_SIZE << compound_order(page) and walks the page's 4 KiB"
                        + " frames",
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

    // ---- the 2 x 256 copy array ------------------------------------------------------------------

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
                "ac3d5ac27735 \"xen-netback: fix guest-receive-side array sizes\" (P. Durrant, Dec 2013):"
                        + " grant_copy_op[2 * XEN_NETIF_RX_RING_SIZE] became MAX_GRANT_COPY_OPS = MAX_SKB_FRAGS *"
                        + " XEN_NETIF_RX_RING_SIZE (drivers/net/xen-netback/common.h)",
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

    // ---- stall from an over-estimate ---------------------------------------------------------------

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
                "ca2f09f2b2c6 \"xen-netback: improve guest-receive-side flow control\" (P. Durrant, Dec 2013):"
                        + " start_xmit no longer adds xenvif_count_skb_slots to rx_req_cons_peek; xenvif_rx_action"
                        + " checks the ring for each packet when it processes it",
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

    // ---- the overflow check on meta slots, through the engine -------------------------------------

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
                "1425c7a4e8d3 \"xen-netback: BUG_ON in xenvif_rx_action() not catching overflow\" (P. Durrant,"
                        + " 2014): the check after xenvif_gop_skb compares the req_cons delta, not"
                        + " meta_slots_used, with max_slots_needed",
                "64900 bytes of TCPv4 GSO in a 300-byte head and 17 fragments of 3800 bytes: " + skb,
                OVERFLOW_CHECK_CATCHES_OVERRUN,
                buggy,
                fixed,
                () -> metaCheckRun(skb, buggy),
                () -> slotCheckRun(skb, fixed));
    }

    /**
     * The packet through the engine that reserves the 3.14 worst case but checks nothing after
     * packing (the 2010 profile): the batch report gives its meta slots, the ring its slots used.
     */
    private static BugResult metaCheckRun(Skb skb, Generation g) {
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .backend(b -> b.profile(EngineProfile.LINUX_2010).maxSkbFrags(KernelLimits.MAX_SKB_FRAGS_LATER))
                .vif(v -> v.policy(PackingPolicy.COALESCE_COMPOUND).estimator(SlotEstimator.WORST_CASE_3_14))
                .keepReceived(false)
                .build();
        int before = sim.nextRequestIndex();
        sim.send(skb, new byte[skb.length()]);
        sim.step();
        BatchReport r = sim.vif().lastBatch();
        int ring = sim.nextRequestIndex() - before;
        int meta = r.metaSlots().isEmpty() ? 0 : r.metaSlots().get(0);
        int est = SlotEstimator.WORST_CASE_3_14.estimate(skb, FrontendFeatures.DEFAULT, Netif.MAX_BUFFER_OFFSET);
        boolean fires = meta > est;
        boolean overrun = ring > est;
        return new BugResult(
                g,
                overrun && !fires,
                OVERFLOW_CHECK_CATCHES_OVERRUN,
                "ring slots " + ring + ", meta slots " + meta + ", max_slots_needed " + est + ": the check"
                        + " compares meta slots (" + meta + ") and " + (fires ? "fires" : "does not fire")
                        + (overrun ? " on an overrun" : ""));
    }

    /** The packet through the 3.14 engine, whose check compares the {@code req_cons} delta. */
    private static BugResult slotCheckRun(Skb skb, Generation g) {
        GuestRxSimulation sim = drained(
                GuestRxSimulation.builder()
                        .backend(b -> b.profile(EngineProfile.LINUX_3_14))
                        .vif(v -> v.policy(PackingPolicy.COALESCE_COMPOUND).estimator(SlotEstimator.WORST_CASE_3_14)),
                skb,
                1);
        VifStatistics v = sim.statistics().vif();
        int ring = RxPacker.of(PackingPolicy.COALESCE_COMPOUND).plan(skb).slotCount();
        int est = SlotEstimator.WORST_CASE_3_14.estimate(skb, FrontendFeatures.DEFAULT, Netif.MAX_BUFFER_OFFSET);
        boolean overrun = ring > est;
        boolean fires = v.estimateOverruns() > 0;
        return new BugResult(
                g,
                overrun && !fires,
                OVERFLOW_CHECK_CATCHES_OVERRUN,
                "ring slots " + ring + ", max_slots_needed " + est + ": the engine compares the req_cons delta and "
                        + (fires ? "fires (the packet is dropped, " + v.packetsDropped() + ")" : "does not fire"));
    }

    // ---- copy status mis-attribution, through the engine ------------------------------------------

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
                "no upstream report found (a finding of this model): netbk_check_gop (2010"
                        + " drivers/xen/netback/netback.c) and xenvif_check_gop (Linux 3.x"
                        + " drivers/net/xen-netback/netback.c) consume meta_slots_used copy ops per packet although a"
                        + " buffer may take several; rx.c since eb1723a29b9a \"xen-netback: refactor guest rx\""
                        + " records each op's ring index (xenvif_rx_copy_add)",
                "one batch: A " + a + " (3 ops, 1 slot); B " + b + " (1 op, its grant fails); C " + c
                        + " (2 ops, 2 slots)",
                ERROR_CHARGED_TO_OWN_PACKET,
                buggy,
                fixed,
                () -> attribution(List.of(a, b, c), buggy, true),
                () -> attribution(List.of(a, b, c), fixed, false));
    }

    /**
     * One batch of the three packets through the 2010 engine, B's request given a reference beyond
     * the guest's grant table: the batch report holds each op's real {@code GNTTABOP_copy} status,
     * which packets the engine marked (its own record per op) and which the 2010 {@code
     * netbk_check_gop} walk would have marked.
     */
    private static BugResult attribution(List<Skb> batch, Generation g, boolean seed) {
        GuestRxSimulation sim = GuestRxSimulation.builder().keepReceived(false).build();
        for (Skb skb : batch) {
            sim.send(skb, new byte[skb.length()]);
        }
        sim.netfront().faults().setGrefBeyondTable(sim.nextRequestIndex() + 1);
        sim.step();
        BatchReport r = sim.vif().lastBatch();
        List<Boolean> bad = seed ? r.seedErrored() : r.errored();
        int failed = -1;
        for (int i = 0; i < r.opStatus().size() && failed < 0; i++) {
            failed = r.opStatus().get(i) != 0 ? i : -1;
        }
        StringBuilder marked = new StringBuilder();
        for (int j = 0; j < bad.size(); j++) {
            if (bad.get(j)) {
                marked.append(marked.length() > 0 ? ", " : "").append((char) ('A' + j));
            }
        }
        boolean right = bad.size() == 3 && !bad.get(0) && bad.get(1) && !bad.get(2);
        return new BugResult(
                g,
                !right,
                ERROR_CHARGED_TO_OWN_PACKET,
                "op " + failed + " ("
                        + (failed < 0
                                ? "none"
                                : "packet " + (char) ('A' + r.opPacket().get(failed)))
                        + ") failed; NETIF_RSP_ERROR written for " + (marked.length() == 0 ? "no packet" : marked)
                        + "; expected B");
    }

    // ---- XSA-392 stall detection, through the rx.c engine -----------------------------------------

    private static BugCase xsa392StallDetection() {
        Skb skb = Skb.builder().head(0, 1514).frag(0, 4000).build();
        int needed = SlotEstimator.RX_SLOTS_NEEDED.estimate(skb, FrontendFeatures.DEFAULT, Netif.MAX_BUFFER_OFFSET);
        Generation buggy =
                gen(PackingPolicy.FULL_PAGE, SlotEstimator.RX_SLOTS_NEEDED, "rx.c before XSA-392 (avail < 1)");
        Generation fixed = gen(
                PackingPolicy.FULL_PAGE, SlotEstimator.RX_SLOTS_NEEDED, "rx.c since XSA-392 (avail < rx_slots_needed)");
        return new BugCase(
                "xsa-392-stall",
                "the stall test compared free requests with 1, not rx_slots_needed: a head packet needing 2 slots"
                        + " with exactly 1 free never stalls",
                "XSA-392 / CVE-2021-28714 (Dec 2021): \"xen/netback: fix rx queue stall detection\" makes"
                        + " xenvif_rx_queue_stalled and xenvif_rx_queue_ready (drivers/net/xen-netback/rx.c) compare"
                        + " the free requests with rx_slots_needed instead of 1",
                "head packet " + skb + " (rx_slots_needed " + needed + ") on the rx.c engine, after 255 one-slot"
                        + " packets left 1 request free and the guest posting no more",
                STALL_DETECTED,
                buggy,
                fixed,
                () -> stallDetection(skb, StallDetection.Rule.ONE_SLOT, buggy),
                () -> stallDetection(skb, StallDetection.Rule.SLOTS_NEEDED, fixed));
    }

    /** Rounds run before the stall test: enough for the one-slot packets to go and the last to wait. */
    private static final int STALL_ROUNDS = 16;

    /**
     * Runs the rx.c engine until the guest has one request left and the head packet needs two, then
     * applies the generation's stall test to what the engine holds: the free requests ({@code
     * req_prod - req_cons}) and the head packet's {@code rx_slots_needed}.
     */
    private static BugResult stallDetection(Skb skb, StallDetection.Rule rule, Generation g) {
        GuestRxSimulation sim = GuestRxSimulation.builder()
                .backend(b -> b.profile(EngineProfile.RX_C))
                .keepReceived(false)
                .build();
        sim.stopGuestPosting();
        Skb small = Skb.builder().head(0, 60).build();
        for (int i = 0; i < KernelLimits.NET_RX_RING_SIZE - 1; i++) {
            sim.send(small, new byte[small.length()]);
        }
        sim.send(skb, new byte[skb.length()]);
        for (int round = 0; round < STALL_ROUNDS; round++) {
            sim.step(); // not drain(): the waiting packet changes the statistics in every round
        }
        int free = sim.netfront().ring().ring().reqProd() - sim.nextRequestIndex();
        int needed = SlotEstimator.RX_SLOTS_NEEDED.estimate(skb, FrontendFeatures.DEFAULT, Netif.MAX_BUFFER_OFFSET);
        boolean stuck = sim.statistics().inFlight() > 0;
        boolean stalled = StallDetection.stalled(rule, free, needed);
        return new BugResult(
                g,
                stuck && !stalled,
                STALL_DETECTED,
                free + " free, " + needed + " needed: the packet " + (stuck ? "waits" : "was placed") + " ("
                        + sim.statistics().delivered() + " delivered) and the queue "
                        + (stalled ? "is" : "is not") + " declared stalled");
    }

    // ---- iPXE, through the 2010 engine's admission -------------------------------------------------

    private static BugCase ipxeRequiredSlots() {
        int posted = 4;
        Generation buggy = new Generation(
                PackingPolicy.COALESCE.label(),
                "MAX_SKB_FRAGS + 2 required of every frontend",
                "2010 admission (netbk_queue_full)");
        Generation fixed = new Generation(
                PackingPolicy.COALESCE.label(),
                "ceil(mtu / 4096) required without GSO",
                "2010 admission (netbk_queue_full)");
        return new BugCase(
                "ipxe-required-slots",
                "netback waited for MAX_SKB_FRAGS + 1 free requests; iPXE posts only 4, so it never received",
                "1d5d48523900 \"xen-netback: require fewer guest Rx slots when not using GSO\" (D. Vrabel, Sept"
                        + " 2015), fixing the regression of f48da8b14d04 \"xen-netback: fix unlimited guest Rx"
                        + " internal queue and carrier flapping\": iPXE's PV frontend places only 4 requests on the"
                        + " RX ring",
                "a frontend without GSO or scatter-gather posting " + posted + " RX requests, MTU 1500, one"
                        + " 60-byte packet",
                REQUIRED_SLOTS_POSTABLE,
                buggy,
                fixed,
                () -> ipxeRun(true, posted, buggy),
                () -> ipxeRun(false, posted, fixed));
    }

    /**
     * A vif whose admission requires {@code max_required_rx_slots} free requests (with the
     * scatter-gather term, as f48da8b14d04 required {@code MAX_SKB_FRAGS + 1} of every frontend, or
     * without it), and an iPXE-like frontend that posts {@code posted} requests and nothing more.
     */
    private static BugResult ipxeRun(boolean requireFragments, int posted, Generation g) {
        Hypervisor hv = new Hypervisor();
        Domain backend = hv.createDomain(GuestRxSimulation.BACKEND_DOMID);
        Domain guest = hv.createDomain(GuestRxSimulation.GUEST_DOMID);
        RxRing ring = RxRing.create();
        EventChannel channel = hv.bindInterdomain(backend, guest);
        int[] answered = new int[2];
        Vif vif = Vif.builder(hv, backend, GuestRxSimulation.GUEST_DOMID, ring.attachBack(0), channel.first())
                .scatterGather(requireFragments)
                .maxSkbFrags(KernelLimits.MAX_SKB_FRAGS_LATER)
                .listener(new VifListener() {
                    @Override
                    public void responded(long tag, boolean error, int slots) {
                        answered[0]++;
                    }

                    @Override
                    public void dropped(long tag, DropReason reason) {
                        answered[1]++;
                    }
                })
                .build();
        RxRing.FrontRing front = ring.attachFront(0);
        for (int i = 0; i < posted; i++) {
            front.postRequest(i, guest.grantTable().grantAccess(backend.domid(), guest.allocateFrame(), false));
        }
        front.pushRequestsAndCheckNotify();
        vif.frontendEvent();
        Skb skb = Skb.builder().head(0, 60).build();
        vif.startXmit(skb, new byte[skb.length()], 0);
        vif.rxAction();
        int required = Vif.maxRequiredRxSlots(1500, requireFragments, KernelLimits.MAX_SKB_FRAGS_LATER);
        return new BugResult(
                g,
                answered[0] == 0,
                REQUIRED_SLOTS_POSTABLE,
                "the backend waits for " + required + " free request" + (required == 1 ? "" : "s")
                        + "; the frontend posts " + posted + ": the packet" + " is "
                        + (answered[0] > 0 ? "delivered" : "dropped (" + answered[1] + " dropped)"));
    }

    // ---- FreeBSD's 16-bit packet size --------------------------------------------------------------

    private static BugCase freeBsdSixteenBitSize() {
        Skb skb = Skb.builder().head(0, 1).frag(0, 65535).build();
        Generation buggy = gen(PackingPolicy.FREEBSD, SlotEstimator.FREEBSD_LIST_LEN, EngineProfile.FREEBSD);
        Generation fixed = gen(PackingPolicy.FULL_PAGE, SlotEstimator.RX_SLOTS_NEEDED, EngineProfile.RX_C);
        return new BugCase(
                "freebsd-16bit-size",
                "FreeBSD's packet size is 16 bits: a packet of 65536 bytes counts 0 slots, gets no copy and no"
                        + " response, and vanishes",
                "no upstream report found (a finding of this model): FreeBSD sys/dev/xen/netback/netback.c,"
                        + " struct xnb_pkt's uint16_t size set from m_pkthdr.len in xnb_mbufc2pkt, and"
                        + " xnb_rxpkt2gnttab's uint16_t size_remaining; Linux rx.c counts the length in 32 bits"
                        + " (rx_slots_needed, xenvif_rx_skb)",
                "a 1-byte head and a 65535-byte fragment: " + skb,
                Invariant.LENGTH_SUM.label(),
                buggy,
                fixed,
                () -> checked(skb, RxPacker.of(PackingPolicy.FREEBSD).plan(skb), buggy, Invariant.LENGTH_SUM),
                () -> checked(skb, RxPacker.of(PackingPolicy.FULL_PAGE).plan(skb), fixed, Invariant.LENGTH_SUM));
    }
}
