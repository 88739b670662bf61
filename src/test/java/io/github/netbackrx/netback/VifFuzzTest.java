package io.github.netbackrx.netback;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.testing.FuzzBytes;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.GrantTable;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the netback engine ({@link Vif}) against an arbitrary front end: the guest grants,
 * revokes and rewrites grant entries, frees frames, posts requests with any id and grant
 * reference, moves {@code req_prod} anywhere and notifies or not, while the host sends packets of
 * any layout the packet model accepts.
 *
 * <p>Checked throughout:
 *
 * <ul>
 *   <li>no exception escapes {@link Vif#startXmit} (given matching data), {@link
 *       Vif#frontendEvent} or {@link Vif#rxAction}: a misbehaving front end disables the vif
 *       ({@link Vif#disabledBy()}) or gets error responses, it cannot crash the backend;
 *   <li>across every {@code rxAction}, a guest frame changes only if it was granted writable to
 *       the backend, and no frame of the peer domain (the read-only source of foreign fragments)
 *       changes;
 *   <li>every packet handed to {@code startXmit} ends exactly once, and {@code sent = delivered +
 *       dropped + errored + still queued}, matching the vif's own statistics.
 * </ul>
 */
class VifFuzzTest {
    private static final int BACKEND = 0;
    private static final int GUEST = 1;
    private static final int PEER = 2;
    private static final int GUEST_ENTRIES = 32;
    private static final int GUEST_FRAMES = 24;
    private static final int MAX_STEPS = 300;

    /**
     * What became of each packet, per fuzz input: state must not live in fields, Jazzer's fuzzing
     * mode runs every input on the same test instance.
     */
    private static final class Outcomes implements VifListener {
        final Map<Long, String> outcome = new HashMap<>();
        long delivered;
        long errored;
        long dropped;

        @Override
        public void responded(long tag, boolean error, int slots) {
            end(tag, error ? "errored" : "delivered");
            if (error) {
                errored++;
            } else {
                delivered++;
            }
        }

        @Override
        public void dropped(long tag, DropReason reason) {
            end(tag, "dropped " + reason);
            dropped++;
        }

        private void end(long tag, String how) {
            assertThat(outcome).as("tag %d ended twice: %s", tag, how).containsEntry(tag, null);
            outcome.put(tag, how);
        }

        void assertBalanced(Vif vif, long sent) {
            VifStatistics s = vif.statistics();
            long open = outcome.values().stream().filter(o -> o == null).count();
            assertThat(open).as("packets not yet ended").isEqualTo(vif.queuedPackets());
            assertThat(delivered + dropped + errored + open).as("sent").isEqualTo(sent);
            assertThat(s.packetsSent()).isEqualTo(delivered);
            assertThat(s.packetsErrored()).isEqualTo(errored);
            assertThat(s.packetsDropped()).isEqualTo(dropped);
            assertThat(s.failedCopyOps()).isBetween(0L, s.copyOps());
        }
    }

    /**
     * Opcodes: 0 grant a guest frame, 1 end a grant, 2 write a raw guest grant entry, 3 post
     * requests (then push, maybe notify), 4 write {@code req_prod}, 5 send a packet, 6 {@code
     * rxAction}, 7 notify the backend, 8 free or allocate a guest frame.
     */
    @FuzzTest
    void engine(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        Hypervisor hv = new Hypervisor();
        Domain backend = hv.createDomain(BACKEND);
        Domain guest = hv.createDomain(GUEST, GUEST_ENTRIES);
        Domain peer = hv.createDomain(PEER);
        for (int f = 0; f < GUEST_FRAMES; f++) {
            guest.allocateFrame();
        }
        int start = in.bool() ? in.i32() : 0;
        RxRing ring = RxRing.startingAt(start);
        EventChannel channel = hv.bindInterdomain(backend, guest);
        PackingPolicy policy = PackingPolicy.values()[in.below(PackingPolicy.values().length)];
        Outcomes outcomes = new Outcomes();
        Vif vif = Vif.builder(hv, backend, GUEST, ring.attachBack(start), channel.first())
                .peer(peer)
                .policy(policy)
                .listener(outcomes)
                .build();
        RxRing.FrontRing front = ring.attachFront(start);
        GrantTable table = guest.grantTable();
        List<Integer> grants = new ArrayList<>();
        long sent = 0;

        for (int step = 0; step < MAX_STEPS && !in.exhausted(); step++) {
            switch (in.below(9)) {
                case 0 -> {
                    if (table.grantsInUse() < table.size()) {
                        int grantee = in.below(4) == 0 ? in.u16() : BACKEND;
                        grants.add(table.grantAccess(grantee, in.below(GUEST_FRAMES + 2), in.below(4) == 0));
                    }
                }
                case 1 -> {
                    if (!grants.isEmpty()) {
                        table.endAccess(grants.remove(in.below(grants.size())));
                    }
                }
                case 2 ->
                    table.writeEntry(in.below(GUEST_ENTRIES), in.below(8), in.below(3), in.below(GUEST_FRAMES + 2));
                case 3 -> {
                    int n = in.u8();
                    for (int k = 0; k < n; k++) {
                        int gref =
                                !grants.isEmpty() && in.below(8) != 0 ? grants.get(in.below(grants.size())) : in.i32();
                        front.postRequest(in.u16(), gref);
                    }
                    boolean kick = in.bool();
                    if (front.pushRequestsAndCheckNotify() || kick) {
                        vif.frontendEvent();
                    }
                }
                case 4 -> ring.setReqProd(in.bool() ? in.i32() : ring.reqProd() + (short) in.u16());
                case 5 -> {
                    Skb skb = packet(in);
                    if (skb != null) {
                        byte[] bytes = new byte[skb.length()];
                        for (int i = 0; i < bytes.length; i++) {
                            bytes[i] = (byte) (sent * 31 + i * 7 + 3);
                        }
                        long tag = sent++;
                        outcomes.outcome.put(tag, null);
                        vif.startXmit(skb, bytes, tag);
                    }
                }
                case 6 -> rxAction(vif, guest, peer);
                case 7 -> vif.frontendEvent();
                default -> {
                    long gmfn = in.below(GUEST_FRAMES);
                    if (guest.hasFrame(gmfn)) {
                        guest.freeFrame(gmfn);
                    } else {
                        guest.allocateFrame();
                    }
                }
            }
            outcomes.assertBalanced(vif, sent);
        }
    }

    private void rxAction(Vif vif, Domain guest, Domain peer) {
        Set<Long> writable = writableToBackend(guest);
        Map<Long, byte[]> guestBefore = snapshot(guest);
        Map<Long, byte[]> peerBefore = snapshot(peer);
        vif.rxAction();
        Map<Long, byte[]> guestAfter = snapshot(guest);
        for (Map.Entry<Long, byte[]> e : guestBefore.entrySet()) {
            byte[] after = guestAfter.get(e.getKey());
            if (after != null && !Arrays.equals(after, e.getValue())) {
                assertThat(writable)
                        .as("guest frame %d was written but not granted writable to the backend", e.getKey())
                        .contains(e.getKey());
            }
        }
        Map<Long, byte[]> peerAfter = snapshot(peer);
        for (Map.Entry<Long, byte[]> e : peerBefore.entrySet()) {
            byte[] after = peerAfter.get(e.getKey());
            if (after != null) {
                assertThat(Arrays.equals(after, e.getValue()))
                        .as("peer frame %d changed", e.getKey())
                        .isTrue();
            }
        }
    }

    /** A packet layout from the input, or null when the packet model refuses it. */
    private static Skb packet(FuzzBytes in) {
        Skb.Builder b = Skb.builder();
        int frags = in.below(6);
        try {
            b.head(in.u16() % 4200, in.bool() ? in.u16() % 9000 : in.u16());
            for (int k = 0; k < frags; k++) {
                int off = in.u16() % 4200;
                int len = 1 + in.u16() % 4200;
                if (in.below(4) == 0) {
                    b.foreignFrag(off, len);
                } else {
                    b.frag(off, len);
                }
            }
            switch (in.below(4)) {
                case 0 -> b.gso(1 + in.u16() % 9000, GsoType.TCPV4);
                case 1 -> b.gso(1 + in.u16() % 9000, GsoType.TCPV6);
                default -> {}
            }
            b.checksum(ChecksumState.values()[in.below(ChecksumState.values().length)]);
            return b.build();
        } catch (InvalidPacketException refused) {
            return null;
        }
    }

    private static Set<Long> writableToBackend(Domain guest) {
        GrantTable t = guest.grantTable();
        Set<Long> frames = new HashSet<>();
        for (int gref = 0; gref < t.size(); gref++) {
            int flags = t.flags(gref);
            if ((flags & GrantTable.GTF_TYPE_MASK) == GrantTable.GTF_PERMIT_ACCESS
                    && (flags & GrantTable.GTF_READONLY) == 0
                    && t.domid(gref) == BACKEND) {
                frames.add(t.frame(gref));
            }
        }
        return frames;
    }

    private static Map<Long, byte[]> snapshot(Domain d) {
        Map<Long, byte[]> frames = new HashMap<>();
        for (long f = 0; f < d.frameCount(); f++) {
            if (d.hasFrame(f)) {
                frames.put(f, d.readFrame(f));
            }
        }
        return frames;
    }
}
