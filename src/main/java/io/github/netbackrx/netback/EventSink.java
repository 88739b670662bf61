package io.github.netbackrx.netback;

/**
 * Receives the engine's event log, one line at a time, in the canonical spelling of {@code
 * docs/engine-format.md} (no line terminator). Set with {@link Netback.Builder#events}; with no sink
 * the engines format nothing.
 */
@FunctionalInterface
public interface EventSink {
    /**
     * One event.
     *
     * @param line the event's line, without a line terminator
     */
    void event(String line);
}
