package io.github.netbackrx.sim;

import io.github.netbackrx.netback.DropReason;
import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.netfront.NetfrontStatistics;
import io.github.netbackrx.netfront.RejectReason;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Sums of the counter records, field by field (rejections by reason merged). */
final class Sums {
    private Sums() {}

    static NetfrontStatistics netfront(List<NetfrontStatistics> all) {
        long received = 0;
        long bytes = 0;
        long rejected = 0;
        long consumed = 0;
        long posted = 0;
        long notifications = 0;
        long fixups = 0;
        Map<RejectReason, Long> by = new EnumMap<>(RejectReason.class);
        for (NetfrontStatistics s : all) {
            received += s.packetsReceived();
            bytes += s.bytesReceived();
            rejected += s.packetsRejected();
            consumed += s.responsesConsumed();
            posted += s.requestsPosted();
            notifications += s.notifications();
            fixups += s.gsoChecksumFixups();
            s.rejectedBy().forEach((r, n) -> by.merge(r, n, Long::sum));
        }
        return new NetfrontStatistics(received, bytes, rejected, by, consumed, posted, notifications, fixups);
    }

    /** {@code later - earlier}, field by field (rejections by reason too, zero counts left out). */
    static NetfrontStatistics minus(NetfrontStatistics later, NetfrontStatistics earlier) {
        Map<RejectReason, Long> by = new EnumMap<>(RejectReason.class);
        by.putAll(later.rejectedBy());
        earlier.rejectedBy().forEach((r, n) -> by.merge(r, -n, Long::sum));
        by.values().removeIf(n -> n == 0);
        return new NetfrontStatistics(
                later.packetsReceived() - earlier.packetsReceived(),
                later.bytesReceived() - earlier.bytesReceived(),
                later.packetsRejected() - earlier.packetsRejected(),
                by,
                later.responsesConsumed() - earlier.responsesConsumed(),
                later.requestsPosted() - earlier.requestsPosted(),
                later.notifications() - earlier.notifications(),
                later.gsoChecksumFixups() - earlier.gsoChecksumFixups());
    }

    static VifStatistics vif(List<VifStatistics> all) {
        long[] s = new long[14];
        for (VifStatistics v : all) {
            s[0] += v.packetsSent();
            s[1] += v.bytesSent();
            s[2] += v.packetsErrored();
            s[3] += v.packetsDropped();
            s[4] += v.slotsUsed();
            s[5] += v.copyOps();
            s[6] += v.failedCopyOps();
            s[7] += v.hypercalls();
            s[8] += v.batches();
            s[9] += v.notifications();
            s[10] += v.queueStops();
            s[11] += v.queueWakes();
            s[12] += v.copyArrayOverflows();
            s[13] += v.estimateOverruns();
        }
        return new VifStatistics(
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
    }

    static SimulationStatistics simulation(List<SimulationStatistics> all) {
        long[] s = new long[8];
        Map<DropReason, Long> by = new EnumMap<>(DropReason.class);
        for (SimulationStatistics g : all) {
            g.droppedBy().forEach((r, n) -> by.merge(r, n, Long::sum));
            s[0] += g.sent();
            s[1] += g.delivered();
            s[2] += g.deliveredBytes();
            s[3] += g.mismatched();
            s[4] += g.dropped();
            s[5] += g.errored();
            s[6] += g.inFlight();
            s[7] += g.qdiscDropped();
        }
        return new SimulationStatistics(
                s[0],
                s[1],
                s[2],
                s[3],
                s[4],
                s[5],
                s[6],
                s[7],
                by,
                vif(all.stream().map(SimulationStatistics::vif).toList()),
                netfront(all.stream().map(SimulationStatistics::netfront).toList()));
    }
}
