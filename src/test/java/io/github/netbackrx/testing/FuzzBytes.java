package io.github.netbackrx.testing;

/**
 * Reads a fuzz input front to back as a little program of unsigned bytes and integers, so that
 * the seed files of a corpus can be written by hand (see {@code docs/quality.md}). Past the end
 * every read returns 0 and {@link #exhausted()} turns true.
 */
public final class FuzzBytes {
    private final byte[] data;
    private int pos;

    /** @param data the fuzz input */
    public FuzzBytes(byte[] data) {
        this.data = data;
    }

    /** @return whether every byte has been read */
    public boolean exhausted() {
        return pos >= data.length;
    }

    /** @return the next byte, 0 .. 255 */
    public int u8() {
        return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    /** @return the next two bytes, little-endian, 0 .. 0xFFFF */
    public int u16() {
        return u8() | (u8() << 8);
    }

    /** @return the next four bytes, little-endian */
    public int i32() {
        return u16() | (u16() << 16);
    }

    /** @return the next byte's low bit */
    public boolean bool() {
        return (u8() & 1) != 0;
    }

    /**
     * @param bound exclusive upper bound, positive
     * @return the next byte reduced modulo {@code bound}
     */
    public int below(int bound) {
        return u8() % bound;
    }
}
