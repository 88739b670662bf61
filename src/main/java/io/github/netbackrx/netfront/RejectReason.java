package io.github.netbackrx.netfront;

/** Why netfront dropped a packet ({@code xennet_get_responses}, {@code xennet_set_skb_gso}). */
public enum RejectReason {
    /** An extra-info slot with type 0 or {@code >= XEN_NETIF_EXTRA_TYPE_MAX} ("Invalid extra type"). */
    INVALID_EXTRA_TYPE,
    /** {@code extra_info} or {@code EXTRA_FLAG_MORE} set but no further response ("Missing extra info"). */
    MISSING_EXTRA,
    /** A data slot with {@code status < 0} (e.g. {@code NETIF_RSP_ERROR}) or {@code offset + status > 4096}. */
    BAD_STATUS,
    /** A response in a slot where no request was posted ("Bad rx response id"). */
    BAD_RESPONSE_ID,
    /** {@code more_data} set but no further response published ("Need more slots"). */
    NEED_MORE_SLOTS,
    /**
     * More data slots than {@code xennet_get_responses} allows ("Too many slots"): 18, or 19 when the
     * first holds at most 256 bytes ({@link NetfrontLimits}).
     */
    TOO_MANY_SLOTS,
    /**
     * More data slots than the guest's {@code MAX_SKB_FRAGS} fragments can hold: current Linux's
     * {@code xennet_fill_frags} drops the packet ({@code -ENOENT}) beyond 17 data slots, or 18 when
     * the first holds at most 256 bytes ({@link NetfrontLimits}).
     */
    TOO_MANY_FRAGS,
    /** A GSO extra with size 0 or a type the guest does not take (TCPv4/TCPv6; TCPv4 only in 2010). */
    BAD_GSO
}
