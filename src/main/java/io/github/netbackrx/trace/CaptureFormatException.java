package io.github.netbackrx.trace;

import java.io.IOException;

/**
 * A packet-capture file (pcap or pcapng) that breaks a rule of its format, or uses a part of it that
 * netback-rx does not read (a link type other than Ethernet). The message names the rule, the
 * offending values and the byte offset in the file where the problem was found.
 */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the rule broken and the offending values
     */
    public CaptureFormatException(String message) {
        super(message);
    }
}
