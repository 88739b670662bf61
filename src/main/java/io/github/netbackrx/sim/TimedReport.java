package io.github.netbackrx.sim;

import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netfront.RejectReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TimedHost} run did, from its first arrival to the time of the report: packets,
 * latency from arrival to delivery, throughput, and how busy each execution context and each
 * guest's vCPUs were. An immutable snapshot.
 */
public final class TimedReport {
    private final long start;
    private final long end;
    private final long lastDelivery;
    private final long arrived;
    private final long delivered;
    private final long deliveredBytes;
    private final long dropped;
    private final long errored;
    private final long rejected;
    private final Map<DropReason, Long> droppedBy;
    private final Map<RejectReason, Long> rejectedBy;
    private final LatencyHistogram latency;
    private final List<LatencyHistogram> guestLatency;
    private final List<ContextLoad> contexts;
    private final List<Double> guestUtilisation;

    /**
     * How busy one execution context was.
     *
     * @param context its number
     * @param kind {@code group}, {@code vif} or {@code queue}
     * @param busyNanos the time it spent running actions
     * @param actions the actions it ran
     * @param utilisation {@code busyNanos} over the report's {@link #duration()}, 0 to 1
     */
    public record ContextLoad(int context, String kind, long busyNanos, long actions, double utilisation) {}

    TimedReport(
            long start,
            long end,
            long lastDelivery,
            long arrived,
            long delivered,
            long deliveredBytes,
            long dropped,
            long errored,
            long rejected,
            Map<DropReason, Long> droppedBy,
            Map<RejectReason, Long> rejectedBy,
            LatencyHistogram latency,
            List<LatencyHistogram> guestLatency,
            List<ContextLoad> contexts,
            List<Double> guestUtilisation) {
        this.start = start;
        this.end = end;
        this.lastDelivery = lastDelivery;
        this.arrived = arrived;
        this.delivered = delivered;
        this.deliveredBytes = deliveredBytes;
        this.dropped = dropped;
        this.errored = errored;
        this.rejected = rejected;
        EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        drops.putAll(droppedBy);
        this.droppedBy = Collections.unmodifiableMap(drops);
        EnumMap<RejectReason, Long> rejects = new EnumMap<>(RejectReason.class);
        rejects.putAll(rejectedBy);
        this.rejectedBy = Collections.unmodifiableMap(rejects);
        this.latency = latency;
        this.guestLatency = List.copyOf(guestLatency);
        this.contexts = List.copyOf(contexts);
        this.guestUtilisation = List.copyOf(guestUtilisation);
    }

    /** @return the time of the first arrival (0 before any) */
    public long start() {
        return start;
    }

    /** @return the time of the report ({@link TimedHost#now()}) */
    public long end() {
        return end;
    }

    /** @return {@code end - start}: the window the throughput and the utilisations are taken over */
    public long duration() {
        return Math.max(0, end - start);
    }

    /** @return the time of the last delivery, -1 before any */
    public long lastDelivery() {
        return lastDelivery;
    }

    /** @return packets that arrived at the host */
    public long arrived() {
        return arrived;
    }

    /** @return packets delivered to their guests */
    public long delivered() {
        return delivered;
    }

    /** @return their bytes */
    public long deliveredBytes() {
        return deliveredBytes;
    }

    /** @return packets dropped before the ring (at the qdisc or by the backend) */
    public long dropped() {
        return dropped;
    }

    /** @return those drops by reason (only reasons that occurred) */
    public Map<DropReason, Long> droppedBy() {
        return droppedBy;
    }

    /** @return packets the guests dropped because their responses carry {@code NETIF_RSP_ERROR} */
    public long errored() {
        return errored;
    }

    /** @return packets netfront rejected by one of its rules */
    public long rejected() {
        return rejected;
    }

    /** @return those rejections by rule (only rules that were broken) */
    public Map<RejectReason, Long> rejectedBy() {
        return rejectedBy;
    }

    /** @return the latency from arrival to delivery of every delivered packet, in nanoseconds (a copy) */
    public LatencyHistogram latency() {
        return latency.copy();
    }

    /**
     * @param guest a guest
     * @return the latency of that guest's delivered packets (a copy)
     * @throws IndexOutOfBoundsException if there is no such guest
     */
    public LatencyHistogram latency(int guest) {
        return guestLatency.get(guest).copy();
    }

    /** @return packets delivered per second of {@link #duration()}; 0 for an empty window */
    public double throughputPps() {
        return rate(delivered);
    }

    /** @return bits of delivered packets per second of {@link #duration()} (whole packets, 8 bits a byte) */
    public double throughputBitsPerSecond() {
        return rate(8 * deliveredBytes);
    }

    /** @return packets that arrived per second of {@link #duration()}: the offered load */
    public double offeredPps() {
        return rate(arrived);
    }

    private double rate(long n) {
        return duration() == 0 ? 0 : n * 1e9 / duration();
    }

    /** @return per execution context, how busy it was */
    public List<ContextLoad> contexts() {
        return contexts;
    }

    /** @return per context, its utilisation (0 to 1), in context order */
    public List<Double> utilisation() {
        List<Double> out = new ArrayList<>(contexts.size());
        for (ContextLoad c : contexts) {
            out.add(c.utilisation());
        }
        return out;
    }

    /**
     * @param guest a guest
     * @return how busy that guest's ring vCPUs were over {@link #duration()} (0 to 1; the mean over
     *     its queues)
     * @throws IndexOutOfBoundsException if there is no such guest
     */
    public double guestUtilisation(int guest) {
        return guestUtilisation.get(guest);
    }

    /** @return e.g. {@code TimedReport[delivered=1000 of 1000, p50=5 us, p99=9 us, 150000 pps]} */
    @Override
    public String toString() {
        return "TimedReport[delivered=" + delivered + " of " + arrived + ", p50=" + latency.percentile(50) + " ns, p99="
                + latency.percentile(99) + " ns, " + Math.round(throughputPps()) + " pps]";
    }
}
