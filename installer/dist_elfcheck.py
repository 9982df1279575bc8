"""Check a Linux one-folder build: glibc floor, system libraries needed, trimming.

Usage: python installer/dist_elfcheck.py BUNDLE_DIR

- reads every ELF file's NEEDED entries and versioned symbol requirements (readelf);
- prints the highest GLIBC_ and GLIBCXX_ versions required (the distribution floor);
- fails if a library needed is neither in the bundle nor in installer/linux-system-libs.txt;
- fails if the bundle contains what the spec trims away (QML/Quick/Wayland/PDF Qt libraries,
  platform or image plugins outside the allow-list, tkinter, test packages).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALLOWED_PLUGINS = {
    "platforms": {"libqxcb.so", "libqoffscreen.so", "libqminimal.so"},
    "imageformats": {"libqsvg.so", "libqico.so", "libqjpeg.so"},
    "iconengines": {"libqsvgicon.so"},
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin.so"},
}
FORBIDDEN = re.compile(
    r"(libQt6(Qml|Quick|Wayland|Pdf|VirtualKeyboard|EglFS|WebEngine|Network)\w*\.so|"
    r"/tkinter/|_tkinter|/unittest/|/pytest|/hypothesis/|libtk|libtcl)"
)


def system_libs() -> dict[str, str]:
    libs = {}
    for line in (HERE / "linux-system-libs.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            soname, package = line.split()
            libs[soname] = package
    return libs


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    bundle = Path(args[0])
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    bundled = {p.name for p in bundle.rglob("*")}
    system = system_libs()
    needed_from_system: dict[str, set[str]] = {}
    missing: dict[str, set[str]] = {}
    floor: dict[str, tuple[str, str]] = {}
    for path in files:
        out = subprocess.run(
            ["readelf", "-d", "-V", "-W", str(path)], capture_output=True, text=True
        ).stdout
        rel = str(path.relative_to(bundle))
        for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out):
            if lib in bundled:
                continue
            (needed_from_system if lib in system else missing).setdefault(lib, set()).add(rel)
        for family, version in re.findall(r"Name: (GLIBCXX|GLIBC)_([0-9.]+)", out):
            best = floor.get(family)
            if best is None or _version_key(version) > _version_key(best[0]):
                floor[family] = (version, rel)
    errors = []
    for lib, users in sorted(missing.items()):
        errors.append(
            f"needs {lib} (not bundled, not in linux-system-libs.txt): {sorted(users)[:3]}"
        )
    for path in bundle.rglob("*"):
        rel = "/" + path.relative_to(bundle).as_posix()
        if FORBIDDEN.search(rel):
            errors.append(f"should have been trimmed: {rel}")
        parts = path.parts
        if "plugins" in parts and path.is_file():
            kind = parts[parts.index("plugins") + 1]
            if path.name not in ALLOWED_PLUGINS.get(kind, set()):
                errors.append(f"Qt plugin outside the allow-list: {rel}")
    print(f"ELF files: {len(files)}")
    for family in ("GLIBC", "GLIBCXX"):
        if family in floor:
            version, rel = floor[family]
            print(f"highest {family} version required: {version} (by {rel})")
    packages = sorted({system[lib] for lib in needed_from_system})
    print(f"system libraries used: {' '.join(sorted(needed_from_system))}")
    print(f"Debian/Ubuntu packages: {' '.join(packages)}")
    for error in errors:
        print(f"FAIL {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
