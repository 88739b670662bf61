/**
 * The shared RX ring ({@code ring.h} with the {@code netif} RX entries): one 4096-byte
 * little-endian page laid out exactly as Xen's, its back (netback) and front (netfront) views on
 * free-running 32-bit indices, the descriptor classes of its wire structures, and {@link
 * io.github.netbackrx.ring.RingProtocolException} for a peer that breaks the protocol.
 *
 * <p>Depends on {@code io.github.netbackrx.core} (the netif constants) and the JDK only.
 */
package io.github.netbackrx.ring;
