package io.github.netbackrx.netfront;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link Netfront}'s counters.
 *
 * @param packetsReceived packets accepted ({@code rx_packets})
 * @param bytesReceived their bytes ({@code rx_bytes})
 * @param packetsRejected packets dropped ({@code rx_errors})
 * @param rejectedBy drops per reason, in {@link RejectReason}'s declaration order
 * @param responsesConsumed response slots consumed, extras included
 * @param requestsPosted requests written (fresh and recycled buffers)
 * @param notifications event-channel sends to the backend
 * @param gsoChecksumFixups GSO packets without {@code csum_blank} forced to PARTIAL
 */
public record NetfrontStatistics(
        long packetsReceived,
        long bytesReceived,
        long packetsRejected,
        Map<RejectReason, Long> rejectedBy,
        long responsesConsumed,
        long requestsPosted,
        long notifications,
        long gsoChecksumFixups) {
    /**
     * Copies the map, in the reasons' declaration order (so the snapshot prints the same in every
     * run).
     *
     * @param packetsReceived packets accepted ({@code rx_packets})
     * @param bytesReceived their bytes ({@code rx_bytes})
     * @param packetsRejected packets dropped ({@code rx_errors})
     * @param rejectedBy drops per reason
     * @param responsesConsumed response slots consumed, extras included
     * @param requestsPosted requests written (fresh and recycled buffers)
     * @param notifications event-channel sends to the backend
     * @param gsoChecksumFixups GSO packets without {@code csum_blank} forced to PARTIAL
     */
    public NetfrontStatistics {
        EnumMap<RejectReason, Long> copy = new EnumMap<>(RejectReason.class);
        rejectedBy.forEach((reason, count) -> copy.put(Objects.requireNonNull(reason), Objects.requireNonNull(count)));
        rejectedBy = Collections.unmodifiableMap(copy);
    }
}
