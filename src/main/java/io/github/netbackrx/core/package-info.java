/**
 * The public model of the guest-RX path: packets ({@link io.github.netbackrx.core.Skb}), the
 * netif wire constants and records, the shared RX ring, and the packing policies that lay a packet
 * onto ring slots and grant-copy operations.
 *
 * <p>This package depends on the JDK only; a simulator that needs slot counts and copy ops imports
 * it and nothing else.
 */
package io.github.netbackrx.core;
