package io.github.netbackrx.xen;

/**
 * Descriptor of {@code struct gnttab_copy} (Xen {@code grant_table.h}) in its x86_64 layout, where
 * {@code xen_pfn_t} is 64 bits: 40 bytes, little-endian. (Where {@code xen_pfn_t} is 32 bits the
 * layout differs; it is not modelled.)
 *
 * <pre>
 *   struct gnttab_copy (40 bytes)
 *   +-----------------------------------------------------------------+
 *   | source.u.ref (u32, gref) / source.u.gmfn (xen_pfn_t, u64)     @0  |
 *   +----------------------+----------------------+-------------------+
 *   | source.domid (u16) @8| source.offset (u16)@10| pad            @12|
 *   +----------------------+----------------------+-------------------+
 *   | dest.u.ref / dest.u.gmfn (u64)                                @16 |
 *   +----------------------+----------------------+-------------------+
 *   | dest.domid (u16) @24 | dest.offset (u16) @26 | pad            @28|
 *   +----------------------+----------------------+-------------------+
 *   | len (u16) @32        | flags (u16) @34      | status (s16) @36  | pad @38
 *   +----------------------+----------------------+-------------------+
 * </pre>
 *
 * <p>Descriptor-style holder: no instances. {@link GrantCopyBatch#encode} and {@link
 * GrantCopyBatch#addEncoded} convert between this layout and a batch.
 */
public final class GrantCopyLayout {
    private GrantCopyLayout() {}

    /** Offset of {@code source} ({@code struct gnttab_copy_ptr}). */
    public static final int SOURCE_OFFSET = 0;
    /** Offset of {@code dest}. */
    public static final int DEST_OFFSET = 16;
    /** Within a pointer: offset of the union {@code u.ref} / {@code u.gmfn} (8 bytes). */
    public static final int PTR_U_OFFSET = 0;
    /** Within a pointer: offset of {@code domid}. */
    public static final int PTR_DOMID_OFFSET = 8;
    /** Within a pointer: offset of {@code offset}. */
    public static final int PTR_OFFSET_OFFSET = 10;
    /** {@code sizeof(struct gnttab_copy_ptr)}: 16 bytes (12 used, padded to 8-byte alignment). */
    public static final int PTR_SIZE = 16;
    /** Offset of {@code len}. */
    public static final int LEN_OFFSET = 32;
    /** Offset of {@code flags} ({@code GNTCOPY_*}). */
    public static final int FLAGS_OFFSET = 34;
    /** Offset of {@code status} (s16, written by Xen). */
    public static final int STATUS_OFFSET = 36;
    /** {@code sizeof(struct gnttab_copy)} on x86_64: 40 bytes. */
    public static final int SIZE = 40;

    /** {@code GNTCOPY_source_gref} (1 &lt;&lt; 0): {@code source.u} is a grant reference, not a gmfn. */
    public static final int GNTCOPY_SOURCE_GREF = 1;
    /** {@code GNTCOPY_dest_gref} (1 &lt;&lt; 1): {@code dest.u} is a grant reference, not a gmfn. */
    public static final int GNTCOPY_DEST_GREF = 2;
    /** {@code GNTTABOP_copy} (5): the grant-table sub-op number. */
    public static final int GNTTABOP_COPY = 5;
}
