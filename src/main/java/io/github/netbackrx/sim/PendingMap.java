package io.github.netbackrx.sim;

/**
 * The packets handed to {@code start_xmit} and not yet answered, by id: an open-addressing hash map
 * from {@code long} to {@link GuestRxSimulation.Pending} (linear probing, deletion by backward
 * shift), so that looking a packet up boxes nothing and allocates nothing in steady state.
 */
final class PendingMap {
    private long[] keys = new long[64];
    private GuestRxSimulation.Pending[] values = new GuestRxSimulation.Pending[64];
    private int size;

    int size() {
        return size;
    }

    private static int hash(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    void put(long key, GuestRxSimulation.Pending value) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = hash(key, mask);
        while (values[i] != null) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    GuestRxSimulation.Pending get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        return null;
    }

    GuestRxSimulation.Pending remove(long key) {
        int mask = keys.length - 1;
        int i = hash(key, mask);
        while (values[i] != null && keys[i] != key) {
            i = (i + 1) & mask;
        }
        GuestRxSimulation.Pending found = values[i];
        if (found == null) {
            return null;
        }
        // backward shift: move later entries of the run into the hole where their probe allows
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        size--;
        return found;
    }

    private void grow() {
        long[] oldKeys = keys;
        GuestRxSimulation.Pending[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new GuestRxSimulation.Pending[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
