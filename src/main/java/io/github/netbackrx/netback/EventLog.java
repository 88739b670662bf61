package io.github.netbackrx.netback;

import io.github.netbackrx.core.HashType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.ring.RxRing;

/**
 * Formats the engine's events in the canonical spelling of {@code docs/engine-format.md} and hands
 * them to an {@link EventSink}. Indices are printed as 8 lowercase hex digits (free-running, so they
 * wrap), flags by their plan-format names. Engines call it only when a sink is attached, so a run
 * without a log formats nothing.
 */
final class EventLog {
    private final EventSink sink;
    private final boolean peekProfile;
    private final StringBuilder sb = new StringBuilder(96);

    EventLog(EventSink sink, EngineProfile profile) {
        this.sink = sink;
        this.peekProfile = profile == EngineProfile.LINUX_2010 || profile == EngineProfile.LINUX_3_13;
    }

    static String hex(int index) {
        String h = Integer.toHexString(index);
        return "00000000".substring(h.length()) + h;
    }

    private StringBuilder line(String what, VifQueue q) {
        sb.setLength(0);
        sb.append(what).append(' ').append(q.label());
        return sb;
    }

    private void emit() {
        sink.event(sb.toString());
    }

    void xmitQueued(VifQueue q, long tag, int estimate, boolean stop) {
        StringBuilder b = line("xmit", q).append(" pkt=").append(tag);
        if (peekProfile) {
            b.append(" estimate=").append(estimate).append(" peek=").append(hex(q.peek()));
        }
        b.append(" queued");
        if (stop) {
            b.append(" stop");
        }
        emit();
    }

    void xmitDropped(VifQueue q, long tag, DropReason reason) {
        StringBuilder b = line("xmit", q).append(" pkt=").append(tag);
        if (reason == DropReason.QUEUE_STOPPED) {
            b.append(" skipped:stopped");
        } else {
            if (peekProfile) {
                b.append(" peek=").append(hex(q.peek()));
            }
            b.append(" dropped:").append(reason.label());
        }
        emit();
    }

    void drop(VifQueue q, long tag, DropReason reason) {
        line("drop", q).append(" pkt=").append(tag).append(' ').append(reason.label());
        emit();
    }

    void reqEvent(VifQueue q, int value) {
        line("req_event", q).append(' ').append(hex(value));
        emit();
    }

    void action(long number, RxContext ctx, VifQueue only, int queued) {
        sb.setLength(0);
        sb.append("action ").append(number);
        if (only != null) {
            sb.append(" vif=").append(only.label());
        } else if (ctx.host.groupCount() > 1) {
            sb.append(" group=").append(ctx.index);
        }
        sb.append(" queue=").append(queued);
        emit();
    }

    void hold(VifQueue q, long tag, int needed) {
        line("hold", q).append(" pkt=").append(tag).append(" needed=").append(needed);
        emit();
    }

    void take(VifQueue q, long tag, int metaSlots, int ops, int slots, int reqCons) {
        line("take", q)
                .append(" pkt=")
                .append(tag)
                .append(" meta_slots=")
                .append(metaSlots)
                .append(" ops=")
                .append(ops)
                .append(" slots=")
                .append(slots)
                .append(" req_cons=")
                .append(hex(reqCons));
        emit();
    }

    void gntcopy(int ops, int fail) {
        sb.setLength(0);
        sb.append("gntcopy ops=").append(ops);
        if (fail >= 0) {
            sb.append(" fail=").append(fail);
        }
        emit();
    }

    /** One response as it stands in the ring at {@code index}: {@code rsp}, {@code prefix} or {@code extra}. */
    void response(VifQueue q, RxRing ring, int index, boolean extra) {
        if (extra) {
            int type = ring.extraType(index);
            StringBuilder b =
                    line("extra", q).append(" idx=").append(hex(index)).append(" type=");
            int flags = ring.extraFlags(index);
            String f = (flags & Netif.EXTRA_FLAG_MORE) != 0 ? "more" : "-";
            if (type == Netif.EXTRA_TYPE_HASH) {
                b.append("hash flags=")
                        .append(f)
                        .append(" hash=")
                        .append(Integer.toUnsignedString(ring.extraHashValue(index)))
                        .append('/')
                        .append(hashType(ring.extraHashType(index)));
            } else {
                int gt = ring.extraGsoType(index);
                b.append("gso flags=")
                        .append(f)
                        .append(" gso_size=")
                        .append(ring.extraGsoSize(index))
                        .append(" gso_type=")
                        .append(gt == Netif.GSO_TYPE_TCPV4 ? "tcpv4" : gt == Netif.GSO_TYPE_TCPV6 ? "tcpv6" : gt);
            }
        } else {
            int flags = ring.responseFlags(index);
            line((flags & Netif.RXF_GSO_PREFIX) != 0 ? "prefix" : "rsp", q)
                    .append(" idx=")
                    .append(hex(index))
                    .append(" id=")
                    .append(ring.responseId(index))
                    .append(" status=")
                    .append(ring.responseStatus(index))
                    .append(" offset=")
                    .append(ring.responseOffset(index))
                    .append(" flags=")
                    .append(Netif.rxFlagNames(flags & 0x1F));
        }
        emit();
    }

    private static String hashType(int wire) {
        for (HashType t : HashType.values()) {
            if (t.wireValue() == wire) {
                return t.label();
            }
        }
        return Integer.toString(wire);
    }

    void push(VifQueue q, int rspProd, boolean notify) {
        line("push", q)
                .append(" rsp_prod=")
                .append(hex(rspProd))
                .append(" notify=")
                .append(notify ? 1 : 0);
        emit();
    }

    void notify(int irq) {
        sb.setLength(0);
        sb.append("notify irq=").append(irq);
        emit();
    }

    void wake(VifQueue q, String by) {
        line("wake", q).append(" by=").append(by);
        emit();
    }

    void resched() {
        sink.event("resched");
    }

    void timer(VifQueue q, boolean pending) {
        line("timer", q);
        if (!pending) {
            sb.append(" not-pending");
        }
        emit();
    }

    void bug(String what) {
        sink.event("bug " + what);
    }

    void line(String text) {
        sink.event(text);
    }
}
