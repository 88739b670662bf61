package io.github.netbackrx.xen;

/**
 * The {@code GNTST_*} status codes of Xen's {@code grant_table.h}, as written into each {@code
 * gnttab_copy.status}.
 *
 * <p>Descriptor-style holder: no instances.
 */
public final class GntStatus {
    private GntStatus() {}

    /** {@code GNTST_okay} (0). */
    public static final int OKAY = 0;
    /** {@code GNTST_general_error} (-1): e.g. the entry does not grant the caller, or a r/o grant as destination. */
    public static final int GENERAL_ERROR = -1;
    /** {@code GNTST_bad_domain} (-2): unknown domain. */
    public static final int BAD_DOMAIN = -2;
    /** {@code GNTST_bad_gntref} (-3): grant reference beyond the table ({@code nr_grant_entries}). */
    public static final int BAD_GNTREF = -3;
    /** {@code GNTST_bad_handle} (-4). */
    public static final int BAD_HANDLE = -4;
    /** {@code GNTST_bad_virt_addr} (-5). */
    public static final int BAD_VIRT_ADDR = -5;
    /** {@code GNTST_bad_dev_addr} (-6). */
    public static final int BAD_DEV_ADDR = -6;
    /** {@code GNTST_no_device_space} (-7). */
    public static final int NO_DEVICE_SPACE = -7;
    /** {@code GNTST_permission_denied} (-8): e.g. a frame number of a domain other than {@code DOMID_SELF}. */
    public static final int PERMISSION_DENIED = -8;
    /** {@code GNTST_bad_page} (-9): the frame does not exist in the domain. */
    public static final int BAD_PAGE = -9;
    /** {@code GNTST_bad_copy_arg} (-10): copy arguments cross a page boundary. */
    public static final int BAD_COPY_ARG = -10;
    /** {@code GNTST_address_too_big} (-11). */
    public static final int ADDRESS_TOO_BIG = -11;
    /** {@code GNTST_eagain} (-12): the page is paged out (Linux {@code gnttab_batch_copy} retries). */
    public static final int EAGAIN = -12;
    /** {@code GNTST_no_space} (-13). */
    public static final int NO_SPACE = -13;

    private static final String[] NAMES = {
        "GNTST_okay",
        "GNTST_general_error",
        "GNTST_bad_domain",
        "GNTST_bad_gntref",
        "GNTST_bad_handle",
        "GNTST_bad_virt_addr",
        "GNTST_bad_dev_addr",
        "GNTST_no_device_space",
        "GNTST_permission_denied",
        "GNTST_bad_page",
        "GNTST_bad_copy_arg",
        "GNTST_address_too_big",
        "GNTST_eagain",
        "GNTST_no_space"
    };

    /** The number of defined codes: 0 down to -13. */
    static final int COUNT = NAMES.length;

    /**
     * The Xen name of a status.
     *
     * @param status a {@code GNTST_*} value, 0 .. -13
     * @return e.g. {@code GNTST_bad_gntref}
     * @throws IllegalArgumentException for any other value
     */
    public static String name(int status) {
        if (!isDefined(status)) {
            throw new IllegalArgumentException("GNTST: unknown status " + status + " (defined: 0 .. -13)");
        }
        return NAMES[-status];
    }

    /**
     * @param status any value
     * @return whether it is one of the fourteen {@code GNTST_*} codes
     */
    public static boolean isDefined(int status) {
        return status <= 0 && status > -COUNT;
    }
}
