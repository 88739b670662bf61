package io.github.netbackrx.trace;

/**
 * The named built-in packet mixes of {@link Workload}. The {@link #realistic() realistic} ones
 * each model traffic a Xen backend hands to a guest, and produce only packets whose head and
 * fragments lie within one 4096-byte page, so every packing policy accepts them; what varies is how
 * the bytes are split between the linear head ({@code skb->data}) and the page fragments ({@code
 * skb_shinfo(skb)->frags[]}). The synthetic ones ({@link #BUILT_IN}, {@link #EDGES}, {@link
 * #CROSSING}, {@link #RANDOM}) are random packets aimed at the model's edges, for tests and
 * simulations that want them; each says whether its areas stay within their pages.
 *
 * <p>Frame lengths count the 14-byte Ethernet header (the guest receives Ethernet frames) and no
 * frame check sequence. A head allocated by {@code kmalloc} starts {@code NET_SKB_PAD} (64) bytes
 * into a power-of-two slab object that also holds {@code struct skb_shared_info} (taken as 320
 * bytes), so its page offset is {@code 64 + k * objectSize}; NIC receive buffers are half pages
 * (2048 bytes, as drivers that split pages use) or whole pages.
 */
public enum WorkloadMix {
    /**
     * Full-size 1514-byte frames (a 1500-byte MTU) as a NIC driver delivers them: half the frames
     * linear (the whole frame in a {@code kmalloc} head, as {@code build_skb} or a copying driver
     * gives), half header-split (the Ethernet, IP and TCP headers, 54 to 86 bytes, pulled into the
     * head and the rest left in the half-page receive buffer). Checksum validated by the NIC.
     */
    MTU("mtu", "full-size 1514-byte frames: linear heads, or headers in the head and the rest in a half page"),
    /**
     * Locally generated 64 KiB TCP segmentation-offload packets (a bulk sender on the backend or
     * another guest): a head holding only the 66-byte (IPv4) or 86-byte (IPv6) Ethernet, IP and TCP
     * headers, and up to 45 segments of 1448 payload bytes (the MSS of a 1500-byte MTU with TCP
     * timestamps; 45 segments is the most that fits the 65535-byte IP length) in page fragments
     * filled to the page end, the first starting where the sender's previous write left the page.
     * GSO size 1448 (a single-segment packet carries no GSO, as TCP sets none), checksum partial.
     */
    TCP_BULK(
            "tcp-bulk",
            "64 KiB TCP GSO packets: a 66/86-byte header head, payload in full-page fragments, gso 1448, csum partial"),
    /**
     * Packets whose payload is scattered over many small fragments, as when generic receive offload
     * merges small TCP segments from a driver's receive buffers, or a sender splices small writes: a
     * header head, then 2 to 17 fragments of 1 to 512 bytes at any offset in their pages. Half of
     * them carry the GSO size GRO records (the first segment's payload). The case where the 2010 rule
     * packs several fragments into one buffer.
     */
    SMALL_FRAGS("small-frags", "a header head and 2..17 fragments of 1..512 bytes at any page offset (GRO-merged)"),
    /**
     * The classic simple IMIX: IP packets of 40, 576 and 1500 bytes in the ratio 7:4:1 (frames of 54,
     * 590 and 1514 bytes), drawn at random in that proportion. The 40-byte packets (TCP
     * acknowledgements) are linear, as drivers copy small frames ({@code copybreak}); the larger ones
     * are linear or header-split like {@link #MTU}.
     */
    IMIX("imix", "IP packets of 40/576/1500 bytes in the ratio 7:4:1 (frames of 54/590/1514 bytes)"),
    /**
     * 9014-byte frames (a 9000-byte MTU): a head that fits a page (the headers only, or up to 3712
     * bytes when the driver or a bridge copied more) and the rest in whole-page fragments from offset
     * 0, the last one partial. Checksum validated by the NIC.
     */
    JUMBO("jumbo", "9014-byte frames: a head that fits a page, the rest in page fragments from offset 0"),
    /**
     * A blend of all the others (40% {@link #MTU}, 20% {@link #IMIX}, 20% {@link #TCP_BULK}, 10%
     * {@link #SMALL_FRAGS}, 10% {@link #JUMBO}), where a quarter of the packets that have fragments
     * come from another guest's transmit: their fragments are foreign pages ({@code PageForeign},
     * granted by that guest), as in guest-to-guest traffic through the backend's bridge.
     */
    MIXED("mixed", "all of the above (40/20/20/10/10%), a quarter of fragmented packets with foreign fragments"),
    /**
     * Synthetic: the command line's built-in mix ({@code netback-rx simulate} without a source, and
     * the demo): 35% 1514-byte linear frames, one in eight with its head crossing into the next page
     * (the case {@code netbk_copy_skb} handles), 30% 66-byte acknowledgements, 15% 64 KiB GSO packets
     * of sixteen full pages, 10% packets of 4 to 16 small fragments, 10% with 1 to 3 foreign
     * fragments of 1448 bytes.
     */
    BUILT_IN(
            "built-in",
            "synthetic: MTU frames (some heads crossing a page), ACKs, 64 KiB GSO, small and foreign fragments",
            false),
    /**
     * Synthetic: random packets at the edges of the 2010 packing rule, every area within its page:
     * up to {@link io.github.netbackrx.core.KernelLimits#MAX_SKB_FRAGS_2010} fragments, empty and
     * full-page heads, fragments that exactly fill the current buffer or overflow it by one byte,
     * areas ending at the page end, a quarter of fragments foreign, any GSO size.
     */
    EDGES("edges", "synthetic: random packets at the edges of the 2010 rule, every area within its page", false),
    /**
     * Synthetic: random packets whose head and fragments may cross 4096-byte frames and start in a
     * later frame of a compound page, a third with a hash; only the policies without a page rule
     * ({@code coalesce-compound}, {@code full-page}, {@code freebsd}) accept them all.
     */
    CROSSING("crossing", "synthetic: areas crossing 4 KiB frames of compound pages, some hashed", false),
    /**
     * Synthetic: random packets within pages: a quarter linear frames of 60 to 1514 bytes, the rest a
     * head of up to 299 bytes and 1 to 6 fragments (1 to 16 in a quarter; small ones in another
     * quarter), one fragment in six foreign, half with GSO, any checksum state.
     */
    RANDOM("random", "synthetic: random heads and 1..16 fragments within pages, some foreign, half GSO", false),
    /**
     * Synthetic: the engines' mix: three in ten linear frames of 60 to 1514 bytes whose head may
     * cross its page, two in ten small heads, the rest a head of up to 299 bytes and 1 to 8 fragments
     * (1 to 17 in a tenth; small ones in another tenth), one fragment in six foreign, one packet in
     * fifty with a fragment across a page end (which the 2010 rule cannot take), half with GSO, any
     * checksum state.
     */
    ENGINES(
            "engines",
            "synthetic: frames, small heads and 1..17 fragments, some foreign, rarely crossing, half GSO",
            false);

    private final String label;
    private final String summary;
    private final boolean realistic;

    WorkloadMix(String label, String summary) {
        this(label, summary, true);
    }

    WorkloadMix(String label, String summary, boolean realistic) {
        this.label = label;
        this.summary = summary;
        this.realistic = realistic;
    }

    /**
     * @return whether the mix models real traffic (its packets then have a non-empty head and keep
     *     every area within its page); the synthetic mixes exist to exercise the model's edges
     */
    public boolean realistic() {
        return realistic;
    }

    /** @return the mix's name on the command line and in documents, e.g. {@code tcp-bulk} */
    public String label() {
        return label;
    }

    /** @return a one-line description of what the mix contains */
    public String summary() {
        return summary;
    }

    /**
     * The mix with the given label.
     *
     * @param s a label such as {@code mtu} or {@code tcp-bulk}
     * @return the mix
     * @throws IllegalArgumentException for an unknown label, listing the valid ones
     */
    public static WorkloadMix fromLabel(String s) {
        StringBuilder valid = new StringBuilder();
        for (WorkloadMix m : values()) {
            if (m.label.equals(s)) {
                return m;
            }
            valid.append(valid.length() == 0 ? "" : ", ").append(m.label);
        }
        throw new IllegalArgumentException("unknown workload '" + s + "' (valid: " + valid + ")");
    }
}
