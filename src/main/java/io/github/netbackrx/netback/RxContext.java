package io.github.netbackrx.netback;

import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.xen.GntStatus;
import io.github.netbackrx.xen.GrantCopyBatch;
import java.util.Arrays;

/**
 * One execution context of the backend: a 2010 group ({@code struct xen_netbk}: the shared {@code
 * rx_queue}, the copy-op and meta arrays, the notify list), the thread of one 3.x vif, the thread
 * of one {@code rx.c} queue, or one FreeBSD interface. It is the narrow object an engine works
 * with: the queue of admitted packets, the plan buffer, the copy-op batch with the packet of every
 * op, the one {@code GNTTABOP_copy}, event-channel sends and the event log.
 */
final class RxContext {
    final Netback host;
    final int index;
    final PacketQueue queue = new PacketQueue();
    final PlanBuffer plan = new PlanBuffer();
    final GrantCopyBatch batch;
    final int copyOpArraySize;
    final Packet[] opPacket;
    final EventLog log;
    RxEngine engine;
    /** The one ring a per-vif or per-queue context serves; {@code null} for a 2010 group. */
    VifQueue ring;
    /** 2010: {@code netfront_count}, the vifs that joined this group. */
    int members;

    private int lastFail = -1;
    private long marks;

    long actions;
    long packets;
    long hypercalls;
    long copyOps;
    long bytes;
    long responses;
    long notifications;
    /** The number of the action running or last run (the event log's action number), -1 before the first. */
    long action = -1;

    RxContext(Netback host, int index, int copyOpArraySize) {
        this.host = host;
        this.index = index;
        this.copyOpArraySize = copyOpArraySize;
        this.batch = new GrantCopyBatch(copyOpArraySize);
        this.opPacket = new Packet[copyOpArraySize];
        this.log = host.log;
    }

    /** A fresh marker value, so a loop can count each vif once ({@link VifQueue#mark}). */
    long newMark() {
        return ++marks + ((long) index << 40);
    }

    // ---- action and queue ----------------------------------------------------------------------

    /**
     * Starts an action: numbers it, counts it and logs it.
     *
     * @return whether there is work: packets queued and, for a per-ring context, a ring whose {@code
     *     req_prod} is sane (an overflowing ring is disabled here and its packets dropped)
     */
    boolean beginAction() {
        long number = host.nextAction();
        action = number;
        actions++;
        if (log != null) {
            log.action(number, this, ring, queue.size());
        }
        return !queue.isEmpty() && (ring == null || ring.checkReqProd());
    }

    /**
     * Places an admitted packet's bytes and queues it.
     *
     * @return whether it was queued (false after a drop for lack of grant entries)
     */
    boolean place(VifQueue q, io.github.netbackrx.core.Skb skb, byte[] data, long tag, int estimate) {
        Packet p = q.place(skb, data, tag, estimate);
        if (p == null) {
            return false;
        }
        enqueue(p);
        return true;
    }

    /**
     * An action took a packet: its requests are consumed and its {@code slots} responses written
     * (pushed later). Counted, logged ({@code take}) and told to the vif's listener with this
     * context and the action's number.
     */
    void took(VifQueue q, Packet p, int metaSlots, int ops, int slots) {
        responses += slots;
        if (log != null) {
            log.take(q, p.tag, metaSlots, ops, slots, q.reqCons());
        }
        q.vif.listener.taken(p.tag, index, action);
    }

    void enqueue(Packet p) {
        queue.addLast(p);
        p.owner.queued(p, 1);
    }

    Packet poll() {
        Packet p = queue.pollFirst();
        p.owner.queued(p, -1);
        return p;
    }

    /** Drops every queued packet of {@code q} (a disabled ring), in queue order. */
    void discardAll(VifQueue q, DropReason reason) {
        Packet[] gone = new Packet[queue.size()];
        int n = queue.removeOf(q, gone);
        for (int i = 0; i < n; i++) {
            q.queued(gone[i], -1);
            q.discard(gone[i], reason);
        }
    }

    /** Checks {@code req_prod} of every ring with packets queued here, once per action (a ring that overflowed is disabled). */
    void checkRings() {
        long m = newMark();
        boolean again = true;
        while (again) {
            again = false;
            for (int i = 0, n = queue.size(); i < n; i++) {
                VifQueue q = queue.get(i).owner;
                if (q.mark != m) {
                    q.mark = m;
                    if (!q.checkReqProd()) {
                        again = true; // its packets left the queue: walk it again
                        break;
                    }
                }
            }
        }
    }

    // ---- grant copies --------------------------------------------------------------------------

    /** Adds op {@code i} of the plan of {@code p} to the batch, recording its packet. */
    int addOp(Packet p, PlanBuffer pl, int i, int destGref) {
        int op = p.owner.addOp(batch, p, pl, i, destGref);
        opPacket[op] = p;
        return op;
    }

    void clearBatch() {
        Arrays.fill(opPacket, 0, batch.size(), null);
        batch.clear();
        lastFail = -1;
    }

    /**
     * One {@code GNTTABOP_copy} of the whole batch (none when it is empty), counted for the context
     * and for every ring that has ops in it, and logged.
     *
     * @return how many of its ops failed
     */
    int hypercall() {
        int n = batch.size();
        if (n == 0) {
            return 0;
        }
        host.copyEngine.copy(batch);
        lastFail = host.takePendingFail(n);
        if (log != null) {
            log.gntcopy(n, lastFail);
        }
        hypercalls++;
        copyOps += n;
        long m = newMark();
        int failed = 0;
        for (int i = 0; i < n; i++) {
            bytes += batch.length(i);
            VifQueue q = opPacket[i].owner;
            if (q.mark != m) {
                q.mark = m;
                q.hypercalls++;
            }
            q.copyOps++;
            if (status(i) != GntStatus.OKAY) {
                failed++;
                q.failedCopyOps++;
            }
        }
        return failed;
    }

    /** The status of op {@code i} of the last hypercall (an injected failure reads {@code GNTST_general_error}). */
    int status(int i) {
        if (i == lastFail) {
            return GntStatus.GENERAL_ERROR;
        }
        return batch.status(i);
    }

    /** {@code notify_remote_via_irq}: one event-channel send to the ring's front end, counted and logged. */
    void notify(VifQueue q) {
        q.port().send();
        q.notifications++;
        notifications++;
        if (log != null) {
            log.notify(q.irq);
        }
    }

    /** Where the modelled driver would hit a {@code BUG()}/{@code BUG_ON}: logged as {@code bug ...}. */
    void bug(String what) {
        if (log != null) {
            log.bug(what);
        }
    }

    /** @return the context's counters */
    ContextStatistics statistics() {
        return new ContextStatistics(
                index,
                host.contextKind(),
                members,
                queue.size(),
                actions,
                packets,
                hypercalls,
                copyOps,
                bytes,
                responses,
                notifications);
    }
}
