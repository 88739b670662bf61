package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.netbackrx.testing.FuzzBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes {@code GNTTABOP_copy} with random grants, revocations, raw grant-entry writes and copy
 * batches issued by domain 0 on a host of three domains with small grant tables.
 *
 * <p>Every batch is checked against a snapshot of every frame of every domain taken before it:
 *
 * <ul>
 *   <li>every status is a defined {@code GNTST_*} code;
 *   <li>an op that ended {@code GNTST_okay} with a non-zero length read a buffer the caller may read
 *       (its own frame through {@code DOMID_SELF}, or a {@code GTF_permit_access} grant to the
 *       caller) and wrote one it may write (its own frame, or such a grant without {@code
 *       GTF_readonly}), inside one frame;
 *   <li>replaying only the okay ops, in order, on the snapshot gives exactly the frames after the
 *       batch: no byte was written outside granted-writable frames, nor by a failed op;
 *   <li>the counters balance: {@code ops = okay + failed}, the per-status counts sum to {@code
 *       ops}, and {@code bytes} grows by the sum of the okay ops' lengths.
 * </ul>
 *
 * <p>Grant-table calls off their documented preconditions must throw the documented type.
 */
class GrantCopyFuzzTest {
    private static final int CALLER = 0;
    private static final int DOMAINS = 3;
    private static final int ENTRIES = 8;
    private static final int MAX_FRAMES = 6;
    private static final int MAX_STEPS = 200;

    /**
     * Opcodes: 0 grant access, 1 end access, 2 write a raw grant entry, 3 a copy batch from typed
     * fields, 4 a copy batch from raw 40-byte {@code struct gnttab_copy} encodings, 5 allocate a
     * frame and fill it.
     */
    @FuzzTest
    void copy(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        Hypervisor hv = new Hypervisor();
        Domain[] doms = new Domain[DOMAINS];
        for (int d = 0; d < DOMAINS; d++) {
            doms[d] = hv.createDomain(d, ENTRIES);
            for (int f = 0; f < 3; f++) {
                fill(doms[d], doms[d].allocateFrame());
            }
        }
        GrantCopyEngine engine = hv.grantCopyEngine(doms[CALLER]);
        List<Set<Integer>> granted = new ArrayList<>();
        for (int d = 0; d < DOMAINS; d++) {
            granted.add(new HashSet<>());
        }

        for (int step = 0; step < MAX_STEPS && !in.exhausted(); step++) {
            int d = in.below(DOMAINS);
            GrantTable table = doms[d].grantTable();
            switch (in.below(6)) {
                case 0 -> {
                    int grantee = domid(in);
                    long frame = in.below(MAX_FRAMES + 2);
                    boolean readonly = in.bool();
                    if (table.grantsInUse() == table.size()) {
                        assertThatThrownBy(() -> table.grantAccess(grantee, frame, readonly))
                                .isInstanceOf(IllegalStateException.class);
                    } else {
                        int gref = table.grantAccess(grantee, frame, readonly);
                        assertThat(granted.get(d).add(gref)).isTrue();
                        assertThat(table.flags(gref) & GrantTable.GTF_TYPE_MASK)
                                .isEqualTo(GrantTable.GTF_PERMIT_ACCESS);
                    }
                }
                case 1 -> {
                    int gref = in.below(ENTRIES + 2);
                    if (gref >= ENTRIES) {
                        assertThatThrownBy(() -> table.endAccess(gref)).isInstanceOf(IllegalArgumentException.class);
                    } else if (granted.get(d).remove(gref)) {
                        table.endAccess(gref);
                        assertThat(table.flags(gref)).isEqualTo(GrantTable.GTF_INVALID);
                    } else {
                        assertThatThrownBy(() -> table.endAccess(gref)).isInstanceOf(IllegalStateException.class);
                    }
                    assertThat(table.grantsInUse()).isEqualTo(granted.get(d).size());
                }
                case 2 -> {
                    int gref = in.below(ENTRIES);
                    int flags = in.bool() ? in.u16() : in.below(8);
                    table.writeEntry(gref, flags, domid(in), in.bool() ? in.i32() : in.below(MAX_FRAMES + 2));
                    assertThat(table.flags(gref)).isEqualTo(flags);
                    assertThat(table.grantsInUse()).isEqualTo(granted.get(d).size());
                }
                case 3, 4 -> batch(in, hv, doms, engine);
                default -> {
                    if (doms[d].frameCount() < MAX_FRAMES) {
                        fill(doms[d], doms[d].allocateFrame());
                    }
                }
            }
        }
    }

    private static void batch(FuzzBytes in, Hypervisor hv, Domain[] doms, GrantCopyEngine engine) {
        boolean raw = in.bool();
        int n = 1 + in.below(8);
        GrantCopyBatch batch = new GrantCopyBatch(2);
        for (int i = 0; i < n; i++) {
            if (raw) {
                byte[] struct = new byte[GrantCopyLayout.SIZE];
                for (int k = 0; k < struct.length; k++) {
                    struct[k] = (byte) in.u8();
                }
                batch.addEncoded(struct, 0);
            } else {
                boolean srcGref = in.bool();
                long srcRef = ref(in, srcGref);
                int srcDom = domid(in);
                int srcOff = offset(in);
                boolean dstGref = in.bool();
                long dstRef = ref(in, dstGref);
                int dstDom = domid(in);
                int dstOff = offset(in);
                RandomSides.dest(
                                RandomSides.source(batch.op(), srcGref, srcRef, srcDom, srcOff),
                                dstGref,
                                dstRef,
                                dstDom,
                                dstOff)
                        .add(offset(in));
            }
        }
        byte[][][] before = snapshot(doms);
        long ops = engine.ops();
        long bytes = engine.bytesCopied();
        long calls = engine.hypercalls();

        assertThat(engine.copy(batch)).isZero();

        byte[][][] expected = snapshot(doms);
        for (int d = 0; d < doms.length; d++) {
            for (int f = 0; f < before[d].length; f++) {
                expected[d][f] = before[d][f].clone();
            }
        }
        long okayBytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            int status = batch.status(i);
            assertThat(GntStatus.isDefined(status))
                    .as("op %d status %d", i, status)
                    .isTrue();
            if (status != GntStatus.OKAY || batch.length(i) == 0) {
                continue;
            }
            int len = batch.length(i);
            okayBytes += len;
            int[] src = resolve(hv, doms, batch.sourceIsGref(i), batch.sourceRef(i), batch.sourceDomid(i), false);
            int[] dst = resolve(hv, doms, batch.destIsGref(i), batch.destRef(i), batch.destDomid(i), true);
            assertThat(src).as("op %d read a buffer the caller may not read", i).isNotNull();
            assertThat(dst)
                    .as("op %d wrote a buffer the caller may not write", i)
                    .isNotNull();
            assertThat(batch.sourceOffset(i) + len).isLessThanOrEqualTo(Domain.FRAME_SIZE);
            assertThat(batch.destOffset(i) + len).isLessThanOrEqualTo(Domain.FRAME_SIZE);
            System.arraycopy(
                    expected[src[0]][src[1]],
                    batch.sourceOffset(i),
                    expected[dst[0]][dst[1]],
                    batch.destOffset(i),
                    len);
        }
        byte[][][] after = snapshot(doms);
        for (int d = 0; d < doms.length; d++) {
            assertThat(after[d].length).isEqualTo(before[d].length);
            for (int f = 0; f < after[d].length; f++) {
                assertThat(Arrays.equals(after[d][f], expected[d][f]))
                        .as("frame %d of domain %d differs from the okay ops' effect", f, d)
                        .isTrue();
            }
        }

        assertThat(engine.hypercalls()).isEqualTo(calls + 1);
        assertThat(engine.ops()).isEqualTo(ops + batch.size());
        assertThat(engine.ops()).isEqualTo(engine.okayOps() + engine.failedOps());
        assertThat(engine.bytesCopied()).isEqualTo(bytes + okayBytes);
        long byStatus = 0;
        for (int s = 0; GntStatus.isDefined(s); s--) {
            byStatus += engine.opsWithStatus(s);
        }
        assertThat(byStatus).isEqualTo(engine.ops());
        assertThat(engine.opsWithStatus(GntStatus.OKAY)).isEqualTo(engine.okayOps());
    }

    /**
     * The {@code {domain index, frame}} an okay op may have touched, or null when the caller had no
     * right to it: its own frame by {@code DOMID_SELF}, or a grant to the caller of an existing
     * frame (writable when {@code write}).
     */
    private static int[] resolve(Hypervisor hv, Domain[] doms, boolean isGref, long ref, int domid, boolean write) {
        Domain owner = domid == Hypervisor.DOMID_SELF
                ? doms[CALLER]
                : hv.findDomain(domid).orElse(null);
        if (owner == null) {
            return null;
        }
        long frame;
        if (isGref) {
            GrantTable t = owner.grantTable();
            if (ref < 0 || ref >= t.size()) {
                return null;
            }
            int flags = t.flags((int) ref);
            boolean permitted = (flags & GrantTable.GTF_TYPE_MASK) == GrantTable.GTF_PERMIT_ACCESS
                    && t.domid((int) ref) == CALLER
                    && !(write && (flags & GrantTable.GTF_READONLY) != 0);
            if (!permitted) {
                return null;
            }
            frame = t.frame((int) ref);
        } else {
            if (domid != Hypervisor.DOMID_SELF) {
                return null;
            }
            frame = ref;
        }
        if (!owner.hasFrame(frame)) {
            return null;
        }
        return new int[] {owner.domid(), (int) frame};
    }

    private static byte[][][] snapshot(Domain[] doms) {
        byte[][][] s = new byte[doms.length][][];
        for (int d = 0; d < doms.length; d++) {
            s[d] = new byte[doms[d].frameCount()][];
            for (int f = 0; f < s[d].length; f++) {
                s[d][f] = doms[d].readFrame(f);
            }
        }
        return s;
    }

    private static void fill(Domain d, long frame) {
        byte[] bytes = new byte[Domain.FRAME_SIZE];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (d.domid() * 64 + frame * 8 + i * 7 + 1);
        }
        d.write(frame, 0, bytes, 0, bytes.length);
    }

    /** A domid: the three domains, a missing one, {@code DOMID_SELF} or anything 16-bit. */
    private static int domid(FuzzBytes in) {
        int pick = in.below(6);
        return switch (pick) {
            case 0, 1, 2, 3 -> pick;
            case 4 -> Hypervisor.DOMID_SELF;
            default -> in.u16();
        };
    }

    private static long ref(FuzzBytes in, boolean gref) {
        if (in.bool()) {
            return in.i32() & 0xFFFF_FFFFL;
        }
        return gref ? in.below(ENTRIES + 1) : in.below(MAX_FRAMES + 1);
    }

    /** An offset or length: mostly within a frame, sometimes any 16-bit value. */
    private static int offset(FuzzBytes in) {
        return in.bool() ? in.u16() % (Domain.FRAME_SIZE + 1) : in.u16();
    }
}
