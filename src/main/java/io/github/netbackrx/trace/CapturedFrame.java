package io.github.netbackrx.trace;

import java.util.Arrays;
import java.util.Objects;

/**
 * One frame read from a packet-capture file by {@link CaptureReader}.
 *
 * @param timestampNanos the capture time in nanoseconds since 1970-01-01 UTC, as the file records it
 * @param originalLength the frame's length on the wire ({@code orig_len}); at least the bytes captured
 * @param bytes the bytes captured ({@code incl_len} of them; fewer than {@code originalLength} when
 *     the capture cut the frame at its snapshot length)
 */
public record CapturedFrame(long timestampNanos, int originalLength, byte[] bytes) {

    /**
     * Copies the bytes and validates the lengths.
     *
     * @param timestampNanos the capture time in nanoseconds since the epoch
     * @param originalLength the length on the wire
     * @param bytes the bytes captured, not null
     * @throws IllegalArgumentException if {@code originalLength < bytes.length}
     */
    public CapturedFrame {
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
        if (originalLength < bytes.length) {
            throw new IllegalArgumentException(
                    "captured length " + bytes.length + " exceeds the original length " + originalLength);
        }
    }

    /** @return a copy of the bytes captured */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the number of bytes captured ({@code incl_len}) */
    public int capturedLength() {
        return bytes.length;
    }

    /** @return true when the capture cut the frame ({@code incl_len < orig_len}) */
    public boolean truncated() {
        return bytes.length < originalLength;
    }

    /**
     * Two frames are equal when their timestamps, original lengths and bytes are equal.
     *
     * @param o the other object
     * @return true if equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedFrame f
                && f.timestampNanos == timestampNanos
                && f.originalLength == originalLength
                && Arrays.equals(f.bytes, bytes);
    }

    /** @return a hash of every component */
    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(timestampNanos) + originalLength) + Arrays.hashCode(bytes);
    }

    /** @return e.g. {@code CapturedFrame[t=1000ns, 60/60 bytes]} */
    @Override
    public String toString() {
        return "CapturedFrame[t=" + timestampNanos + "ns, " + bytes.length + "/" + originalLength + " bytes]";
    }
}
