package io.github.netbackrx.netback;

import io.github.netbackrx.core.Skb;

/**
 * The strategy a {@link Vif} delegates to for a profile other than 2010: admission, the RX action
 * and the front end's event. The vif has already checked that it is enabled, its queue runs and
 * {@code req_prod} is sane.
 */
interface ProfileEngine {
    boolean startXmit(Skb skb, byte[] data, long tag);

    int rxAction();

    void frontendEvent();
}
