package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventChannelTest {

    private final Hypervisor xen = new Hypervisor();
    private final Domain dom0 = xen.createDomain(0);
    private final Domain guest = xen.createDomain(1);

    @Test
    void bindAllocatesPortsPerDomain() {
        EventChannel a = xen.bindInterdomain(dom0, guest);
        EventChannel b = xen.bindInterdomain(dom0, guest);
        assertThat(a.first().domid()).isZero();
        assertThat(a.second().domid()).isEqualTo(1);
        assertThat(a.first().port()).isEqualTo(1);
        assertThat(b.first().port()).isEqualTo(2);
        assertThat(b.second().port()).isEqualTo(2);
        assertThat(a.first().peer()).isSameAs(a.second());
        assertThat(a.second().peer()).isSameAs(a.first());
        assertThat(a.first().toString()).isEqualTo("Endpoint[domid=0, port=1, pending=false, masked=false]");
    }

    @Test
    void sendSetsRemotePendingAndSendsCoalesce() {
        EventChannel ch = xen.bindInterdomain(dom0, guest);
        EventChannel.Endpoint back = ch.first();
        EventChannel.Endpoint front = ch.second();
        assertThat(front.takePending()).isFalse();
        assertThat(back.send()).isTrue();
        assertThat(front.pending()).isTrue();
        assertThat(back.pending()).as("the sender's own port is untouched").isFalse();
        assertThat(back.send()).isFalse();
        assertThat(back.send()).isFalse();
        assertThat(front.coalescedSends()).isEqualTo(2);
        assertThat(front.takePending()).isTrue();
        assertThat(front.takePending()).as("three sends, one event").isFalse();
        assertThat(back.sends()).isEqualTo(3);
        assertThat(front.delivered()).isEqualTo(1);
        // after the receiver cleared pending, a new send is a new event
        assertThat(back.send()).isTrue();
        assertThat(front.takePending()).isTrue();
        // the other direction
        assertThat(front.send()).isTrue();
        assertThat(back.takePending()).isTrue();
        assertThat(ch.sends()).isEqualTo(5);
        assertThat(ch.delivered()).isEqualTo(3);
    }

    @Test
    void maskedPortStaysPendingUntilUnmasked() {
        EventChannel ch = xen.bindInterdomain(dom0, guest);
        EventChannel.Endpoint back = ch.first();
        EventChannel.Endpoint front = ch.second();
        front.mask();
        assertThat(front.masked()).isTrue();
        back.send();
        back.send();
        assertThat(front.pending()).isTrue();
        assertThat(front.takePending()).isFalse();
        assertThat(front.pending()).isTrue();
        assertThat(front.delivered()).isZero();
        front.unmask();
        assertThat(front.takePending()).isTrue();
        assertThat(front.pending()).isFalse();
        assertThat(front.delivered()).isEqualTo(1);
        assertThat(front.coalescedSends()).isEqualTo(1);
        // masking with nothing pending delivers nothing on unmask
        front.mask();
        front.unmask();
        assertThat(front.takePending()).isFalse();
    }
}
