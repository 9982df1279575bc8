"""Render every screen of the desk at 1280×800 and 1366×768 into ``docs/screenshots/``.

Usage (from the repository root; ``make screenshots`` does the same)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [--out docs/screenshots]

Each view is rendered like ``stopcamb-desk screenshot --view KEY`` (a throw-away demo database,
the demo account suited to the view), plus the login window at its natural size, two views
as another role sees them (the OPP's map of France, a blocked alert in the composer), the lock
screen (Ctrl+L) and the notification banner (a colleague on another desk just sent for the 74).
The README's « Visite rapide » points to these files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SIZES = ((1280, 800), (1366, 768))
BLOCKED_TEXT = (
    "Attention : véhicule suspect en repérage rue des Lilas à Annecy, plaque AB-123-CD, "
    "individus louches"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from stopcamb_desk.ui.screenshot import render
    from stopcamb_desk.ui.views import VIEW_KEYS

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    written = [render("login", out / "login.png")]
    for width, height in SIZES:
        size = f"{width}x{height}"
        for key in VIEW_KEYS:
            written.append(render(key, out / f"{key}-{size}.png", (width, height)))
        written.append(
            render("carte", out / f"carte-opp34-{size}.png", (width, height), operator="opp34")
        )
        written.append(
            render("composer", out / f"composer-bloque-{size}.png", (width, height), BLOCKED_TEXT)
        )
        written.append(render("verrouillage", out / f"verrouillage-{size}.png", (width, height)))
        written.append(
            render("composer", out / f"notification-{size}.png", (width, height), notification=True)
        )
    for path in written:
        print(f"{path} ({path.stat().st_size // 1024} Ko)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
