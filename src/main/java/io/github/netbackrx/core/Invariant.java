package io.github.netbackrx.core;

/**
 * The rules every plan is checked against by {@link PlanChecker}, each with a stable name used in
 * the output {@code packet I: NAME: details}.
 */
public enum Invariant {
    /** The data slots' statuses sum to the packet length (the guest sums them to rebuild it). */
    LENGTH_SUM("length-sum"),
    /** No copy op writes past its destination buffer's end ({@code MAX_BUFFER_OFFSET}) nor into a non-data slot. */
    DEST_WITHIN_SLOT("dest-within-slot"),
    /** No copy op reads across a 4 KiB source frame (a grant copy names one frame). */
    SOURCE_WITHIN_FRAME("source-within-frame"),
    /** Data slot 0 is non-empty when the packet is (netfront relies on it). */
    FIRST_SLOT_NONEMPTY("first-slot-nonempty"),
    /** Slots used do not exceed the estimate reserved before packing. */
    SLOTS_WITHIN_ESTIMATE("slots-within-estimate"),
    /** {@code NETRXF_more_data} is set on every data slot but the last, and not on the last. */
    MORE_DATA_CHAIN("more-data-chain"),
    /**
     * The ops of each packet area are contiguous and cover exactly its bytes, and the ops into each
     * data slot fill it contiguously from offset 0 up to its status: every byte ends up exactly once.
     */
    SOURCE_COVERAGE("source-coverage");

    private final String label;

    Invariant(String label) {
        this.label = label;
    }

    /** @return the stable name, e.g. {@code first-slot-nonempty} */
    public String label() {
        return label;
    }
}
