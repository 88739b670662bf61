/**
 * Wiring for simulators: {@link io.github.netbackrx.sim.GuestRxSimulation} builds a host with a
 * backend, a guest (and a peer for foreign fragments), the RX ring, the event channel, a {@link
 * io.github.netbackrx.netback.Vif} and a {@link io.github.netbackrx.netfront.Netfront}, and checks
 * every delivered byte against what was sent.
 */
package io.github.netbackrx.sim;
