/**
 * The backend of a host, guest-RX side. {@link io.github.netbackrx.netback.Netback} is the netback
 * driver of one backend domain: it owns the execution contexts of its generation ({@link
 * io.github.netbackrx.netback.EngineProfile}: the 2010 groups of {@code net_rx_action}, a thread per
 * vif of Linux 3.13 and 3.14, a thread per queue of {@code rx.c}, one FreeBSD interface each) and
 * the engine that runs in each. {@link io.github.netbackrx.netback.Vif} is one guest's virtual
 * interface: its ring(s), {@code rx_req_cons_peek}, stopped flag and statistics. Packets enter with
 * {@code Vif.startXmit} and reach the guest's ring when a context runs its action; every event can
 * be logged in the canonical event-log spelling ({@link io.github.netbackrx.netback.EventSink}).
 * Driven by explicit calls: no threads, no clock.
 */
package io.github.netbackrx.netback;
