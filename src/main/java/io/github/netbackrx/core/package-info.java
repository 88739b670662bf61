/**
 * The public model of the guest-RX path: packets ({@link io.github.netbackrx.core.Skb}), the
 * netif wire constants and records, and the packing policies that lay a packet onto ring slots and
 * grant-copy operations. The shared ring page itself is in {@code io.github.netbackrx.ring}.
 *
 * <p>This package depends on the JDK only; a simulator that needs slot counts and copy ops imports
 * it and nothing else.
 */
package io.github.netbackrx.core;
