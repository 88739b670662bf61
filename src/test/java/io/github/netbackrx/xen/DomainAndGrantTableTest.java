package io.github.netbackrx.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DomainAndGrantTableTest {

    @Test
    void domainsByIdAndReservedIds() {
        Hypervisor xen = new Hypervisor();
        Domain d = xen.createDomain(3);
        assertThat(xen.domain(3)).isSameAs(d);
        assertThat(xen.findDomain(4)).isEmpty();
        assertThat(xen.findDomain(-1)).isEmpty();
        assertThat(xen.domainCount()).isEqualTo(1);
        assertThat(d.grantTable().size()).isEqualTo(Hypervisor.DEFAULT_NR_GRANT_ENTRIES);
        assertThatThrownBy(() -> xen.domain(4)).hasMessage("domid: no domain 4");
        assertThatThrownBy(() -> xen.createDomain(3)).hasMessage("domid: domain 3 already exists");
        assertThatThrownBy(() -> xen.createDomain(Hypervisor.DOMID_SELF))
                .hasMessageContaining("0x7ff0 and above are reserved");
        assertThatThrownBy(() -> xen.createDomain(9, 0)).hasMessage("nr_grant_entries: must be positive, got 0");
        Domain foreign = new Hypervisor().createDomain(3);
        assertThatThrownBy(() -> xen.grantCopyEngine(foreign)).hasMessageContaining("does not belong");
    }

    @Test
    void framesAreRealBytes() {
        Domain d = new Hypervisor().createDomain(1);
        assertThat(d.allocateFrame()).isZero();
        for (int i = 1; i < 20; i++) {
            assertThat(d.allocateFrame()).isEqualTo(i);
        }
        assertThat(d.frameCount()).isEqualTo(20);
        d.write(19, 4090, new byte[] {1, 2, 3, 4, 5, 6}, 0, 6);
        byte[] back = new byte[6];
        d.read(19, 4090, back, 0, 6);
        assertThat(back).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(d.readFrame(19)[4095]).isEqualTo((byte) 6);
        assertThat(d.hasFrame(20)).isFalse();
        assertThatThrownBy(() -> d.readFrame(20)).hasMessage("domain 1: no frame 0x14 (frames 0 .. 19)");
        assertThatThrownBy(() -> d.write(0, 4095, new byte[2], 0, 2))
                .hasMessage("domain 1: range offset 4095 + length 2 leaves the 4096-byte frame");
        assertThat(d.toString()).isEqualTo("Domain[domid=1, frames=20]");
    }

    @Test
    void grantAndRevoke() {
        GrantTable t = new Hypervisor().createDomain(2, 4).grantTable();
        assertThat(t.ownerDomid()).isEqualTo(2);
        int a = t.grantAccess(0, 10, false);
        int b = t.grantAccess(7, 0xFFFF_FFFFL, true);
        assertThat(a).isZero();
        assertThat(b).isEqualTo(1);
        assertThat(t.flags(a)).isEqualTo(GrantTable.GTF_PERMIT_ACCESS);
        assertThat(t.flags(b)).isEqualTo(GrantTable.GTF_PERMIT_ACCESS | GrantTable.GTF_READONLY);
        assertThat(t.domid(b)).isEqualTo(7);
        assertThat(t.frame(b)).isEqualTo(0xFFFF_FFFFL);
        assertThat(t.grantsInUse()).isEqualTo(2);
        t.endAccess(a);
        assertThat(t.flags(a)).isEqualTo(GrantTable.GTF_INVALID);
        assertThat(t.grantAccess(1, 1, false)).as("last freed first").isEqualTo(a);
        t.grantAccess(1, 2, false);
        t.grantAccess(1, 3, false);
        assertThatThrownBy(() -> t.grantAccess(1, 4, false))
                .hasMessage("gnttab_grant_foreign_access: grant table of domain 2 is full (nr_grant_entries 4)");
        t.endAccess(3);
        assertThatThrownBy(() -> t.endAccess(3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "gnttab_end_foreign_access: gref 3 of domain 2 is not granted (never granted or already ended)");
        assertThatThrownBy(() -> t.endAccess(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gnttab_end_foreign_access: gref 4 outside the table of domain 2 (nr_grant_entries 4)");
        assertThatThrownBy(() -> t.grantAccess(0x10000, 1, false)).hasMessage("domid_t: 65536 does not fit u16");
        assertThatThrownBy(() -> t.grantAccess(0, 1L << 32, false)).hasMessageContaining("does not fit u32");
        t.writeEntry(3, GrantTable.GTF_TRANSITIVE, 9, 77);
        assertThat(t.flags(3)).isEqualTo(3);
        assertThat(t.domid(3)).isEqualTo(9);
        assertThat(t.frame(3)).isEqualTo(77);
    }
}
