package io.github.netbackrx.xen;

/**
 * Test helper for the randomized grant-copy tests, which draw whether each side of an op is a grant
 * reference: names the side through the cursor's matching setter.
 */
final class RandomSides {
    private RandomSides() {}

    /** The op's source: {@code sourceGref} when {@code gref}, else {@code sourceGmfn}. */
    static GrantCopyBatch.Op source(GrantCopyBatch.Op op, boolean gref, long ref, int domid, int offset) {
        return gref ? op.sourceGref(ref, domid, offset) : op.sourceGmfn(ref, domid, offset);
    }

    /** The op's destination: {@code destGref} when {@code gref}, else {@code destGmfn}. */
    static GrantCopyBatch.Op dest(GrantCopyBatch.Op op, boolean gref, long ref, int domid, int offset) {
        return gref ? op.destGref(ref, domid, offset) : op.destGmfn(ref, domid, offset);
    }
}
