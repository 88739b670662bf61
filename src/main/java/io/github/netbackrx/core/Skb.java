package io.github.netbackrx.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable packet on its way to the guest: the model of Linux's {@code struct sk_buff} as the
 * guest-RX path of netback sees it.
 *
 * <p>A packet is a linear area (the head, {@code skb->data} for {@code skb_headlen(skb)} bytes)
 * followed by page fragments ({@code skb_shinfo(skb)->frags[]}), plus segmentation-offload
 * information ({@code skb_shinfo(skb)->gso_size} and {@code gso_type}) and a checksum state
 * ({@code skb->ip_summed}). Each area is given by its offset from the start of its page and its
 * length; the packet's bytes are the head's bytes followed by each fragment's bytes in order.
 *
 * <pre>
 *   head page                        frag0 page          frag1 page
 *   +-------+==============+----+    +==========+---+    +----+========+
 *   |       | head bytes   |    |    | frag0    |   |    |    | frag1  |
 *   +-------+==============+----+    +==========+---+    +----+========+
 *   0   headOffset  headOffset+headLength
 *
 *   packet bytes:  [ head (headLength) ][ frag0 (fragLength(0)) ][ frag1 ] ...
 *   length() = headLength + sum of fragLength(i)
 * </pre>
 *
 * <p>An area may reach past the end of its 4096-byte page ({@code offset + length > 4096}), or even
 * start in a later page ({@code offset >= 4096}): it then lies in a physically contiguous (compound)
 * page. The packet model accepts that; whether a {@link PackingPolicy} does is the policy's rule.
 *
 * <p>Validated at construction ({@link Builder#build()}): offsets and lengths are non-negative, no
 * {@code offset + length} and no sum of lengths overflows {@code int}, the packet is not empty,
 * every fragment has at least one byte, there are at most {@link Builder#maxFrags(int) maxFrags}
 * fragments ({@link KernelLimits#MAX_SKB_FRAGS_2010} by default), and a GSO size lies in {@code
 * 1..65535}.
 */
public final class Skb {
    /** Largest GSO size: {@code gso_size} is 16 bits on the wire. */
    static final int MAX_GSO_SIZE = 65535;

    private final int headOffset;
    private final int headLength;
    /** Fragment offsets, read directly by {@link RxPacker}'s walks (never written after construction). */
    final int[] fragOffsets;
    /** Fragment lengths, read directly by {@link RxPacker}'s walks (never written after construction). */
    final int[] fragLengths;

    private final boolean[] fragForeign;
    private final int gsoSize;
    private final GsoType gsoType;
    private final ChecksumState checksum;
    private final HashType hashType;
    private final int hashValue;
    private final int length;
    /**
     * Whether every area starts within and ends within its first 4096-byte page ({@code offset <
     * 4096 && offset + length <= 4096}), so that no 4 KiB frame cut ever cuts: the fast path of the
     * coalesce-family walks, decided once here so that planning needs no pass of its own.
     */
    final boolean withinPages;
    /**
     * Whether every fragment ends within its first 4096-byte page ({@code page_offset + size <=
     * 4096}; a fragment has at least one byte, so it also starts there): what the 2010 {@code
     * netbk_gop_frag_copy}'s {@code BUG_ON(size + offset > PAGE_SIZE)} demands of fragments.
     */
    final boolean fragsWithinPages;
    /** {@link FrontendFeatures#bit(GsoType)} of the GSO type, 0 without GSO: tested against the masks. */
    final int gsoBit;

    private Skb(Builder b, int length) {
        this.headOffset = b.headOffset;
        this.headLength = b.headLength;
        this.fragOffsets = Arrays.copyOf(b.fragOffsets, b.fragCount);
        this.fragLengths = Arrays.copyOf(b.fragLengths, b.fragCount);
        this.fragForeign = Arrays.copyOf(b.fragForeign, b.fragCount);
        this.gsoSize = b.gsoSize;
        this.gsoType = b.gsoType;
        this.checksum = b.checksum;
        this.hashType = b.hashType;
        this.hashValue = b.hashValue;
        this.length = length;
        boolean frags = true;
        for (int i = 0; i < fragOffsets.length; i++) {
            frags &= withinPage(fragOffsets[i], fragLengths[i]);
        }
        this.fragsWithinPages = frags;
        this.withinPages = frags && withinPage(headOffset, headLength);
        this.gsoBit = gsoSize != 0 ? FrontendFeatures.bit(gsoType) : 0;
    }

    private static boolean withinPage(int offset, int length) {
        return offset < Netif.PAGE_SIZE && offset + length <= Netif.PAGE_SIZE;
    }

    /**
     * Starts a packet description: head {@code 0+0}, no fragments, no GSO, checksum {@link
     * ChecksumState#NONE}, at most {@link KernelLimits#MAX_SKB_FRAGS_2010} fragments.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the packet's length in bytes ({@code skb->len}): head plus all fragments */
    public int length() {
        return length;
    }

    /** @return the head's offset from the start of its page ({@code offset_in_page(skb->data)}) */
    public int headOffset() {
        return headOffset;
    }

    /** @return the head's length ({@code skb_headlen(skb)}), possibly 0 */
    public int headLength() {
        return headLength;
    }

    /** @return the number of page fragments ({@code skb_shinfo(skb)->nr_frags}) */
    public int fragCount() {
        return fragOffsets.length;
    }

    /**
     * The offset of a fragment in its page ({@code frags[i].page_offset}).
     *
     * @param i the fragment index, {@code 0 <= i < fragCount()}
     * @return the offset
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public int fragOffset(int i) {
        return fragOffsets[Objects.checkIndex(i, fragOffsets.length)];
    }

    /**
     * The length of a fragment ({@code frags[i].size}).
     *
     * @param i the fragment index, {@code 0 <= i < fragCount()}
     * @return the length, at least 1
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public int fragLength(int i) {
        return fragLengths[Objects.checkIndex(i, fragLengths.length)];
    }

    /**
     * Whether a fragment's page was granted by another domain ({@code PageForeign}): a grant copy
     * from it names the source by grant reference instead of by frame number.
     *
     * @param i the fragment index, {@code 0 <= i < fragCount()}
     * @return true for a foreign page
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public boolean fragForeign(int i) {
        return fragForeign[Objects.checkIndex(i, fragForeign.length)];
    }

    /** @return true if the packet carries segmentation offload ({@code gso_size != 0}) */
    public boolean hasGso() {
        return gsoSize != 0;
    }

    /** @return the GSO size ({@code skb_shinfo(skb)->gso_size}), 0 when the packet has none */
    public int gsoSize() {
        return gsoSize;
    }

    /** @return the GSO type, or {@code null} when the packet has no GSO */
    public GsoType gsoType() {
        return gsoType;
    }

    /** @return the checksum state ({@code skb->ip_summed}) */
    public ChecksumState checksum() {
        return checksum;
    }

    /**
     * Whether the packet carries a flow hash computed by the backend ({@code skb->sw_hash}), which
     * {@link PackingPolicy#FULL_PAGE} sends as a hash extra when the frontend enabled hashing.
     *
     * @return true if a hash was set with {@link Builder#hash(int, HashType)}
     */
    public boolean hasHash() {
        return hashType != null;
    }

    /** @return the 32-bit hash value ({@code skb_get_hash_raw}), 0 when the packet has none */
    public int hashValue() {
        return hashValue;
    }

    /** @return the hash type, or {@code null} when the packet has no hash */
    public HashType hashType() {
        return hashType;
    }

    /**
     * Two packets are equal when every field is equal.
     *
     * @param o the other object
     * @return true if equal
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Skb)) {
            return false;
        }
        Skb s = (Skb) o;
        return headOffset == s.headOffset
                && headLength == s.headLength
                && gsoSize == s.gsoSize
                && gsoType == s.gsoType
                && checksum == s.checksum
                && hashType == s.hashType
                && hashValue == s.hashValue
                && Arrays.equals(fragOffsets, s.fragOffsets)
                && Arrays.equals(fragLengths, s.fragLengths)
                && Arrays.equals(fragForeign, s.fragForeign);
    }

    /** @return a hash of every field */
    @Override
    public int hashCode() {
        int h = Objects.hash(headOffset, headLength, gsoSize, gsoType, checksum, hashType, hashValue);
        h = 31 * h + Arrays.hashCode(fragOffsets);
        h = 31 * h + Arrays.hashCode(fragLengths);
        return 31 * h + Arrays.hashCode(fragForeign);
    }

    /** @return the packet in the trace format's spelling (foreign fragments marked {@code frag*}) */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("head=").append(headOffset).append('+').append(headLength);
        for (int i = 0; i < fragOffsets.length; i++) {
            sb.append(fragForeign[i] ? " frag*=" : " frag=")
                    .append(fragOffsets[i])
                    .append('+')
                    .append(fragLengths[i]);
        }
        if (gsoSize != 0) {
            sb.append(" gso=").append(gsoSize).append('/').append(gsoType.label());
        }
        if (checksum != ChecksumState.NONE) {
            sb.append(" csum=").append(checksum.label());
        }
        if (hashType != null) {
            sb.append(" hash=")
                    .append(Integer.toUnsignedString(hashValue))
                    .append('/')
                    .append(hashType.label());
        }
        return sb.toString();
    }

    /**
     * Collects a packet description; {@link #build()} validates it. Setters return the builder;
     * nothing is checked before {@code build()}.
     */
    public static final class Builder {
        private int headOffset;
        private int headLength;
        private int[] fragOffsets = new int[4];
        private int[] fragLengths = new int[4];
        private boolean[] fragForeign = new boolean[4];
        private int fragCount;
        private int gsoSize;
        private GsoType gsoType;
        private ChecksumState checksum = ChecksumState.NONE;
        private HashType hashType;
        private int hashValue;
        private boolean hashSet;
        private int maxFrags = KernelLimits.MAX_SKB_FRAGS_2010;

        private Builder() {}

        /**
         * Sets the linear area (default {@code 0+0}).
         *
         * @param offset offset of the first byte from the start of its page, {@code >= 0}
         * @param length bytes, {@code >= 0}
         * @return this builder
         */
        public Builder head(int offset, int length) {
            this.headOffset = offset;
            this.headLength = length;
            return this;
        }

        /**
         * Appends a fragment in a page local to the backend domain.
         *
         * @param offset offset of the first byte from the start of its page, {@code >= 0}
         * @param length bytes, {@code >= 1}
         * @return this builder
         */
        public Builder frag(int offset, int length) {
            return addFrag(offset, length, false);
        }

        /**
         * Appends a fragment in a page granted by another domain (a {@code PageForeign} page, as when
         * one guest's transmit is another's receive).
         *
         * @param offset offset of the first byte from the start of its page, {@code >= 0}
         * @param length bytes, {@code >= 1}
         * @return this builder
         */
        public Builder foreignFrag(int offset, int length) {
            return addFrag(offset, length, true);
        }

        private Builder addFrag(int offset, int length, boolean foreign) {
            if (fragCount == fragOffsets.length) {
                int n = fragCount * 2;
                fragOffsets = Arrays.copyOf(fragOffsets, n);
                fragLengths = Arrays.copyOf(fragLengths, n);
                fragForeign = Arrays.copyOf(fragForeign, n);
            }
            fragOffsets[fragCount] = offset;
            fragLengths[fragCount] = length;
            fragForeign[fragCount] = foreign;
            fragCount++;
            return this;
        }

        /**
         * Sets segmentation offload.
         *
         * @param size the GSO size (MSS), {@code 1..65535}
         * @param type the GSO type, not null
         * @return this builder
         */
        public Builder gso(int size, GsoType type) {
            this.gsoSize = size;
            this.gsoType = type;
            return this;
        }

        /**
         * Sets the checksum state (default {@link ChecksumState#NONE}).
         *
         * @param s the state, not null
         * @return this builder
         */
        public Builder checksum(ChecksumState s) {
            this.checksum = s;
            return this;
        }

        /**
         * Sets the flow hash the backend computed for the packet ({@code skb->sw_hash}, value {@code
         * skb_get_hash_raw}); default none.
         *
         * @param value the 32-bit hash, any bits
         * @param type the hash type, not null
         * @return this builder
         */
        public Builder hash(int value, HashType type) {
            this.hashValue = value;
            this.hashType = type;
            this.hashSet = true;
            return this;
        }

        /**
         * Sets the largest number of fragments allowed ({@code MAX_SKB_FRAGS}; default {@link
         * KernelLimits#MAX_SKB_FRAGS_2010}).
         *
         * @param max the maximum, {@code >= 0}
         * @return this builder
         */
        public Builder maxFrags(int max) {
            this.maxFrags = max;
            return this;
        }

        /**
         * Validates the description and builds the packet.
         *
         * @return the immutable packet
         * @throws InvalidPacketException naming the rule broken: {@code "maxFrags: -1 is negative"},
         *     {@code "head: negative offset -1"}, {@code "head: negative length -1"}, {@code "head:
         *     offset 2147483000 + length 1000 overflows int"}, {@code "fragK: negative offset -1"},
         *     {@code "fragK: negative length -1"}, {@code "fragK: zero-length fragment (length 0)"},
         *     {@code "fragK: offset O + length L overflows int"}, {@code "too many fragments: 19 >
         *     maxFrags 18"}, {@code "packet length overflows int: 2147483000 + 1000 (fragK)"}, {@code
         *     "empty packet: total length 0"}, {@code "GSO size 0 outside 1..65535"}, {@code "GSO type
         *     must not be null"}, {@code "checksum state must not be null"}, {@code "hash type must not be null"}
         */
        public Skb build() {
            if (maxFrags < 0) {
                throw new InvalidPacketException("maxFrags: " + maxFrags + " is negative");
            }
            checkArea("head", headOffset, headLength);
            if (fragCount > maxFrags) {
                throw new InvalidPacketException("too many fragments: " + fragCount + " > maxFrags " + maxFrags);
            }
            int total = headLength;
            for (int i = 0; i < fragCount; i++) {
                String name = "frag" + i;
                checkArea(name, fragOffsets[i], fragLengths[i]);
                if (fragLengths[i] == 0) {
                    throw new InvalidPacketException(name + ": zero-length fragment (length 0)");
                }
                int sum = total + fragLengths[i];
                if (sum < 0) {
                    throw new InvalidPacketException(
                            "packet length overflows int: " + total + " + " + fragLengths[i] + " (" + name + ")");
                }
                total = sum;
            }
            if (total == 0) {
                throw new InvalidPacketException("empty packet: total length 0");
            }
            if (gsoSize != 0 || gsoType != null) {
                if (gsoSize < 1 || gsoSize > MAX_GSO_SIZE) {
                    throw new InvalidPacketException("GSO size " + gsoSize + " outside 1.." + MAX_GSO_SIZE);
                }
                if (gsoType == null) {
                    throw new InvalidPacketException("GSO type must not be null");
                }
            }
            if (checksum == null) {
                throw new InvalidPacketException("checksum state must not be null");
            }
            if (hashSet && hashType == null) {
                throw new InvalidPacketException("hash type must not be null");
            }
            return new Skb(this, total);
        }

        private static void checkArea(String name, int offset, int length) {
            if (offset < 0) {
                throw new InvalidPacketException(name + ": negative offset " + offset);
            }
            if (length < 0) {
                throw new InvalidPacketException(name + ": negative length " + length);
            }
            if (offset + length < 0) {
                throw new InvalidPacketException(
                        name + ": offset " + offset + " + length " + length + " overflows int");
            }
        }
    }
}
