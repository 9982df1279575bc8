#!/usr/bin/env bash
# `make dist-check`: smoke tests of what `make dist` built (run `make dist` first).
#  1. the bundle: glibc floor, system libraries needed, trimming (installer/dist_elfcheck.py)
#  2. the AppImage through --appimage-extract-and-run (no FUSE needed):
#     --version; the bundle self-test (STOPCAMB_SELFTEST) and `screenshot --view composer`,
#     offscreen and under Xvfb with the xcb platform; each PNG must be a non-blank picture
#  3. the test MSI: msiinfo tables (files, shortcut, icon, upgrade code) and msiextract content
#  4. sizes (bundle, AppImage, MSI; goal AppImage < 60 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
VERSION="$("$PY" -c 'from stopcamb_desk import __version__; print(__version__)')"
BUNDLE=dist/stopcamb-desk
APPIMAGE="$(readlink -f "dist/stopcamb-desk-$VERSION-x86_64.AppImage")"
MSI="dist/stopcamb-desk-$VERSION-linux-test.msi"
UPGRADE_CODE="$(grep -o 'UpgradeCode="[^"]*"' installer/wix/stopcamb-desk.wxs | cut -d'"' -f2)"
OUT=build/dist-check
failures=0

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
for f in "$BUNDLE/stopcamb-desk" "$APPIMAGE" "$MSI"; do
  [[ -e "$f" ]] || { echo "missing $f: run 'make dist' first"; exit 2; }
done
command -v xvfb-run >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth >/dev/null
}
rm -rf "$OUT" && mkdir -p "$OUT"
# Never touch the real user's settings or database.
export STOPCAMB_CONFIG="$PWD/$OUT/home/settings.toml" STOPCAMB_DATA_DIR="$PWD/$OUT/home/data"
unset STOPCAMB_DATABASE_URL STOPCAMB_FCM_CREDENTIALS STOPCAMB_FCM_ENDPOINT
export QT_QPA_PLATFORM=offscreen

step "bundle: glibc floor, system libraries, trimming"
"$PY" installer/dist_elfcheck.py "$BUNDLE" || fail "dist_elfcheck"

step "AppImage --appimage-extract-and-run --version"
got="$("$APPIMAGE" --appimage-extract-and-run --version 2>&1)" || fail "--version exit code"
echo "$got"
[[ "$got" == "stopcamb-desk $VERSION" ]] || fail "--version printed '$got'"

run_platform() {  # $1 = offscreen|xcb, then the command prefix
  local platform=$1; shift
  step "AppImage self-test, platform $platform"
  if STOPCAMB_SELFTEST="$PWD/$OUT/selftest-$platform.png" QT_QPA_PLATFORM=$platform \
      "$@" "$APPIMAGE" --appimage-extract-and-run > "$OUT/selftest-$platform.log" 2>&1; then
    cat "$OUT/selftest-$platform.log"
    grep -q "platform $platform," "$OUT/selftest-$platform.log" || fail "self-test did not use $platform"
    "$PY" installer/dist_pngcheck.py "$OUT/selftest-$platform.png" 400 150 || fail "self-test PNG ($platform)"
  else
    cat "$OUT/selftest-$platform.log"; fail "self-test ($platform)"
  fi
  step "AppImage screenshot --view composer, platform $platform"
  if QT_QPA_PLATFORM=$platform "$@" "$APPIMAGE" --appimage-extract-and-run screenshot \
      --view composer --size 1280x800 --text "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos précautions et soyez vigilants, faites passer l'info !" \
      --out "$PWD/$OUT/composer-$platform.png" > "$OUT/screenshot-$platform.log" 2>&1; then
    "$PY" installer/dist_pngcheck.py "$OUT/composer-$platform.png" 1280 800 || fail "composer PNG ($platform)"
  else
    cat "$OUT/screenshot-$platform.log"; fail "screenshot ($platform)"
  fi
}
run_platform offscreen env
run_platform xcb xvfb-run -a -s "-screen 0 1280x1024x24"

step "MSI tables ($MSI)"
msiinfo export "$MSI" Property > "$OUT/msi-property.txt"
msiinfo export "$MSI" Upgrade > "$OUT/msi-upgrade.txt"
msiinfo export "$MSI" Shortcut > "$OUT/msi-shortcut.txt"
msiinfo export "$MSI" File > "$OUT/msi-file.txt"
(cd "$OUT" && msiinfo export "$(realpath "$OLDPWD/$MSI" 2>/dev/null || echo "$MSI")" Icon > msi-icon.txt 2>/dev/null) || true  # binary streams land in ./Icon/
msiinfo export "$MSI" Directory > "$OUT/msi-directory.txt"
grep -q "^UpgradeCode	{$UPGRADE_CODE}" "$OUT/msi-property.txt" || fail "UpgradeCode property"
grep -q "^{$UPGRADE_CODE}" "$OUT/msi-upgrade.txt" || fail "Upgrade table (major upgrade)"
grep -q "^ProductVersion	$VERSION" "$OUT/msi-property.txt" || fail "ProductVersion"
grep -q "^ALLUSERS	1" "$OUT/msi-property.txt" || fail "per-machine (ALLUSERS=1)"
grep -q "^INSTALLDIR	ProgramFiles64Folder	stopcamb-desk" "$OUT/msi-directory.txt" || fail "INSTALLDIR in ProgramFiles64Folder"
grep -q "ProgramMenuFolder	.*\[INSTALLDIR\]stopcamb-desk	.*AppIcon.ico" "$OUT/msi-shortcut.txt" || fail "Start-menu shortcut with icon"
grep -q "^AppIcon.ico" "$OUT/msi-icon.txt" || fail "icon stream"
grep -P "^ProductVersion|^UpgradeCode|^ALLUSERS" "$OUT/msi-property.txt"
cut -f1-5 "$OUT/msi-shortcut.txt" | tail -1

step "MSI content (msiextract)"
msiextract -C "$OUT/msi" "$MSI" > "$OUT/msi-files.txt"
msi_count=$(wc -l < "$OUT/msi-files.txt")
bundle_count=$(find "$BUNDLE" -type f -o -type l | wc -l)
echo "files: MSI $msi_count, bundle $bundle_count"
[[ "$msi_count" -eq "$bundle_count" ]] || fail "MSI has $msi_count files, bundle $bundle_count"
root="$OUT/msi/stopcamb-desk"  # msiextract names INSTALLDIR only
for rel in stopcamb-desk _internal/stopcamb_desk/models/migrations/env.py \
           _internal/stopcamb_desk/resources/departements.json \
           _internal/PySide6/Qt/plugins/platforms/libqxcb.so; do
  [[ -f "$root/$rel" ]] || fail "MSI lacks $rel"
done
ls "$root/_internal/stopcamb_desk/models/migrations/versions/" || fail "MSI lacks the migration scripts"
cmp -s "$root/stopcamb-desk" "$BUNDLE/stopcamb-desk" || fail "MSI executable differs from the bundle"

step "sizes"
size_mb() { du -sb "$1" | awk '{printf "%.1f", $1 / 1e6}'; }
bundle_mb=$(size_mb "$BUNDLE"); appimage_mb=$(size_mb "$APPIMAGE"); msi_mb=$(size_mb "$MSI")
echo "bundle   $bundle_mb MB ($BUNDLE)"
echo "AppImage $appimage_mb MB ($(basename "$APPIMAGE"); goal < 60 MB)"
echo "MSI      $msi_mb MB ($(basename "$MSI"), Linux test build)"

echo
if ((failures)); then echo "dist-check: $failures failure(s)"; exit 1; fi
echo "dist-check: all passed"
