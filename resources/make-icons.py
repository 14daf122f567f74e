#!/usr/bin/env python3
"""Draws the IPCSocket icon (two endpoints joined by a socket) as PNG files.

Run from this folder: python3 make-icons.py. Only the standard library.
The macOS application icon is made from two of them with Debian's icnsutils:
png2icns ipcsocket.icns ipcsocket-128.png ipcsocket-32.png"""
import math
import struct
import zlib


def png(path, size):
    px = [[(0, 0, 0, 0.0)] * size for _ in range(size)]
    scale = size / 64.0

    def blend(x, y, colour, alpha):
        r, g, b, a = px[y][x]
        out = alpha + a * (1 - alpha)
        if out == 0:
            return
        mixed = [(colour[i] * alpha + (r, g, b)[i] * a * (1 - alpha)) / out for i in range(3)]
        px[y][x] = (int(mixed[0]), int(mixed[1]), int(mixed[2]), out)

    def rounded_rect(x0, y0, x1, y1, radius, colour):
        for y in range(size):
            for x in range(size):
                cx, cy = (x + 0.5) / scale, (y + 0.5) / scale
                dx = max(x0 + radius - cx, 0, cx - (x1 - radius))
                dy = max(y0 + radius - cy, 0, cy - (y1 - radius))
                distance = math.hypot(dx, dy) - radius
                alpha = min(1, max(0, 0.5 - distance * scale))
                if alpha > 0:
                    blend(x, y, colour, alpha)

    blue, teal, dark, white = (33, 118, 199), (0, 150, 136), (40, 50, 60), (255, 255, 255)
    rounded_rect(4, 14, 26, 50, 5, blue)
    rounded_rect(38, 14, 60, 50, 5, teal)
    rounded_rect(24, 29, 40, 35, 2, dark)
    for x0, x1 in ((10, 20), (44, 54)):
        rounded_rect(x0, 22, x1, 26, 1.5, white)
        rounded_rect(x0, 30, x1, 34, 1.5, white)
        rounded_rect(x0, 38, x1 - 3, 42, 1.5, white)

    raw = b"".join(b"\0" + b"".join(bytes((r, g, b, int(a * 255))) for r, g, b, a in row)
                   for row in px)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    for n in (32, 64, 128):
        png(f"ipcsocket-{n}.png", n)
