#!/usr/bin/env bash
# One command for the Windows x64 platform package, on Linux:
#
#   bash packages/native-rs/scripts/windows/build.sh     # or: pnpm --filter @sounddevice/native build:windows
#
# fills packages/native-rs/npm/win32-x64-msvc/ with the cross-built addon
# (sounddevice.win32-x64-msvc.node, build-addon.sh) and PortAudio built from
# Debian's source (libportaudio.dll + its license, build-portaudio.sh). As
# root on Debian/Ubuntu it installs mingw-w64 and CMake itself; downloads and
# builds are cached in the clone's .cache/windows/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/build-portaudio.sh"
bash "$here/build-addon.sh"
