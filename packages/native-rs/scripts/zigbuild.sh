#!/usr/bin/env bash
# Cross-builds the addon for other platforms on a Linux x64 machine with
# cargo-zigbuild (zig as the C toolchain and linker), both from PyPI in a venv.
#
#   bash packages/native-rs/scripts/zigbuild.sh aarch64-unknown-linux-gnu
#   bash packages/native-rs/scripts/zigbuild.sh x86_64-apple-darwin aarch64-apple-darwin
#   (or `pnpm --filter @sounddevice/native build:linux-arm64` / `build:darwin`)
#
# - aarch64-unknown-linux-gnu is linked against glibc 2.17 (zig's `.2.17`
#   target suffix), like the x64 binary, and lands in npm/linux-arm64-gnu/
#   (what gets published) and next to index.js.
# - the macOS targets are compiled and linked only (nothing here can run them;
#   PortAudio for macOS cannot be built here): the .node goes to
#   target/zigbuild/sounddevice.darwin-<arch>.node, not into a platform package.
#
# SOUNDDEVICE_ZIGBUILD_PROFILE picks the cargo profile (default `release`; the
# macOS link check uses `link-check`, see Cargo.toml).
#
# Needs: rustup (the targets are added), python3 with venv. Tools are cached in
# $SOUNDDEVICE_CACHE_DIR (default: <repo>/.cache): the venv with ziglang and
# cargo-zigbuild, and zig's own cache. Cargo's output is packages/native-rs/target.
set -euo pipefail
pkg="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
cache="${SOUNDDEVICE_CACHE_DIR:-$root/.cache}"
venv="$cache/zigbuild-venv"
ZIGLANG_VERSION=0.17.1
CARGO_ZIGBUILD_VERSION=0.24.1

[ $# -gt 0 ] || { echo "usage: $0 <rust target triple>..." >&2; exit 2; }
log() { echo "zigbuild: $*" >&2; }

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi

stamp="$venv/.versions"
want="ziglang==$ZIGLANG_VERSION cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "setting up $venv ($want, from PyPI)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check $want
  echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"
# zig's global cache inside our own folder, not ~/.cache
export ZIG_GLOBAL_CACHE_DIR="$cache/zig-cache" ZIG_LOCAL_CACHE_DIR="$cache/zig-cache"

installed_targets="$(rustup target list --installed)"
for triple in "$@"; do
  grep -qx "$triple" <<<"$installed_targets" || { log "rustup target add $triple"; rustup target add "$triple" >&2; }
done

profile="${SOUNDDEVICE_ZIGBUILD_PROFILE:-release}"
out="$pkg/target/zigbuild"
mkdir -p "$out"
for triple in "$@"; do
  case "$triple" in
    aarch64-unknown-linux-gnu) platform=linux-arm64-gnu; zigtarget="$triple.2.17"; lib=libsounddevice_native.so; publish=1 ;;
    x86_64-unknown-linux-gnu)  platform=linux-x64-gnu;   zigtarget="$triple.2.17"; lib=libsounddevice_native.so; publish=0 ;;
    x86_64-apple-darwin)       platform=darwin-x64;      zigtarget="$triple";      lib=libsounddevice_native.dylib; publish=0 ;;
    aarch64-apple-darwin)      platform=darwin-arm64;    zigtarget="$triple";      lib=libsounddevice_native.dylib; publish=0 ;;
    *) log "unsupported target $triple"; exit 2 ;;
  esac
  log "cargo zigbuild --profile $profile --target $zigtarget"
  start=$SECONDS
  (cd "$pkg" && cargo zigbuild --profile "$profile" --locked --lib --target "$zigtarget" >&2)
  built="$pkg/target/$triple/$profile/$lib"
  [ -f "$built" ] || { log "no $built"; exit 1; }
  node_file="sounddevice.$platform.node"
  cp "$built" "$out/.$node_file.$$" && mv "$out/.$node_file.$$" "$out/$node_file"
  if [ "$publish" = 1 ]; then
    for dest in "$pkg" "$pkg/npm/$platform"; do
      cp "$built" "$dest/.$node_file.$$" && mv "$dest/.$node_file.$$" "$dest/$node_file"
    done
    log "$node_file -> packages/native-rs/ and npm/$platform/ ($((SECONDS - start)) s)"
  else
    log "$node_file -> packages/native-rs/target/zigbuild/ ($((SECONDS - start)) s)"
  fi
done
