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
 * @param rejectedBy drops per reason, in the order of {@link RejectReason}
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
     * Copies the map, in the order of {@link RejectReason} so that equal statistics print alike.
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
        EnumMap<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        rejectedBy.forEach((r, n) -> byReason.put(Objects.requireNonNull(r), Objects.requireNonNull(n)));
        rejectedBy = Collections.unmodifiableMap(byReason);
    }
}
