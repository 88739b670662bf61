package io.github.netbackrx.consumer;

import io.github.netbackrx.core.CopyOp;
import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.sim.GuestRxSimulation;
import io.github.netbackrx.sim.Scenario;
import io.github.netbackrx.sim.SimulationStatistics;
import io.github.netbackrx.trace.PlanPrinter;
import io.github.netbackrx.trace.TraceParser;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans and simulates packets through the public API only; exit status 0 when every plan is clean
 * and every simulated packet arrives with the bytes that were sent.
 */
public final class ConsumerMain {
    private ConsumerMain() {}

    public static void main(String[] args) throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        out.println("library module: " + RxPacker.class.getModule().getName());
        out.println("consumer module: " + ConsumerMain.class.getModule().getName());

        Skb skb = Skb.builder().head(0, 54).frag(0, 100).build();
        RxPlan plan = RxPacker.of(PackingPolicy.COALESCE).plan(skb);
        PlanPrinter.print(0, skb, plan, out);
        for (CopyOp op : plan.ops()) {
            out.println("op " + op.sourceName() + " -> slot " + op.slot() + " " + op.length());
        }
        Skb parsed = TraceParser.parsePacket("head=2+66 frag=0+4096 gso=1448 csum=partial");
        out.println("parsed " + parsed + " estimate " + RxPacker.of(PackingPolicy.COALESCE).estimateSlots(parsed));

        int findings = 0;
        long slots = 0;
        PlanBuffer buffer = new PlanBuffer();
        for (PackingPolicy policy : PackingPolicy.values()) {
            RxPacker packer = RxPacker.of(policy);
            Workload w = Workload.of(WorkloadMix.MIXED, 7);
            for (int i = 0; i < 1000; i++) {
                Skb p = w.next();
                packer.plan(p, buffer);
                List<Finding> f = PlanChecker.check(p, buffer);
                findings += f.size();
                slots += buffer.slotCount();
            }
        }
        out.println("workload mixed: " + PackingPolicy.values().length + " policies x 1000 packets, " + slots
                + " slots, " + findings + " findings");

        // the whole guest-RX path: every engine profile, checking the delivered bytes ourselves
        int bad = 0;
        for (EngineProfile profile : EngineProfile.values()) {
            GuestRxSimulation sim = GuestRxSimulation.builder().backend(b -> b.profile(profile)).build();
            Workload w = Workload.of(WorkloadMix.MIXED, 11);
            byte[][] sent = new byte[200][];
            for (int i = 0; i < sent.length; i++) {
                Skb p = w.next();
                sent[i] = w.payload(i, p.length());
                sim.send(p, sent[i]);
                if (i % 16 == 15) {
                    sim.step(); // a sender paced by the backend, so the host's qdisc never overflows
                }
            }
            sim.drain();
            List<ReceivedPacket> received = sim.takeReceived();
            SimulationStatistics st = sim.statistics();
            Set<ByteBuffer> sentBytes = new HashSet<>();
            for (byte[] b : sent) {
                sentBytes.add(ByteBuffer.wrap(b));
            }
            int equal = 0;
            for (ReceivedPacket r : received) {
                equal += sentBytes.contains(ByteBuffer.wrap(r.bytes())) ? 1 : 0;
            }
            boolean ok = received.size() > 0
                    && equal == received.size()
                    && received.size() == st.delivered()
                    && st.mismatched() == 0
                    && st.balanced()
                    && st.inFlight() == 0;
            bad += ok ? 0 : 1;
            out.println("simulate " + profile.label() + ": " + sent.length + " sent, " + received.size()
                    + " received, " + equal + " byte-identical, " + st.dropped() + " dropped, " + st.vif().copyOps() + " copy ops, "
                    + st.vif().hypercalls() + " hypercalls" + (ok ? "" : " MISMATCH"));
        }
        // a host: eight guests on one 2010 backend of two groups, every guest's bytes verified
        GuestRxSimulation host = GuestRxSimulation.builder()
                .guests(8)
                .backend(b -> b.profile(EngineProfile.LINUX_2010).groups(2))
                .keepReceived(false)
                .build();
        Workload hw = Workload.of(WorkloadMix.MTU, 5);
        for (int i = 0; i < 400; i++) {
            Skb p = hw.next();
            host.send(i % 8, p, hw.payload(i, p.length()));
            if (i % 16 == 15) {
                host.step();
            }
        }
        host.drain();
        long perGuestOk = 0;
        for (int g = 0; g < host.guests(); g++) {
            SimulationStatistics st = host.statistics(g);
            perGuestOk += st.sent() == 50 && st.delivered() == 50 && st.mismatched() == 0 ? 1 : 0;
        }
        bad += perGuestOk == 8 ? 0 : 1;
        out.println("host: 8 guests, " + host.contextStatistics().size() + " groups, " + host.netback().hypercalls()
                + " hypercalls, " + perGuestOk + " guests verified");

        // a scenario of the event-log format, replayed through the public API
        List<String> log = new java.util.ArrayList<>();
        Scenario scenario = Scenario.parse(new java.io.StringReader(
                "netifs 2\npost 0 64\npost 1 64\nxmit 0 head=0+1514\nxmit 1 head=0+60\naction\n"));
        Scenario.Outcome outcome = scenario.run(EngineProfile.LINUX_2010, log::add);
        out.println("scenario: " + outcome + ", " + log.size() + " lines, last " + log.get(log.size() - 1));
        bad += outcome == Scenario.Outcome.OK ? 0 : 1;
        out.flush();
        System.exit(findings == 0 && bad == 0 ? 0 : 1);
    }
}
