#!/usr/bin/env python3
"""Writes the tiny test captures read by CaptureReaderTest, independently of netback-rx's code.

Five Ethernet frames of 54, 590, 1514, 9014 and 66 bytes; byte i of a frame of length L is
(7 * i + L) mod 256; the first is stamped 2010-01-01T00:00:00.000001Z, each next one 1 ms later.
Run it from this folder: python3 make_captures.py
"""
import struct

SIZES = [54, 590, 1514, 9014, 66]
T0_SEC, T0_USEC = 1262304000, 1


def frame(n):
    return bytes((7 * i + n) % 256 for i in range(n))


def pcap(endian, nanos):
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 65535, 1)
    for k, n in enumerate(SIZES):
        usec = T0_USEC + 1000 * k
        frac = usec * 1000 if nanos else usec
        out += struct.pack(endian + "IIII", T0_SEC, frac, n, n) + frame(n)
    return out


def block(endian, kind, body):
    total = 12 + len(body)
    return struct.pack(endian + "II", kind, total) + body + struct.pack(endian + "I", total)


def pad(b):
    return b + bytes((-len(b)) % 4)


def pcapng(endian):
    out = block(endian, 0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(endian, 1, struct.pack(endian + "HHI", 1, 0, 0))
    out += block(endian, 0x40000BAD, bytes(8))  # a block type readers do not know: skipped
    for k, n in enumerate(SIZES):
        ts = T0_SEC * 1000000 + T0_USEC + 1000 * k
        body = struct.pack(endian + "IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, n, n) + pad(frame(n))
        out += block(endian, 6, body)
    return out


with open("tiny-le-usec.pcap", "wb") as f:
    f.write(pcap("<", False))
with open("tiny-be-nsec.pcap", "wb") as f:
    f.write(pcap(">", True))
with open("tiny.pcapng", "wb") as f:
    f.write(pcapng("<"))
