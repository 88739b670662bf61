package io.github.netbackrx.netback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.netbackrx.core.KernelLimits;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netfront.Netfront;
import io.github.netbackrx.netfront.NetfrontListener;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One backend serving several vifs: the 2010 groups (least-loaded join with vifs coming and going,
 * one hypercall across vifs, each irq notified once per action), per-vif and per-queue contexts,
 * and the faults of admission (resources running out are counted drops, bad settings are refused
 * at build time).
 */
class NetbackHostTest {
    private final Hypervisor hv = new Hypervisor();
    private final Domain backend = hv.createDomain(0);
    private final List<String> log = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    /** A guest with its ring, channel and netfront (buffers posted). */
    private final class Guest {
        final Domain domain;
        final RxRing ring;
        final EventChannel channel;
        final Netfront netfront;
        final List<String> received = new ArrayList<>();

        Guest(int domid) {
            domain = hv.createDomain(domid);
            ring = RxRing.create();
            channel = hv.bindInterdomain(backend, domain);
            netfront = new Netfront(domain, 0, ring.attachFront(0), channel.second(), new NetfrontListener() {
                @Override
                public void received(io.github.netbackrx.netfront.ReceivedPacket packet) {
                    received.add("ok " + packet.length());
                }
            });
            netfront.refill();
        }

        Vif.Builder vif(Netback nb) {
            return nb.vif(domain.domid(), ring.attachBack(0), channel.first()).listener(new VifListener() {
                @Override
                public void responded(long tag, boolean error, int slots) {
                    events.add(domain.domid() + ":" + tag + (error ? " error" : " ok"));
                }

                @Override
                public void dropped(long tag, DropReason reason) {
                    events.add(domain.domid() + ":" + tag + " dropped " + reason);
                }
            });
        }
    }

    private static Skb head(int len) {
        return Skb.builder().head(0, len).build();
    }

    @Test
    void vifsJoinTheLeastLoadedGroupTiesToTheLowestAndLeaveWhenDown() {
        Netback nb = Netback.builder(hv, backend).groups(3).build();
        List<Vif> vifs = new ArrayList<>();
        for (int d = 1; d <= 5; d++) {
            vifs.add(new Guest(d).vif(nb).build());
        }
        // 0 -> 0, 1 -> 1, 2 -> 2, then ties again: 3 -> 0, 4 -> 1
        assertThat(vifs.stream().map(Vif::group)).containsExactly(0, 1, 2, 0, 1);
        assertThat(nb.contextStatistics().stream().map(ContextStatistics::members))
                .containsExactly(2, 2, 1);
        vifs.get(1).down();
        assertThat(vifs.get(1).group()).isEqualTo(-1);
        assertThat(vifs.get(1).isUp()).isFalse();
        assertThat(nb.contextStatistics().stream().map(ContextStatistics::members))
                .containsExactly(2, 1, 1);
        vifs.get(0).down();
        // counts 1, 1, 1: the lowest index wins the tie (strict <)
        vifs.get(1).up();
        assertThat(vifs.get(1).group()).isZero();
        assertThat(nb.contextStatistics().stream().map(ContextStatistics::members))
                .containsExactly(2, 1, 1);
        vifs.get(0).up();
        assertThat(vifs.get(0).group()).isEqualTo(1);
        // a vif that is down drops what the stack offers it: the 2010 driver has no group for it
        vifs.get(4).down();
        assertThat(vifs.get(4).startXmit(head(60), new byte[60], 9)).isFalse();
        assertThat(events).containsExactly("5:9 dropped NO_GROUP");
        assertThat(vifs.get(4).statistics().packetsDropped()).isEqualTo(1);
    }

    @Test
    void oneGroupActionServesSeveralVifsWithOneHypercallAndNotifiesEachIrqOnce() {
        Netback nb = Netback.builder(hv, backend).events(log::add).build();
        Guest a = new Guest(1);
        Guest b = new Guest(2);
        Guest c = new Guest(3);
        Vif va = a.vif(nb).build();
        Vif vb = b.vif(nb).irq(7).build();
        Vif vc = c.vif(nb).irq(7).build(); // shares irq 7 with vb
        for (int i = 0; i < 3; i++) {
            va.startXmit(head(100), new byte[100], 10 + i);
            vb.startXmit(head(200), new byte[200], 20 + i);
            vc.startXmit(head(300), new byte[300], 30 + i);
        }
        assertThat(nb.runActions()).isEqualTo(9);
        assertThat(nb.hypercalls()).isEqualTo(1);
        assertThat(log.stream().filter(l -> l.startsWith("gntcopy"))).containsExactly("gntcopy ops=9");
        // arrival order across vifs, responses per packet
        assertThat(events)
                .containsExactly(
                        "1:10 ok", "2:20 ok", "3:30 ok", "1:11 ok", "2:21 ok", "3:31 ok", "1:12 ok", "2:22 ok",
                        "3:32 ok");
        // irqs 0 and 7 each once, newest first; vb's and vc's pushes both asked
        assertThat(log.stream().filter(l -> l.startsWith("notify"))).containsExactly("notify irq=7", "notify irq=0");
        assertThat(nb.notifications()).isEqualTo(2);
        // per vif: the shared hypercall counts for each vif it carried ops of
        assertThat(va.statistics().hypercalls()).isEqualTo(1);
        assertThat(vb.statistics().hypercalls()).isEqualTo(1);
        assertThat(va.statistics().copyOps()).isEqualTo(3);
        a.netfront.poll();
        b.netfront.poll();
        assertThat(a.received).containsExactly("ok 100", "ok 100", "ok 100");
        assertThat(b.received).containsExactly("ok 200", "ok 200", "ok 200");
        ContextStatistics group = nb.contextStatistics().get(0);
        assertThat(group.members()).isEqualTo(3);
        assertThat(group.actions()).isEqualTo(1);
        assertThat(group.packets()).isEqualTo(9);
        assertThat(group.copyOps()).isEqualTo(9);
    }

    @Test
    void laterGenerationsRunOneContextPerVifOrQueue() {
        Netback n313 =
                Netback.builder(hv, backend).profile(EngineProfile.LINUX_3_13).build();
        Vif v1 = new Guest(1).vif(n313).build();
        Vif v2 = new Guest(2).vif(n313).build();
        assertThat(n313.contexts()).isEqualTo(2);
        assertThat(n313.groups()).isZero();
        assertThat(v1.group()).isEqualTo(-1);
        assertThat(v1.context(0)).isZero();
        assertThat(v2.context(0)).isEqualTo(1);
        v1.startXmit(head(60), new byte[60], 1);
        v2.startXmit(head(60), new byte[60], 2);
        assertThat(v1.rxAction()).isEqualTo(1); // only its own thread
        assertThat(v2.queuedPackets()).isEqualTo(1);
        assertThat(n313.contextStatistics().get(0).kind()).isEqualTo("vif");

        Netback rxc = Netback.builder(hv, backend)
                .profile(EngineProfile.RX_C)
                .maxQueues(4)
                .build();
        Guest g = new Guest(3);
        RxRing second = RxRing.create();
        EventChannel ch = hv.bindInterdomain(backend, g.domain);
        Vif mq = g.vif(rxc).queue(second.attachBack(0), ch.first()).build();
        assertThat(mq.queues()).isEqualTo(2);
        assertThat(rxc.contexts()).isEqualTo(2);
        assertThat(rxc.contextStatistics().get(1).kind()).isEqualTo("queue");
        Skb hashed = Skb.builder()
                .head(0, 60)
                .hash(5, io.github.netbackrx.core.HashType.IPV4_TCP)
                .build();
        assertThat(mq.selectQueue(hashed)).isEqualTo(1);
        assertThat(mq.selectQueue(head(60))).isZero();
    }

    @Test
    void badSettingsAreRefusedAtBuildTimeNotInTheFirstAction() {
        Guest g = new Guest(1);
        RxRing.BackRing back = g.ring.attachBack(0);
        // a negative domain id used to be accepted; the first action then threw after consuming a request
        assertThatThrownBy(() ->
                        Vif.builder(hv, backend, -5, back, g.channel.first()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frontendDomid: -5 is not a domain id");
        assertThatThrownBy(() ->
                        Vif.builder(hv, backend, 9, back, g.channel.first()).build())
                .hasMessageContaining("no domain 9");
        assertThatThrownBy(() ->
                        Vif.builder(hv, backend, 0, back, g.channel.first()).build())
                .hasMessageContaining("is the backend domain itself");
        Netback nb = Netback.builder(hv, backend).build();
        assertThatThrownBy(() -> g.vif(nb).profile(EngineProfile.RX_C).build())
                .hasMessageContaining("belong to the backend");
        assertThatThrownBy(() -> g.vif(nb)
                        .queue(RxRing.create().attachBack(0), g.channel.first())
                        .build())
                .hasMessageContaining("profile 2010 has one ring per vif");
        Netback rxc = Netback.builder(hv, backend).profile(EngineProfile.RX_C).build(); // maxQueues = cpus = 1
        assertThatThrownBy(() -> g.vif(rxc)
                        .queue(RxRing.create().attachBack(0), g.channel.first())
                        .build())
                .hasMessageContaining("at most 1 (multi-queue-max-queues)");
        // nothing was half-registered
        assertThat(nb.vifs()).isEmpty();
        assertThat(rxc.vifs()).isEmpty();
    }

    @Test
    void peerRunningOutOfGrantsIsACountedDropNotAnException() {
        Domain peer = hv.createDomain(99, 4); // room for four foreign fragments
        for (EngineProfile p : EngineProfile.values()) {
            Guest g = new Guest(1 + p.ordinal());
            Vif v = g.vif(Netback.builder(hv, backend).profile(p).build())
                    .peer(peer)
                    .build();
            Skb foreign = Skb.builder()
                    .head(0, 60)
                    .foreignFrag(0, 1000)
                    .foreignFrag(0, 1000)
                    .foreignFrag(0, 1000)
                    .build();
            events.clear();
            assertThat(v.startXmit(foreign, new byte[3060], 1)).as(p.label()).isTrue();
            assertThat(v.startXmit(foreign, new byte[3060], 2)).as(p.label()).isFalse();
            assertThat(events).as(p.label()).containsExactly(g.domain.domid() + ":2 dropped PEER_GRANTS_EXHAUSTED");
            assertThat(peer.grantTable().grantsInUse()).isEqualTo(3);
            assertThat(peer.liveFrames()).isEqualTo(3); // the second packet's frames were given back
            v.rxAction();
            g.netfront.poll();
            assertThat(peer.grantTable().grantsInUse()).isZero();
            assertThat(peer.liveFrames()).isZero();
        }
    }

    @Test
    void freebsdSendQueueHoldsRingSizeMinusOnePackets() {
        Guest g = new Guest(1);
        Vif v = g.vif(Netback.builder(hv, backend)
                        .profile(EngineProfile.FREEBSD)
                        .build())
                .build();
        g.netfront.faults().stopPosting();
        g.netfront.faults().writeReqProd(0); // nothing posted: every packet waits (EAGAIN)
        int queued = 0;
        for (int i = 0; i < 300; i++) {
            queued += v.startXmit(head(60), new byte[60], i) ? 1 : 0;
        }
        assertThat(queued).isEqualTo(KernelLimits.FREEBSD_IF_SND_MAXLEN);
        assertThat(v.queuedPackets()).isEqualTo(255);
        assertThat(events).hasSize(45).allMatch(e -> e.endsWith("dropped QUEUE_FULL"));
    }

    @Test
    void failNextCopyOpFailsOneOpOfTheNextHypercallOnly() {
        Netback nb = Netback.builder(hv, backend).build();
        Guest g = new Guest(1);
        Vif v = g.vif(nb).build();
        nb.failNextCopyOp(1);
        v.startXmit(head(60), new byte[60], 1);
        v.startXmit(head(60), new byte[60], 2);
        v.rxAction();
        assertThat(events).containsExactly("1:1 ok", "1:2 error");
        v.startXmit(head(60), new byte[60], 3);
        v.rxAction();
        assertThat(events).endsWith("1:3 ok");
        assertThatThrownBy(() -> nb.failNextCopyOp(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
