#!/usr/bin/env bash
# The platform part of `pnpm test` (issue 14), after the whole suite has passed
# on the machine's Node.js (20 in CI):
#   node   the raw suite on Node 22 and 24 (SOUNDDEVICE_NODE_SUITES="raw numeric cli" adds the others)  (scripts/platforms/test-node-versions.sh)
#   arm64  Linux arm64: cross-build, then tests under qemu-user (scripts/platforms/test-linux-arm64.sh)
#   macos  macOS x64 + arm64: compile and link               (scripts/platforms/build-macos.sh)
#   (Windows x64 under Wine is the packages/wine-test package of the suite itself.)
#
# SOUNDDEVICE_PLATFORMS picks steps ("node arm64 macos" by default; "none" or 0
# skips them all, for a quick local `pnpm test`). Downloads and tools are cached
# in <repo>/.cache (SOUNDDEVICE_CACHE_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${SOUNDDEVICE_PLATFORMS:-node arm64 macos}"
case "$steps" in none|0) echo "platforms: skipped (SOUNDDEVICE_PLATFORMS=$steps)"; exit 0 ;; esac
declare -A took
total=$SECONDS
for step in $steps; do
  start=$SECONDS
  case "$step" in
    # The raw suite (the addon, the engine and every Node API the library
    # uses) on 22 and 24, 1.5 min each. With the numeric and CLI suites too
    # (4 min per Node) CI took about 36 minutes here, over its 30-minute
    # budget; SOUNDDEVICE_NODE_SUITES="raw numeric cli" runs them.
    node) SOUNDDEVICE_NODE_SUITES="${SOUNDDEVICE_NODE_SUITES:-raw}" bash scripts/platforms/test-node-versions.sh 22 24 ;;
    arm64) bash scripts/platforms/test-linux-arm64.sh ;;
    macos) bash scripts/platforms/build-macos.sh ;;
    *) echo "platforms: unknown step $step" >&2; exit 2 ;;
  esac
  took[$step]=$((SECONDS - start))
done
for step in $steps; do echo "platforms: $step passed in ${took[$step]} s"; done
echo "platforms: all passed in $((SECONDS - total)) s"
