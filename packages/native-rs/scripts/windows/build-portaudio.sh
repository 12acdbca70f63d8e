#!/usr/bin/env bash
# Builds PortAudio for Windows x64 from Debian bookworm's portaudio19 source
# package (19.6.0 + Debian's patches, the same PortAudio the Linux tests use)
# with CMake and mingw-w64, into npm/win32-x64-msvc/libportaudio.dll: the DLL
# the Windows platform package ships next to the addon.
#
# Host APIs: MME, DirectSound, WASAPI and WDM-KS. PortAudio 19.6's CMake file
# builds only MME and WDM-KS with MinGW; portaudio-mingw.patch (ours) turns on
# WASAPI with mingw-w64's own headers (as PortAudio 19.7 does), targets
# Windows 7 instead of XP so those headers declare WASAPI, and defines
# COBJMACROS in the DirectSound host API; mingw-w64 provides dsound.h (no
# DirectX SDK needed: PortAudio loads dsound.dll at run time). ASIO is not built (Steinberg's SDK
# is not redistributable source). The DLL imports only system DLLs (libgcc is
# linked statically).
set -euo pipefail
. "$(dirname "$0")/env.sh"
here="$(cd "$(dirname "$0")" && pwd)"

win_need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
win_need cmake cmake
win_need make make

stamp="$(cat "$0" "$here/portaudio-mingw.patch" "$here/mingw-w64-x86_64.cmake" | sha256sum | cut -c1-16)"
out="$WIN_CACHE/portaudio-$WIN_PA_VERSION-$WIN_PA_DEBIAN_REVISION-$stamp"
if [ ! -f "$out/$WIN_PA_DLL" ]; then
  src="$WIN_CACHE/portaudio-src"
  mkdir -p "$src"
  fetch() { # fetch <file> <sha256>
    if [ ! -f "$src/$1" ] || ! echo "$2  $src/$1" | sha256sum -c --quiet 2>/dev/null; then
      win_log "fetching $1 (Debian source package portaudio19)"
      curl -fsSL --retry 3 -o "$src/$1.part" "$WIN_PA_POOL/$1"
      echo "$2  $src/$1.part" | sha256sum -c --quiet
      mv "$src/$1.part" "$src/$1"
    fi
  }
  fetch "portaudio19_$WIN_PA_VERSION-$WIN_PA_DEBIAN_REVISION.dsc" "$WIN_PA_DSC_SHA256"
  fetch "portaudio19_$WIN_PA_VERSION.orig.tar.gz" "$WIN_PA_ORIG_SHA256"
  fetch "portaudio19_$WIN_PA_VERSION-$WIN_PA_DEBIAN_REVISION.debian.tar.xz" "$WIN_PA_DEBIAN_SHA256"

  work="$WIN_CACHE/portaudio-work"
  rm -rf "$work" && mkdir -p "$work"
  tar -xzf "$src/portaudio19_$WIN_PA_VERSION.orig.tar.gz" -C "$work"
  tar -xJf "$src/portaudio19_$WIN_PA_VERSION-$WIN_PA_DEBIAN_REVISION.debian.tar.xz" -C "$work/portaudio"
  # Debian's patches (debian/patches/series), then ours.
  while read -r p; do
    [ -n "$p" ] && [ "${p#\#}" = "$p" ] || continue
    patch -s -d "$work/portaudio" -p1 <"$work/portaudio/debian/patches/$p"
  done <"$work/portaudio/debian/patches/series"
  patch -s -d "$work/portaudio" -p1 <"$here/portaudio-mingw.patch"

  win_log "building PortAudio $WIN_PA_VERSION (MME, DirectSound, WASAPI, WDM-KS) with mingw-w64"
  cmake -S "$work/portaudio" -B "$work/build" -DCMAKE_TOOLCHAIN_FILE="$here/mingw-w64-x86_64.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DPA_USE_WMME=ON -DPA_USE_DS=ON -DPA_USE_WASAPI=ON -DPA_USE_WDMKS=ON \
    -DPA_USE_ASIO=OFF -DDXSDK_INCLUDE_DIR=/usr/x86_64-w64-mingw32/include \
    -DCMAKE_SHARED_LINKER_FLAGS="-static-libgcc -s" >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log" >&2; exit 1; }
  make -C "$work/build" -j"$(nproc)" portaudio >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
  dll="$work/build/$WIN_PA_DLL"
  exports="$(x86_64-w64-mingw32-objdump -p "$dll")"
  for sym in Pa_Initialize PaWasapi_GetDeviceDefaultFormat; do
    grep -q "$sym" <<<"$exports" || { win_log "$WIN_PA_DLL lacks $sym"; exit 1; }
  done
  # The host APIs compiled in, read back from the objects (PaWinDs_, PaWinMme_, PaWinWdm_, PaWasapi_ initializers).
  symbols="$(find "$work/build/CMakeFiles/portaudio.dir" -name '*.obj' -exec x86_64-w64-mingw32-nm {} + 2>/dev/null)"
  for init in PaWinMme_Initialize PaWinDs_Initialize PaWasapi_Initialize PaWinWdm_Initialize; do
    grep -q " T $init$" <<<"$symbols" ||
      { win_log "host API missing from the build: $init"; exit 1; }
  done
  rm -rf "$out.partial" && mkdir -p "$out.partial"
  cp "$dll" "$out.partial/"
  cp "$work/portaudio/LICENSE.txt" "$out.partial/PORTAUDIO-LICENSE.txt"
  rm -rf "$out" && mv "$out.partial" "$out"
  rm -rf "$work"
fi
for f in "$WIN_PA_DLL" PORTAUDIO-LICENSE.txt; do
  cp "$out/$f" "$WIN_PLATFORM_DIR/.$f.$$" && mv "$WIN_PLATFORM_DIR/.$f.$$" "$WIN_PLATFORM_DIR/$f"
done
imports="$(x86_64-w64-mingw32-objdump -p "$WIN_PLATFORM_DIR/$WIN_PA_DLL" | sed -n 's/^\s*DLL Name: //p' | tr '\n' ' ')"
win_log "$WIN_PA_DLL -> npm/win32-x64-msvc/ (imports: $imports)"
