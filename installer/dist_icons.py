"""Render the application icon (installer/icons/stopcamb-desk.svg) to PNG sizes and a .ico.

Qt renders the SVG offscreen (QtSvg is part of PySide6-Essentials); the .ico stores PNG images
(supported by Windows since Vista), so no image library is needed.

Usage: python installer/dist_icons.py OUT_DIR
Writes OUT_DIR/stopcamb-desk-<size>.png for 16…256, OUT_DIR/stopcamb-desk.png (256) and
OUT_DIR/stopcamb-desk.ico.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parent / "icons" / "stopcamb-desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR + ICONDIRENTRY table + PNG payloads (the 'PNG in ICO' layout)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        png = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO format
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(payload))
        payload += png
    return header + entries + payload


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    pngs = {size: render_png(size) for size in SIZES}
    for size, png in pngs.items():
        (out / f"stopcamb-desk-{size}.png").write_bytes(png)
    (out / "stopcamb-desk.png").write_bytes(pngs[256])
    (out / "stopcamb-desk.ico").write_bytes(build_ico({s: pngs[s] for s in (16, 32, 48, 256)}))
    del app
    print(f"icons: {out} ({', '.join(str(s) for s in SIZES)} px + .ico)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
