/**
 * The hypervisor side of the guest-RX path: domains with real 4096-byte frames ({@link
 * io.github.netbackrx.xen.Domain}), a registry of them ({@link io.github.netbackrx.xen.Hypervisor}),
 * v1 grant tables ({@link io.github.netbackrx.xen.GrantTable}), the {@code GNTTABOP_copy}
 * hypercall ({@link io.github.netbackrx.xen.GrantCopyEngine} running a caller-owned {@link
 * io.github.netbackrx.xen.GrantCopyBatch}) with Xen's statuses ({@link
 * io.github.netbackrx.xen.GntStatus}), and interdomain event channels ({@link
 * io.github.netbackrx.xen.EventChannel}).
 *
 * <p>No threads, no clocks, no static mutable state: a simulator drives every step explicitly.
 * Grant-copy failures are statuses, as in Xen; misuse of the API (revoking a gref that is not
 * granted, reading a frame a domain does not own) throws an exception whose message names the rule.
 */
package io.github.netbackrx.xen;
