#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the byte-program fuzz targets (RxRingFuzzTest,
GrantCopyFuzzTest). Each program is documented on the target's fuzz method. Run from the
repository root: python3 src/test/fuzz/make_seeds.py"""
import os
import struct

RES = "src/test/resources/io/github/netbackrx"


def u8(*v):
    return bytes(x & 0xFF for x in v)


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def i32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def write(path, name, data):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)


# ---- RxRingFuzzTest.ring: start index, then opcodes 0..10 -------------------------------------
ring = RES + "/core/RxRingFuzzTestInputs/ring"


def post(n):
    return u8(4, n) + b"".join(u16(k) + i32(0x100 + k) for k in range(n))


def round_trip(start, n):
    return i32(start) + post(n) + u8(6, 255) + u8(7, 255) + u16(0x10) + u8(8) + i32(start + n + 1) + i32(start + 1)


write(ring, "well-behaved", round_trip(0, 10))
write(ring, "wraps-at-2-pow-32", round_trip(0xFFFFFFF8, 20) + round_trip(0, 0)[4:])
write(ring, "full-ring", i32(0) + post(255) + u8(6, 255) + u8(7, 255) + u16(0) + post(255))
write(ring, "req-prod-overflow", i32(0) + u8(2) + i32(0x101) + u8(6, 255) + u8(7, 1) + u16(0))
write(ring, "req-prod-behind", i32(1000) + post(4) + u8(6, 255) + u8(3) + u16(-5) + u8(6, 255) + u8(7, 255) + u16(0))
write(ring, "hostile-back-end", i32(0) + u8(9, 1) + i32(0x200) + u8(9, 0) + u16(5) + u8(9, 0) + u16(-3))
write(ring, "raw-pokes", i32(0) + u8(1) + u16(0) + i32(300) + u8(0) + u16(64) + u8(0xFF) + u8(5) + i32(-1) + u16(7) + i32(9)
      + u8(10) + i32(0x7FFFFFFF) + u8(6, 255))

# ---- GrantCopyFuzzTest.copy: per step a domain (0..2), then opcodes 0..5 ----------------------
copy = RES + "/xen/GrantCopyFuzzTestInputs/copy"
SELF = 4  # domid pick for DOMID_SELF


def grant(dom, grantee, frame, readonly):
    return u8(dom, 0, grantee, frame, readonly)


def revoke(dom, gref):
    return u8(dom, 1, gref)


def raw_entry(dom, gref, flags, grantee, frame):
    return u8(dom, 2, gref, 0, flags, grantee, 0, frame)


def op(src_gref, src_ref, src_dom, src_off, dst_gref, dst_ref, dst_dom, dst_off, length):
    return (u8(src_gref, 0, src_ref, src_dom) + u8(1) + u16(src_off) + u8(dst_gref, 0, dst_ref, dst_dom)
            + u8(1) + u16(dst_off) + u8(1) + u16(length))


def batch(*ops):
    return u8(0, 3, 0, len(ops) - 1) + b"".join(ops)


write(copy, "grant-then-copy", grant(1, 0, 1, 0) + batch(op(0, 0, SELF, 0, 1, 0, 1, 100, 1000)))
write(copy, "copy-in", grant(2, 0, 2, 1) + batch(op(1, 0, 2, 4000, 0, 1, SELF, 0, 96), op(1, 0, 2, 4000, 0, 1, SELF, 0, 97)))
write(copy, "readonly-and-revoked", grant(1, 0, 0, 1) + batch(op(0, 0, SELF, 0, 1, 0, 1, 0, 10)) + revoke(1, 0)
      + batch(op(1, 0, 1, 0, 0, 2, SELF, 0, 10)) + revoke(1, 0))
write(copy, "wrong-grantee-bad-page", grant(1, 2, 0, 0) + grant(2, 0, 7, 0)
      + batch(op(0, 0, SELF, 0, 1, 0, 1, 0, 10), op(0, 0, SELF, 0, 1, 0, 2, 0, 10), op(0, 0, 1, 0, 0, 0, SELF, 0, 1)))
write(copy, "raw-entry", raw_entry(2, 3, 1, 0, 2) + batch(op(0, 1, SELF, 10, 1, 3, 2, 20, 30))
      + raw_entry(2, 3, 5, 0, 2) + batch(op(0, 1, SELF, 10, 1, 3, 2, 20, 30)))
write(copy, "zero-length-and-overlap", batch(op(0, 0, SELF, 0, 0, 0, SELF, 10, 100), op(0, 0, 3, 0, 0, 0, SELF, 0, 0),
                                             op(0, 0, SELF, 4000, 0, 1, SELF, 0, 200)))
encoded = bytearray(40)
struct.pack_into("<QHH", encoded, 0, 1, 0x7FF0, 8)   # source: gmfn 1 of DOMID_SELF, offset 8
struct.pack_into("<QHH", encoded, 16, 0, 1, 0)       # dest: gref 0 of domain 1
struct.pack_into("<HHh", encoded, 32, 64, 2, 0)      # len 64, GNTCOPY_dest_gref
write(copy, "encoded", grant(1, 0, 1, 0) + u8(0, 4, 1, 0) + bytes(encoded))

# ---- VifFuzzTest.engine: start flag (+ index), policy, then per step an opcode 0..8 ---------------
vif = RES + "/netback/VifFuzzTestInputs/engine"


def v_grant(frame, readonly=False):
    return u8(0, 1, frame, 0 if readonly else 1)


def v_post(ids_grefs):
    out = u8(3, len(ids_grefs))
    for gid, gidx in ids_grefs:
        out += u8(1, gidx) + u16(gid)
    return out + u8(1)  # notify even when the rule says no


def v_packet(head_off, head_len, frags=(), gso=None, csum=0):
    out = u8(5, len(frags)) + u16(head_off) + u8(0) + u16(head_len)
    for off, length, foreign in frags:
        out += u16(off) + u16(length - 1) + u8(0 if foreign else 1)
    out += u8({None: 2, 4: 0, 6: 1}[gso[1] if gso else None])
    if gso:
        out += u16(gso[0] - 1)
    return out + u8(csum)


RXACTION = u8(6)
grants8 = b"".join(v_grant(f) for f in range(24))
posts8 = v_post([(100 + k, k) for k in range(24)])
write(vif, "well-behaved", u8(0, 0) + grants8 + posts8 + v_packet(64, 1514) + v_packet(0, 54, [(0, 100, False), (200, 100, True)])
      + RXACTION + v_packet(2, 66, [(0, 4096, False), (0, 1000, False)], gso=(1448, 4), csum=1) + RXACTION)
write(vif, "per-frag-wraps", u8(1) + i32(0xFFFFFFFC) + u8(1) + grants8 + posts8 + v_packet(0, 0, [(0, 300, False)])
      + v_packet(10, 200, [(0, 4096, False)]) + RXACTION + posts8 + RXACTION)
write(vif, "revoked-and-readonly", u8(0, 0) + v_grant(0, readonly=True) + v_grant(1) + v_post([(k, k % 2) for k in range(24)])
      + u8(1, 1) + v_packet(0, 1000) + v_packet(0, 500) + RXACTION + u8(8, 0) + RXACTION)
write(vif, "req-prod-overflow", u8(0, 0) + grants8 + posts8 + v_packet(0, 100) + u8(4, 1) + i32(0x1000) + RXACTION
      + v_packet(0, 100) + u8(7))
write(vif, "queue-stops", u8(0, 0) + grants8 + posts8 + b"".join(v_packet(0, 1500) for _ in range(6)) + u8(7)
      + RXACTION + u8(4, 0) + u16(-3) + RXACTION)
