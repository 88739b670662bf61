package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random grants, revocations, raw entry writes and copy batches, run against the engine and
 * against a trivial reference model of memory (maps of byte arrays and grant entries): every
 * status and every byte of every frame must agree.
 */
class GrantCopyModelTest {
    private static final int SELF = Hypervisor.DOMID_SELF;
    private static final int[] DOMIDS = {0, 1, 2};
    private static final int[] TABLE_SIZES = {8, 16, 4};
    private static final int[] FRAMES = {4, 3, 2};
    private static final int UNKNOWN_DOMID = 7;
    private static final int STEPS = Math.max(500, Integer.getInteger("netbackrx.randomCount", 20000) / 4);

    /** The reference model: memory and grant entries as plain maps. */
    private static final class Model {
        final Map<Long, byte[]> memory = new HashMap<>();
        final Map<Long, int[]> grants = new HashMap<>(); // {flags, grantee, frame}
        final Map<Integer, Integer> tableSize = new HashMap<>();

        static long key(int domid, long n) {
            return ((long) domid << 48) | n; // n < 2^48 in this test
        }

        int status(
                int caller,
                boolean sg,
                long sref,
                int sdom,
                int soff,
                boolean dg,
                long dref,
                int ddom,
                int doff,
                int len) {
            if (len == 0) {
                return 0;
            }
            if (sdom != SELF && !sg) {
                return -8;
            }
            int s = sdom == SELF ? caller : sdom;
            if (!tableSize.containsKey(s)) {
                return -2;
            }
            if (ddom != SELF && !dg) {
                return -8;
            }
            int d = ddom == SELF ? caller : ddom;
            if (!tableSize.containsKey(d)) {
                return -2;
            }
            long[] frame = new long[2];
            int[] doms = {s, d};
            boolean[] isGref = {sg, dg};
            long[] refs = {sref, dref};
            for (int side = 0; side < 2; side++) {
                if (isGref[side]) {
                    if (refs[side] >= tableSize.get(doms[side])) {
                        return -3;
                    }
                    int[] e = grants.get(key(doms[side], refs[side]));
                    if (e == null || (e[0] & 3) != 1 || e[1] != caller) {
                        return -1;
                    }
                    if (side == 1 && (e[0] & 4) != 0) {
                        return -1;
                    }
                    frame[side] = e[2] & 0xFFFF_FFFFL;
                } else {
                    frame[side] = refs[side];
                }
                if (!memory.containsKey(key(doms[side], frame[side]))) {
                    return -9;
                }
            }
            if (soff + len > 4096 || doff + len > 4096) {
                return -10;
            }
            byte[] src = memory.get(key(s, frame[0]));
            byte[] dst = memory.get(key(d, frame[1]));
            System.arraycopy(src, soff, dst, doff, len);
            return 0;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 0xDEADBEEFL, 2010})
    void engineAgreesWithReferenceModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Hypervisor xen = new Hypervisor();
        Model model = new Model();
        List<List<Integer>> granted = new ArrayList<>();
        for (int k = 0; k < DOMIDS.length; k++) {
            Domain d = xen.createDomain(DOMIDS[k], TABLE_SIZES[k]);
            model.tableSize.put(DOMIDS[k], TABLE_SIZES[k]);
            granted.add(new ArrayList<>());
            for (int f = 0; f < FRAMES[k]; f++) {
                long gmfn = d.allocateFrame();
                byte[] bytes = new byte[4096];
                random.nextBytes(bytes);
                d.write(gmfn, 0, bytes, 0, 4096);
                model.memory.put(Model.key(DOMIDS[k], gmfn), bytes.clone());
            }
        }
        GrantCopyEngine[] engines = new GrantCopyEngine[DOMIDS.length];
        for (int k = 0; k < DOMIDS.length; k++) {
            engines[k] = xen.grantCopyEngine(xen.domain(DOMIDS[k]));
        }
        GrantCopyBatch batch = new GrantCopyBatch(4);
        long[] expectedStatusCounts = new long[14];
        long expectedBytes = 0;
        int[] batchStatus = new int[16];

        for (int step = 0; step < STEPS; step++) {
            int k = random.nextInt(DOMIDS.length);
            Domain owner = xen.domain(DOMIDS[k]);
            int action = random.nextInt(10);
            if (action < 2) { // grant
                if (owner.grantTable().grantsInUse() < owner.grantTable().size()) {
                    int grantee = random.nextInt(4) == 0 ? UNKNOWN_DOMID : DOMIDS[random.nextInt(DOMIDS.length)];
                    long frame = random.nextInt(FRAMES[k] + 1);
                    boolean ro = random.nextInt(3) == 0;
                    int gref = owner.grantTable().grantAccess(grantee, frame, ro);
                    granted.get(k).add(gref);
                    model.grants.put(Model.key(DOMIDS[k], gref), new int[] {1 | (ro ? 4 : 0), grantee, (int) frame});
                }
            } else if (action < 3) { // revoke
                List<Integer> mine = granted.get(k);
                if (!mine.isEmpty()) {
                    int gref = mine.remove(random.nextInt(mine.size()));
                    owner.grantTable().endAccess(gref);
                    model.grants.get(Model.key(DOMIDS[k], gref))[0] = 0;
                }
            } else if (action < 4 && random.nextInt(4) == 0) { // raw scribble on a free entry
                int gref = random.nextInt(TABLE_SIZES[k]);
                if (!granted.get(k).contains(gref)) {
                    int flags = random.nextInt(8);
                    int grantee = DOMIDS[random.nextInt(DOMIDS.length)];
                    long frame = random.nextInt(FRAMES[k] + 1);
                    owner.grantTable().writeEntry(gref, flags, grantee, frame);
                    model.grants.put(Model.key(DOMIDS[k], gref), new int[] {flags, grantee, (int) frame});
                }
            } else { // a copy batch issued by a random caller
                int caller = random.nextInt(DOMIDS.length);
                batch.clear();
                int n = 1 + random.nextInt(batchStatus.length);
                for (int i = 0; i < n; i++) {
                    boolean sg = random.nextBoolean();
                    boolean dg = random.nextBoolean();
                    int sdom = randomDomid(random, sg);
                    int ddom = randomDomid(random, dg);
                    long sref = randomRef(random, sg);
                    long dref = randomRef(random, dg);
                    int len = randomLen(random);
                    int soff = randomOffset(random, len);
                    int doff = randomOffset(random, len);
                    RandomSides.dest(RandomSides.source(batch.op(), sg, sref, sdom, soff), dg, dref, ddom, doff)
                            .add(len);
                    batchStatus[i] = model.status(DOMIDS[caller], sg, sref, sdom, soff, dg, dref, ddom, doff, len);
                    expectedStatusCounts[-batchStatus[i]]++;
                    if (batchStatus[i] == 0) {
                        expectedBytes += len;
                    }
                }
                engines[caller].copy(batch);
                for (int i = 0; i < n; i++) {
                    assertThat(batch.status(i))
                            .as("seed %d step %d op %d", seed, step, i)
                            .isEqualTo(batchStatus[i]);
                }
                if (step % 16 == 0) {
                    assertMemoryAgrees(xen, model, seed, step);
                }
            }
        }
        assertMemoryAgrees(xen, model, seed, STEPS);
        long bytes = 0;
        for (int s = 0; s < 14; s++) {
            long count = 0;
            for (GrantCopyEngine e : engines) {
                count += e.opsWithStatus(-s);
            }
            assertThat(count).as("ops with %s", GntStatus.name(-s)).isEqualTo(expectedStatusCounts[s]);
        }
        for (GrantCopyEngine e : engines) {
            bytes += e.bytesCopied();
            assertThat(e.okayOps() + e.failedOps()).isEqualTo(e.ops());
        }
        assertThat(bytes).isEqualTo(expectedBytes).isPositive();
        // every path the engine has was taken at least once
        for (int s : new int[] {0, 1, 2, 3, 8, 9, 10}) {
            assertThat(expectedStatusCounts[s])
                    .as("%s seen", GntStatus.name(-s))
                    .isPositive();
        }
    }

    private static void assertMemoryAgrees(Hypervisor xen, Model model, long seed, int step) {
        for (int k = 0; k < DOMIDS.length; k++) {
            for (int f = 0; f < FRAMES[k]; f++) {
                assertThat(xen.domain(DOMIDS[k]).readFrame(f))
                        .as("seed %d step %d domain %d frame %d", seed, step, DOMIDS[k], f)
                        .isEqualTo(model.memory.get(Model.key(DOMIDS[k], f)));
            }
        }
    }

    private static int randomDomid(SplittableRandom r, boolean isGref) {
        int x = r.nextInt(10);
        if (x == 0) {
            return UNKNOWN_DOMID;
        }
        if (!isGref) {
            return x < 8 ? SELF : DOMIDS[r.nextInt(DOMIDS.length)];
        }
        return x < 3 ? SELF : DOMIDS[r.nextInt(DOMIDS.length)];
    }

    private static long randomRef(SplittableRandom r, boolean isGref) {
        if (isGref) {
            return r.nextInt(20) == 0 ? 0xFFFF_FFFFL : r.nextInt(18);
        }
        return r.nextInt(20) == 0 ? 1L << 40 : r.nextInt(5);
    }

    private static int randomLen(SplittableRandom r) {
        int x = r.nextInt(10);
        if (x == 0) {
            return 0;
        }
        if (x == 1) {
            return r.nextInt(65536);
        }
        return 1 + r.nextInt(x < 5 ? 64 : 4096);
    }

    private static int randomOffset(SplittableRandom r, int len) {
        if (r.nextInt(8) == 0) {
            return r.nextInt(65536);
        }
        int room = Math.max(0, 4096 - len);
        return r.nextInt(room + 1) + (r.nextInt(10) == 0 ? 1 : 0);
    }
}
