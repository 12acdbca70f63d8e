#!/usr/bin/env bash
# Cross-builds the addon for Windows x64 on Linux (Rust target
# x86_64-pc-windows-gnu, mingw-w64 linker) into
# npm/win32-x64-msvc/sounddevice.win32-x64-msvc.node. The binary imports only
# system DLLs and node.exe (N-API), so it loads in Node's official (MSVC) build.
#
# napi-build links `-lnode` on windows-gnu and needs LIBNODE_PATH to name a
# folder with `libnode.dll`: an import library is made here from node.exe's
# export table that binds those symbols to `node.exe`.
set -euo pipefail
. "$(dirname "$0")/env.sh"

win_need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
command -v cargo >/dev/null 2>&1 || export PATH="$HOME/.cargo/bin:$PATH"
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$WIN_TARGET"; then
  win_log "rustup target add $WIN_TARGET"
  rustup target add "$WIN_TARGET" >/dev/null 2>&1
fi
win_node

# Import library binding node.exe's exports (N-API, libuv), once per Node version.
libnode="$WIN_CACHE/libnode-$WIN_NODE_VERSION"
if [ ! -f "$libnode/libnode.dll.a" ]; then
  win_log "import library for node.exe $WIN_NODE_VERSION"
  rm -rf "$libnode.partial" && mkdir -p "$libnode.partial"
  {
    echo "LIBRARY node.exe"
    echo "EXPORTS"
    x86_64-w64-mingw32-objdump -p "$WIN_NODE_DIR/bin/node.exe" |
      sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
      sed -n 's/^\s*\[\s*[0-9]*\] \(.*\)$/\1/p'
  } >"$libnode.partial/node.def"
  n="$(grep -c '^napi_' "$libnode.partial/node.def" || true)"
  [ "$n" -gt 100 ] || { win_log "only $n napi_ exports found in node.exe"; exit 1; }
  x86_64-w64-mingw32-dlltool -d "$libnode.partial/node.def" -l "$libnode.partial/libnode.dll.a" -D node.exe
  : >"$libnode.partial/libnode.dll" # napi-build checks the name; ld takes libnode.dll.a first
  rm -rf "$libnode" && mv "$libnode.partial" "$libnode"
fi

win_log "cargo build --release --target $WIN_TARGET"
cd "$WIN_NATIVE"
LIBNODE_PATH="$libnode" \
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
  cargo build --release --target "$WIN_TARGET" --quiet
built="$WIN_NATIVE/target/$WIN_TARGET/release/sounddevice_native.dll"
tmp="$WIN_PLATFORM_DIR/.$WIN_ADDON_NAME.$$"
cp "$built" "$tmp" && mv "$tmp" "$WIN_PLATFORM_DIR/$WIN_ADDON_NAME"
imports="$(x86_64-w64-mingw32-objdump -p "$WIN_PLATFORM_DIR/$WIN_ADDON_NAME" | sed -n 's/^\s*DLL Name: //p' | tr '\n' ' ')"
win_log "$WIN_ADDON_NAME -> npm/win32-x64-msvc/ (imports: $imports)"
