package io.github.netbackrx.xen;

/**
 * An interdomain event channel ({@code ECS_INTERDOMAIN}): two bound ports, one in each domain,
 * made by {@link Hypervisor#bindInterdomain}. Semantics of Xen's 2-level ABI ({@code
 * evtchn_send}, {@code evtchn_2l_set_pending}):
 *
 * <ul>
 *   <li>{@link Endpoint#send()} ({@code EVTCHNOP_send} on this end's port) sets the <em>remote</em>
 *       port pending;
 *   <li>sends made while the remote port is already pending coalesce into that one event;
 *   <li>a masked port stays pending and is not delivered until unmasked;
 *   <li>the receiver takes the event explicitly with {@link Endpoint#takePending()}, which clears
 *       pending. An event means "look at the ring", not "one new item".
 * </ul>
 *
 * <p>No threads and no callbacks: a simulator calls {@code takePending()} when the receiving
 * domain would run its upcall.
 */
public final class EventChannel {
    private final Endpoint first;
    private final Endpoint second;

    EventChannel(int firstDomid, int firstPort, int secondDomid, int secondPort) {
        this.first = new Endpoint(firstDomid, firstPort);
        this.second = new Endpoint(secondDomid, secondPort);
        first.peer = second;
        second.peer = first;
    }

    /** @return the end in the first domain given to {@link Hypervisor#bindInterdomain} */
    public Endpoint first() {
        return first;
    }

    /** @return the end in the second domain */
    public Endpoint second() {
        return second;
    }

    /** @return sends from both ends */
    public long sends() {
        return first.sends + second.sends;
    }

    /** @return events delivered at both ends */
    public long delivered() {
        return first.delivered + second.delivered;
    }

    /** One port of the channel, in one domain. */
    public static final class Endpoint {
        private final int domid;
        private final int port;
        private Endpoint peer;
        private boolean pending;
        private boolean masked;
        private long sends;
        private long coalesced;
        private long delivered;

        Endpoint(int domid, int port) {
            this.domid = domid;
            this.port = port;
        }

        /** @return the domain this port belongs to */
        public int domid() {
            return domid;
        }

        /** @return the port number ({@code evtchn_port_t}) in its domain */
        public int port() {
            return port;
        }

        /** @return the other end */
        public Endpoint peer() {
            return peer;
        }

        /**
         * {@code EVTCHNOP_send} on this port ({@code notify_remote_via_evtchn}): sets the peer's
         * port pending.
         *
         * @return true when the peer became pending, false when it already was (the send
         *     coalesced into the pending event)
         */
        public boolean send() {
            sends++;
            if (peer.pending) {
                peer.coalesced++;
                return false;
            }
            peer.pending = true;
            return true;
        }

        /** @return whether this port is pending */
        public boolean pending() {
            return pending;
        }

        /** @return whether this port is masked */
        public boolean masked() {
            return masked;
        }

        /** Masks this port: a pending event stays pending and is not delivered. */
        public void mask() {
            masked = true;
        }

        /** Unmasks this port: a pending event becomes deliverable. */
        public void unmask() {
            masked = false;
        }

        /**
         * The receiver's upcall: when this port is pending and not masked, clears pending and
         * counts one delivered event.
         *
         * @return whether an event was delivered
         */
        public boolean takePending() {
            if (!pending || masked) {
                return false;
            }
            pending = false;
            delivered++;
            return true;
        }

        /** @return the number of sends made from this end */
        public long sends() {
            return sends;
        }

        /** @return sends towards this end that found it already pending */
        public long coalescedSends() {
            return coalesced;
        }

        /** @return events delivered at this end by {@link #takePending()} */
        public long delivered() {
            return delivered;
        }

        /** @return e.g. {@code Endpoint[domid=0, port=1, pending=false, masked=false]} */
        @Override
        public String toString() {
            return "Endpoint[domid=" + domid + ", port=" + port + ", pending=" + pending + ", masked=" + masked + "]";
        }
    }
}
