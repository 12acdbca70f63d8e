#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine (or a developer's) for this repository:
# system packages (PortAudio, JACK for the virtual testbed), pinned pnpm,
# workspace dependencies and a full build (Rust addon included). Idempotent.
# `--test` also installs what only the tests need (tmux, Chromium).
set -euo pipefail
for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true
cd "$(dirname "$0")/.."

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"

need_apt=()
ldconfig -p 2>/dev/null | grep -q 'libportaudio.so.2' || need_apt+=(libportaudio2)
[ -e /usr/include/portaudio.h ] || need_apt+=(portaudio19-dev)
command -v jackd >/dev/null 2>&1 || need_apt+=(jackd2)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
if $for_tests; then
  command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)         # CLI tests: terminal UIs
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)              # CLI tests: plot --web in headless Chromium
  command -v valgrind >/dev/null 2>&1 || need_apt+=(valgrind)   # reliability tests: memory safety
fi
# the native build unpacks its glibc 2.17 toolchain (a .tar.xz from npm) once per machine
command -v xz >/dev/null 2>&1 || need_apt+=(xz-utils)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]}"
    echo "jackd2 jackd/tweak_rt_limits boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install: ${need_apt[*]} (e.g. sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: Rust (cargo) is required to build the native addon: https://rustup.rs" >&2; exit 1; }

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm build --output-logs=errors-only
echo "setup: done"
