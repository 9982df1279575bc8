"""Check that PNG files are real, non-blank pictures (smoke tests of the frozen app).

Usage: python installer/dist_pngcheck.py FILE.png [MIN_WIDTH MIN_HEIGHT]

Decodes the PNG with the standard library only (8-bit RGB/RGBA, non-interlaced, as Qt writes
them) and requires at least 16 distinct colours: a blank or single-colour window fails.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def decode(data: bytes) -> tuple[int, int, int, list[bytes]]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour})")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            up_left = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + left) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + up) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif ftype == 4:
                line[i] = (line[i] + _paeth(left, up, up_left)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0])
    min_w, min_h = (int(args[1]), int(args[2])) if len(args) == 3 else (100, 100)
    width, height, bpp, rows = decode(path.read_bytes())
    colours = {row[i : i + bpp] for row in rows[::4] for i in range(0, len(row), bpp * 4)}
    ok = width >= min_w and height >= min_h and len(colours) >= 16
    print(f"{'ok  ' if ok else 'FAIL'} {path}: {width}x{height}, {len(colours)} colours sampled")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
