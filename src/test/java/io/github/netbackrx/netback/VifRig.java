package io.github.netbackrx.netback;

import io.github.netbackrx.netfront.Netfront;
import io.github.netbackrx.netfront.NetfrontListener;
import io.github.netbackrx.netfront.ReceivedPacket;
import io.github.netbackrx.netfront.RejectReason;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.util.ArrayList;
import java.util.List;

/**
 * The wiring the vif tests share, fresh for each test: a host with the backend domain 0 and the
 * guest domain 1, an RX ring with its back view at index 0, the event channel between them, a
 * netfront on the ring's front recording what it accepts or rejects in {@link #received}, and a vif
 * listener recording what became of each packet in {@link #events}.
 */
abstract class VifRig {
    final Hypervisor hv = new Hypervisor();
    final Domain backend = hv.createDomain(0);
    final Domain guest = hv.createDomain(1);
    final RxRing ring = RxRing.create();
    final RxRing.BackRing back = ring.attachBack(0);
    final EventChannel channel = hv.bindInterdomain(backend, guest);
    final List<String> events = new ArrayList<>();
    final VifListener listener = new VifListener() {
        @Override
        public void responded(long tag, boolean error, int slots) {
            events.add(tag + (error ? " error " : " ok ") + slots);
        }

        @Override
        public void dropped(long tag, DropReason reason) {
            events.add(tag + " dropped " + reason);
        }
    };
    final List<String> received = new ArrayList<>();
    final Netfront netfront = new Netfront(guest, 0, ring.attachFront(0), channel.second(), new NetfrontListener() {
        @Override
        public void received(ReceivedPacket packet) {
            received.add("ok " + packet.length());
        }

        @Override
        public void rejected(RejectReason reason) {
            received.add("rejected " + reason);
        }
    });

    /** @return a builder for a vif to domain 1 on {@link #back}, reporting to {@link #listener} */
    Vif.Builder vif() {
        return Vif.builder(hv, backend, 1, back, channel.first()).listener(listener);
    }
}
