#!/usr/bin/env bash
# macOS x64 and arm64: compile and link the addon here (cargo-zigbuild, see
# packages/native-rs/scripts/zigbuild.sh) and check what came out: a Mach-O
# bundle of the right CPU that exports napi_register_module_v1 and leaves the
# N-API symbols to the host (node), with no PortAudio linked in (it is loaded
# at run time). Nothing here can run it.
#
#   bash scripts/platforms/build-macos.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# (The `link-check` profile: release code without LTO, several times faster to build.)
SOUNDDEVICE_ZIGBUILD_PROFILE="${SOUNDDEVICE_ZIGBUILD_PROFILE:-link-check}" \
  bash packages/native-rs/scripts/zigbuild.sh x86_64-apple-darwin aarch64-apple-darwin
for pair in darwin-x64:x86_64 darwin-arm64:arm64; do
  platform="${pair%%:*}" arch="${pair##*:}"
  f="packages/native-rs/target/zigbuild/sounddevice.$platform.node"
  desc="$(file -b "$f")"
  echo "macos: $f: $desc" >&2
  case "$desc" in *Mach-O*64-bit*"$arch"*) ;; *) echo "macos: $f is not a $arch Mach-O" >&2; exit 1 ;; esac
  # the addon's entry point is there, napi_* are left undefined (resolved in node at load)
  grep -aq napi_register_module_v1 "$f" || { echo "macos: $f: no napi_register_module_v1" >&2; exit 1; }
  grep -aq napi_create_function "$f" || { echo "macos: $f: no napi_* imports" >&2; exit 1; }
  if grep -aq 'libportaudio.*dylib' "$f" && ! grep -aq '/opt/local/lib/libportaudio.2.dylib' "$f"; then
    echo "macos: $f does not carry the MacPorts lookup path" >&2; exit 1
  fi
done
echo "macos: darwin-x64 and darwin-arm64 compiled and linked" >&2
