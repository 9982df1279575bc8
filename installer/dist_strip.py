"""Strip debug symbols from the ELF files of a one-folder build, except wheel-repaired libraries.

Usage: python installer/dist_strip.py BUNDLE/_internal

auditwheel-repaired libraries (``<package>.libs/``) must not be stripped: their patched
program headers no longer load ("ELF load command address/offset not page-aligned").
Python extension modules and libraries shipped inside wheels are already stripped; what is left
is mostly the interpreter (libpython, lib-dynload) and the system libraries PyInstaller copied.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def is_elf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"\x7fELF"


def has_symtab(path: Path) -> bool:
    out = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True)
    return " .symtab " in out.stdout or " .debug_info " in out.stdout


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0])
    saved = 0
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or any(p.endswith(".libs") for p in path.parts):
            continue
        if not is_elf(path) or not has_symtab(path):
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    print(f"strip: {saved / 1e6:.1f} MB removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
