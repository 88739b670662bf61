package io.github.netbackrx.examples.eventloop;

import io.github.netbackrx.sim.TimedHost;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A minimal discrete-event simulator that owns the clock and drives a netback-rx {@link TimedHost}
 * beside its own events: the pattern for plugging the host into any event loop (DSOL, SSJ, MASON,
 * a PeerSim-style cycle, or a loop of one's own).
 *
 * <p>The loop keeps its events in a priority queue ordered by time, then by the order they were
 * scheduled. Each turn it takes the earlier of its own next event and {@link
 * TimedHost#nextEventTime()}, advances the host to that time with {@link TimedHost#advanceTo(long)}
 * (the host's events up to and including it run, and its {@link
 * io.github.netbackrx.sim.PacketListener} is told what happened), and then runs its own event if
 * that was due. So at one instant the host's events come first, then the loop's.
 *
 * <p>The contract with the host, in three rules:
 *
 * <ol>
 *   <li>The loop owns time. The host never runs ahead of the time it is given; {@link
 *       TimedHost#nextEventTime()} says when it next needs the loop's attention ({@link
 *       TimedHost#NEVER}: not until the loop sends it another packet).
 *   <li>Packets go in with {@link TimedHost#send} at the loop's current time or later, from the
 *       loop's own events, never from inside the host's listener (a listener must not call back into
 *       the host): a listener that wants to react schedules an event of the loop instead, as {@link
 *       PingPong} does.
 *   <li>Everything is deterministic: the same events in the same order give the same results.
 * </ol>
 *
 * <p>Not thread-safe, like the host.
 */
public final class EventLoop {
    private record Event(long time, long seq, Runnable action) {}

    private final PriorityQueue<Event> events =
            new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
    private final TimedHost host;
    private long now;
    private long seq;

    /**
     * @param host the host this loop drives, at time 0 (built, nothing advanced yet)
     */
    public EventLoop(TimedHost host) {
        this.host = Objects.requireNonNull(host, "host");
        if (host.now() != 0) {
            throw new IllegalArgumentException("the host is at " + host.now() + " ns: give the loop a new host");
        }
    }

    /** @return the loop's current time in nanoseconds (the host's, after each turn) */
    public long now() {
        return now;
    }

    /**
     * Schedules an action of the loop's own.
     *
     * @param time when, in nanoseconds, at least {@link #now()}
     * @param action what to do then (it may schedule more events and send packets to the host)
     * @throws IllegalArgumentException if {@code time} is in the past
     */
    public void at(long time, Runnable action) {
        if (time < now) {
            throw new IllegalArgumentException(
                    "event at " + time + " ns is in the past: the loop is at " + now + " ns");
        }
        events.add(new Event(time, seq++, Objects.requireNonNull(action, "action")));
    }

    /**
     * Runs the loop until neither it nor the host has anything left to do, or the next thing is
     * later than {@code until}.
     *
     * @param until the last time to run, in nanoseconds ({@link TimedHost#NEVER}: to the end)
     * @return the time of the last thing done
     */
    public long run(long until) {
        while (true) {
            Event own = events.peek();
            long next = Math.min(own == null ? TimedHost.NEVER : own.time, host.nextEventTime());
            if (next == TimedHost.NEVER || next > until) {
                return now;
            }
            now = next;
            host.advanceTo(next);
            if (own != null && own.time == next) {
                events.poll();
                own.action.run();
            }
        }
    }

    /** @return {@link #run(long)} to the end: the time of the last thing done */
    public long run() {
        return run(TimedHost.NEVER);
    }
}
