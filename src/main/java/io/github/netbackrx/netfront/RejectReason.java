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
    /** More data slots than 18, or 19 when the first holds at most 256 bytes ("Too many slots"). */
    TOO_MANY_SLOTS,
    /** A GSO extra with size 0 or a type other than TCPv4/TCPv6. */
    BAD_GSO
}
