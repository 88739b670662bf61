/**
 * Wiring for simulators: {@link io.github.netbackrx.sim.GuestRxSimulation} builds a host — a
 * backend, N guests and a peer for foreign fragments, one {@link io.github.netbackrx.netback.Netback}
 * with a {@link io.github.netbackrx.netback.Vif} per guest and a {@link
 * io.github.netbackrx.netfront.Netfront} per ring — and checks every delivered byte against what was
 * sent to that guest; {@link io.github.netbackrx.sim.Scenario} replays the scripted scenarios of the
 * engine event-log format.
 */
package io.github.netbackrx.sim;
