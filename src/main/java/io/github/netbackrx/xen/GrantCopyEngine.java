package io.github.netbackrx.xen;

/**
 * {@code GNTTABOP_copy} as issued by one calling domain: Xen's {@code gnttab_copy} loop over a
 * {@link GrantCopyBatch}, each op checked by the rules of {@code gnttab_copy_one} in Xen's order
 * and given its own {@link GntStatus}; a failed op writes no byte and the batch carries on.
 *
 * <p>Checks, in order; the first failure is the op's status:
 *
 * <ol>
 *   <li>{@code len == 0}: {@code GNTST_okay} at once, nothing else is looked at.
 *   <li>Lock the source domain, then the destination domain ({@code gnttab_copy_lock_domain}):
 *       a frame number ({@code gmfn}, no {@code GNTCOPY_*_gref} flag) with a {@code domid} other
 *       than {@code DOMID_SELF} gives {@code GNTST_permission_denied}; an unknown domain gives
 *       {@code GNTST_bad_domain}.
 *   <li>Claim the source buffer (read), then the destination buffer (write) ({@code
 *       gnttab_copy_claim_buf}, {@code acquire_grant_for_copy}): for a grant reference, {@code
 *       gref >= nr_grant_entries} gives {@code GNTST_bad_gntref}; an entry whose type is not
 *       {@code GTF_permit_access} or whose {@code domid} is not the caller gives {@code
 *       GNTST_general_error}; a destination entry with {@code GTF_readonly} gives {@code
 *       GNTST_general_error}; then (grant or gmfn) a frame the domain does not own gives {@code
 *       GNTST_bad_page}.
 *   <li>Bounds ({@code gnttab_copy_buf}): {@code source.offset + len > 4096} or {@code dest.offset
 *       + len > 4096} gives {@code GNTST_bad_copy_arg}.
 *   <li>Otherwise the bytes are copied and the status is {@code GNTST_okay}.
 * </ol>
 *
 * <p><b>{@code DOMID_SELF}.</b> A pointer whose {@code domid} is {@link Hypervisor#DOMID_SELF}
 * resolves to the calling domain ({@code rcu_lock_domain_by_any_id}). The permission check is on
 * the literal value: a gmfn with the caller's own numeric id is still {@code
 * permission_denied}. A grant reference may name the caller's own table too (its entry must
 * then grant the caller).
 *
 * <p>Not modelled: XSM, pinning conflicts and pin-count overflow, paged-out frames ({@code
 * eagain}, which Linux's {@code gnttab_batch_copy} retries and so never returns), v2 and
 * transitive grants, preemption/continuations, and the buffer caching between consecutive ops
 * (it does not change any status or byte here). An op whose source and destination overlap in
 * one frame copies as {@code memmove} would.
 *
 * <p>The hot path allocates nothing. Counters accumulate over the engine's life.
 */
public final class GrantCopyEngine {
    private final Hypervisor hypervisor;
    private final Domain caller;

    private long hypercalls;
    private long ops;
    private long okayOps;
    private long failedOps;
    private long bytesCopied;
    private final long[] byStatus = new long[GntStatus.COUNT];

    // result of the last claim: the frame, or null with claimStatus set
    private int claimStatus;
    /** The frame number the last successful {@link #claim} found. */
    private int claimedFrame;

    GrantCopyEngine(Hypervisor hypervisor, Domain caller) {
        this.hypervisor = hypervisor;
        this.caller = caller;
    }

    /** @return the domain issuing the hypercalls */
    public Domain caller() {
        return caller;
    }

    /**
     * One {@code GNTTABOP_copy} hypercall over every op of the batch, in order; each op's status
     * is written into the batch.
     *
     * @param batch the ops
     * @return the hypercall's return value: always 0 (failed ops are reported per op)
     */
    public int copy(GrantCopyBatch batch) {
        hypercalls++;
        int n = batch.size();
        // the hot loop keeps its counts in locals (a field store per op would follow every copy)
        int okay = 0;
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            int status = copyOne(batch, i);
            batch.setStatus(i, status);
            if (status == GntStatus.OKAY) {
                okay++;
                bytes += batch.rawLength(i);
            } else {
                byStatus[-status]++;
            }
        }
        ops += n;
        okayOps += okay;
        failedOps += n - okay;
        byStatus[-GntStatus.OKAY] += okay;
        bytesCopied += bytes;
        return 0;
    }

    private int copyOne(GrantCopyBatch batch, int i) {
        int len = batch.rawLength(i);
        if (len == 0) {
            return GntStatus.OKAY;
        }
        int flags = batch.rawFlags(i);
        boolean srcIsGref = (flags & GrantCopyLayout.GNTCOPY_SOURCE_GREF) != 0;
        boolean dstIsGref = (flags & GrantCopyLayout.GNTCOPY_DEST_GREF) != 0;
        int srcDomid = batch.rawSourceDomid(i);
        int dstDomid = batch.rawDestDomid(i);

        // gnttab_copy_lock_domains: source, then dest
        if (srcDomid != Hypervisor.DOMID_SELF && !srcIsGref) {
            return GntStatus.PERMISSION_DENIED;
        }
        Domain src = resolve(srcDomid);
        if (src == null) {
            return GntStatus.BAD_DOMAIN;
        }
        if (dstDomid != Hypervisor.DOMID_SELF && !dstIsGref) {
            return GntStatus.PERMISSION_DENIED;
        }
        Domain dst = resolve(dstDomid);
        if (dst == null) {
            return GntStatus.BAD_DOMAIN;
        }

        // gnttab_copy_claim_buf: source (read), then dest (write)
        byte[] srcFrame = claim(src, srcIsGref, batch.rawSourceRef(i), false);
        if (srcFrame == null) {
            return claimStatus;
        }
        int srcGmfn = claimedFrame;
        byte[] dstFrame = claim(dst, dstIsGref, batch.rawDestRef(i), true);
        if (dstFrame == null) {
            return claimStatus;
        }
        int dstGmfn = claimedFrame;

        // gnttab_copy_buf: bounds
        int srcOffset = batch.rawSourceOffset(i);
        int dstOffset = batch.rawDestOffset(i);
        if (srcOffset + len > Domain.FRAME_SIZE || dstOffset + len > Domain.FRAME_SIZE) {
            return GntStatus.BAD_COPY_ARG;
        }
        src.settle(srcGmfn);
        dst.written(dstGmfn, dstOffset, len);
        System.arraycopy(srcFrame, srcOffset, dstFrame, dstOffset, len);
        return GntStatus.OKAY;
    }

    private Domain resolve(int domid) {
        return domid == Hypervisor.DOMID_SELF ? caller : hypervisor.lookup(domid);
    }

    private byte[] claim(Domain owner, boolean isGref, long ref, boolean write) {
        long frame;
        if (isGref) {
            GrantTable table = owner.grantTable();
            if (ref >= table.size()) {
                claimStatus = GntStatus.BAD_GNTREF;
                return null;
            }
            int gref = (int) ref;
            int entryFlags = table.rawFlags(gref);
            if ((entryFlags & GrantTable.GTF_TYPE_MASK) != GrantTable.GTF_PERMIT_ACCESS
                    || table.rawDomid(gref) != caller.domid()) {
                claimStatus = GntStatus.GENERAL_ERROR;
                return null;
            }
            if (write && (entryFlags & GrantTable.GTF_READONLY) != 0) {
                claimStatus = GntStatus.GENERAL_ERROR;
                return null;
            }
            frame = table.rawFrame(gref);
        } else {
            frame = ref;
        }
        byte[] bytes = owner.frameOrNull(frame);
        if (bytes == null) {
            claimStatus = GntStatus.BAD_PAGE;
        } else {
            claimedFrame = (int) frame; // frameOrNull found it: below the domain's frame count
        }
        return bytes;
    }

    /** @return the number of {@code GNTTABOP_copy} hypercalls issued */
    public long hypercalls() {
        return hypercalls;
    }

    /** @return the number of ops run */
    public long ops() {
        return ops;
    }

    /** @return the number of ops that ended {@code GNTST_okay} (zero-length ops included) */
    public long okayOps() {
        return okayOps;
    }

    /** @return the number of ops that failed */
    public long failedOps() {
        return failedOps;
    }

    /** @return the number of bytes copied by successful ops */
    public long bytesCopied() {
        return bytesCopied;
    }

    /**
     * @param status a {@link GntStatus} value
     * @return how many ops ended with that status
     * @throws IllegalArgumentException if the status is not a {@code GNTST_*} code
     */
    public long opsWithStatus(int status) {
        if (!GntStatus.isDefined(status)) {
            throw new IllegalArgumentException("GNTST: unknown status " + status + " (defined: 0 .. -13)");
        }
        return byStatus[-status];
    }
}
