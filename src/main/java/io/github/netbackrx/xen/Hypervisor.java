package io.github.netbackrx.xen;

import java.util.Optional;

/**
 * The hypervisor: the domains by id, and the factories of the objects that act between them
 * ({@link GrantCopyEngine} for {@code GNTTABOP_copy}, {@link EventChannel} for {@code
 * EVTCHNOP_bind_interdomain}). One instance is one simulated host; nothing is static.
 */
public final class Hypervisor {
    /**
     * {@code DOMID_SELF} (0x7FF0, Xen {@code xen.h}): in a grant-copy pointer it names the calling
     * domain; it is also {@code DOMID_FIRST_RESERVED}, so real domain ids are 0 .. 0x7FEF.
     */
    public static final int DOMID_SELF = 0x7FF0;

    /** Grant entries of a domain unless told otherwise: 1024 (two 4 KiB frames of v1 entries). */
    public static final int DEFAULT_NR_GRANT_ENTRIES = 1024;

    private final Domain[] domains = new Domain[DOMID_SELF];
    private int domainCount;

    /** Creates a host with no domains. */
    public Hypervisor() {}

    /**
     * Creates a domain with {@link #DEFAULT_NR_GRANT_ENTRIES} grant entries.
     *
     * @param domid the id, 0 .. 0x7FEF
     * @return the domain
     * @throws IllegalArgumentException if the id is reserved or out of range
     * @throws IllegalStateException if a domain with that id exists
     */
    public Domain createDomain(int domid) {
        return createDomain(domid, DEFAULT_NR_GRANT_ENTRIES);
    }

    /**
     * Creates a domain.
     *
     * @param domid the id, 0 .. 0x7FEF
     * @param nrGrantEntries the size of its grant table ({@code nr_grant_entries}), positive
     * @return the domain
     * @throws IllegalArgumentException if the id is reserved or out of range, or the size is not
     *     positive
     * @throws IllegalStateException if a domain with that id exists
     */
    public Domain createDomain(int domid, int nrGrantEntries) {
        if (domid < 0 || domid >= DOMID_SELF) {
            throw new IllegalArgumentException(
                    "domid: " + domid + " is not a real domain id (0 .. 0x7fef; 0x7ff0 and above are reserved)");
        }
        if (domains[domid] != null) {
            throw new IllegalStateException("domid: domain " + domid + " already exists");
        }
        Domain d = new Domain(domid, nrGrantEntries);
        domains[domid] = d;
        domainCount++;
        return d;
    }

    /**
     * @param domid a domain id
     * @return the domain
     * @throws IllegalArgumentException if there is no such domain
     */
    public Domain domain(int domid) {
        Domain d = lookup(domid);
        if (d == null) {
            throw new IllegalArgumentException("domid: no domain " + domid);
        }
        return d;
    }

    /**
     * @param domid any value
     * @return the domain, or empty when there is none
     */
    public Optional<Domain> findDomain(int domid) {
        return Optional.ofNullable(lookup(domid));
    }

    /** @return the number of domains */
    public int domainCount() {
        return domainCount;
    }

    /**
     * A {@code GNTTABOP_copy} engine whose hypercalls are issued by {@code caller}.
     *
     * @param caller a domain of this host
     * @return a new engine with its own counters
     * @throws IllegalArgumentException if the domain is not of this host
     */
    public GrantCopyEngine grantCopyEngine(Domain caller) {
        checkOwn(caller);
        return new GrantCopyEngine(this, caller);
    }

    /**
     * {@code EVTCHNOP_bind_interdomain}: binds a fresh port of {@code first} to a fresh port of
     * {@code second} (ports are allocated per domain from 1).
     *
     * @param first one end (e.g. the back end's domain)
     * @param second the other end (e.g. the guest)
     * @return the bound channel
     * @throws IllegalArgumentException if a domain is not of this host
     */
    public EventChannel bindInterdomain(Domain first, Domain second) {
        checkOwn(first);
        checkOwn(second);
        int portA = first.allocatePort();
        int portB = second.allocatePort();
        return new EventChannel(first.domid(), portA, second.domid(), portB);
    }

    Domain lookup(int domid) {
        return domid >= 0 && domid < domains.length ? domains[domid] : null;
    }

    private void checkOwn(Domain d) {
        if (lookup(d.domid()) != d) {
            throw new IllegalArgumentException("domain " + d.domid() + " does not belong to this hypervisor");
        }
    }
}
