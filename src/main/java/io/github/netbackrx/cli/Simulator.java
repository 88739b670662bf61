package io.github.netbackrx.cli;

import io.github.netbackrx.core.ChecksumState;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.VifStatistics;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.trace.Workload;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Runs packets through {@link GuestRxSimulation} and prints the summary of {@code simulate}. */
final class Simulator {
    /** Packets handed over between two rounds of the simulation. */
    private static final int SEND_BURST = 64;

    private Simulator() {}

    /**
     * The built-in realistic mix: MTU frames (some with a head crossing a page), small ACKs, 64 KiB
     * GSO packets in page fragments, packets of many small fragments, packets with foreign
     * fragments.
     */
    static Skb builtInPacket(SplittableRandom rnd) {
        int kind = rnd.nextInt(100);
        Skb.Builder b = Skb.builder();
        if (kind < 35) {
            int len = 1514;
            b.head(rnd.nextInt(8) == 0 ? 3000 + rnd.nextInt(1000) : 64 + rnd.nextInt(64), len);
            b.checksum(ChecksumState.UNNECESSARY);
        } else if (kind < 65) {
            b.head(64 + rnd.nextInt(2000), 66).checksum(ChecksumState.PARTIAL);
        } else if (kind < 80) {
            b.head(128, 66);
            for (int k = 0; k < 16; k++) {
                b.frag(0, 4096);
            }
            b.gso(1448, rnd.nextBoolean() ? GsoType.TCPV4 : GsoType.TCPV6).checksum(ChecksumState.PARTIAL);
        } else if (kind < 90) {
            b.head(128, 54 + rnd.nextInt(100));
            int frags = 4 + rnd.nextInt(13);
            for (int k = 0; k < frags; k++) {
                int len = 64 + rnd.nextInt(193);
                b.frag(rnd.nextInt(4096 - len), len);
            }
            b.checksum(ChecksumState.PARTIAL);
        } else {
            b.head(128, 66);
            int frags = 1 + rnd.nextInt(3);
            for (int k = 0; k < frags; k++) {
                b.foreignFrag(rnd.nextInt(2) * 2048, 1448);
            }
            b.checksum(ChecksumState.NONE);
        }
        return b.build();
    }

    /**
     * Where the simulated packets and their bytes come from. Both methods share the run's random
     * source, drawn in send order, so a run is the same for the same seed.
     */
    interface Feed {
        /**
         * The packet with this send number.
         *
         * @param index 0, 1, 2, ... in order
         * @param rnd the run's random source
         * @return its layout
         */
        Skb packet(long index, SplittableRandom rnd);

        /**
         * The bytes of the packet just returned by {@link #packet}.
         *
         * @param index its send number
         * @param skb its layout
         * @param rnd the run's random source
         * @return {@code skb.length()} bytes
         */
        default byte[] payload(long index, Skb skb, SplittableRandom rnd) {
            byte[] data = new byte[skb.length()];
            rnd.nextBytes(data);
            return data;
        }

        /** The built-in realistic mix, random bytes. */
        static Feed builtIn() {
            return (i, rnd) -> builtInPacket(rnd);
        }

        /** A list of packets, repeated as often as needed, random bytes. */
        static Feed repeating(List<Skb> packets) {
            return (i, rnd) -> packets.get((int) (i % packets.size()));
        }

        /** A list of packets with their own bytes (a capture's frames), repeated as needed. */
        static Feed repeating(List<Skb> packets, List<byte[]> payloads) {
            return new Feed() {
                @Override
                public Skb packet(long index, SplittableRandom rnd) {
                    return packets.get((int) (index % packets.size()));
                }

                @Override
                public byte[] payload(long index, Skb skb, SplittableRandom rnd) {
                    return payloads.get((int) (index % payloads.size()));
                }
            };
        }

        /** A workload's packets, with the workload's own bytes. */
        static Feed of(Workload workload) {
            return new Feed() {
                @Override
                public Skb packet(long index, SplittableRandom rnd) {
                    return workload.next();
                }

                @Override
                public byte[] payload(long index, Skb skb, SplittableRandom rnd) {
                    return workload.payload(index, skb.length());
                }
            };
        }
    }

    /**
     * Runs {@code count} packets of the built-in mix, prints the summary, and returns its
     * statistics.
     */
    static SimulationStatistics run(PackingPolicy policy, int count, long seed, PrintWriter out) {
        return run(
                EngineProfile.LINUX_2010,
                policy,
                count,
                seed,
                Feed.builtIn(),
                "the built-in mix",
                out,
                new ProgressBar("simulate", count, out, false));
    }

    /**
     * Runs {@code count} packets of a feed through a simulation of the engine profile ({@code
     * policy} null means the profile's own), reports progress on {@code progress}, prints the
     * summary on {@code out}, and returns its statistics.
     */
    static SimulationStatistics run(
            EngineProfile profile,
            PackingPolicy policy,
            int count,
            long seed,
            Feed feed,
            String source,
            PrintWriter out,
            ProgressBar progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        GuestRxSimulation.Builder b =
                GuestRxSimulation.builder().profile(profile).keepReceived(false);
        if (policy != null) {
            b.policy(policy);
        }
        GuestRxSimulation sim = b.build();
        for (int i = 0; i < count; i++) {
            Skb skb = feed.packet(i, rnd);
            sim.send(skb, feed.payload(i, skb, rnd));
            if ((i + 1) % SEND_BURST == 0) {
                sim.step();
                progress.update(i + 1);
            }
        }
        sim.drain();
        progress.finish();
        SimulationStatistics st = sim.statistics();
        print(profile, sim.vif().policy(), count, seed, source, st, out);
        return st;
    }

    private static void print(
            EngineProfile profile,
            PackingPolicy policy,
            int count,
            long seed,
            String source,
            SimulationStatistics st,
            PrintWriter out) {
        VifStatistics v = st.vif();
        double n = Math.max(1, st.sent());
        out.print("netback-rx simulate: " + count + " packets from " + source + ", engine " + profile.label()
                + ", policy " + policy.label() + ", seed " + seed + "\n\n");
        line(out, "delivered", st.delivered() + " packets, " + st.deliveredBytes() + " bytes");
        line(
                out,
                "verified",
                (st.delivered() - st.mismatched()) + " packets equal to what was sent, byte for byte; "
                        + st.mismatched() + " differ");
        line(
                out,
                "dropped",
                st.dropped() + " (by the vif " + v.packetsDropped() + ", by netfront "
                        + st.netfront().packetsRejected() + ")");
        line(out, "errored", String.valueOf(st.errored()));
        line(out, "ring slots", v.slotsUsed() + perPacket(v.slotsUsed(), n));
        line(out, "copy ops", v.copyOps() + perPacket(v.copyOps(), n));
        line(out, "hypercalls", v.hypercalls() + perPacket(v.hypercalls(), n));
        line(
                out,
                "notifications",
                v.notifications() + perPacket(v.notifications(), n) + " to the guest, "
                        + st.netfront().notifications() + " to the backend");
        line(out, "queue", v.queueStops() + " stops, " + v.queueWakes() + " wakes");
        out.print("\n" + (st.mismatched() == 0 ? "all delivered bytes verified\n" : "DELIVERED BYTES DIFFER\n"));
        out.flush();
    }

    private static void line(PrintWriter out, String name, String value) {
        out.print(String.format(Locale.ROOT, "%-15s %s%n", name + ":", value));
    }

    private static String perPacket(long v, double n) {
        return String.format(Locale.ROOT, " (%.2f per packet)", v / n);
    }
}
