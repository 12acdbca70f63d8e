/**
 * Memory safety under valgrind (memcheck; AddressSanitizer needs a nightly
 * Rust toolchain):
 *
 * - the Rust engine's own tests (the real PortAudio callback driven by hand,
 *   rings, buffers, the pump and its watchdog, the allocation-free proof):
 *   no invalid read or write, no use of uninitialised memory, no definite
 *   leak;
 * - a JavaScript smoke run of the library's main paths against real
 *   PortAudio (device queries, play() to vfile_out, rec() from vfile_in,
 *   callback and blocking streams on JACK, a read pending at close, a stream
 *   left to its finalizer, one left to the exit hook): no invalid read,
 *   write or free in any library of the process. Node runs with
 *   `--undef-value-errors=no`: V8's JIT-compiled builtins produce values
 *   valgrind cannot track (reports start in `Builtins_MathMax` and the like)
 *   and every number they touch is reported again far away, in ALSA,
 *   PortAudio or the addon, so no suppression file could isolate them. No
 *   other suppression is used.
 *
 * `cargo clippy -- -D warnings` is the native package's lint task (`pnpm
 * test` runs it).
 *
 * CI: once each. Long: the JS run with 200 extra stream cycles.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { count, fixture } from './helpers.js';

const NATIVE_DIR = fileURLToPath(new URL('../../native-rs/', import.meta.url));

function valgrindVersion(): string {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('valgrind is not installed (apt-get install valgrind): the memory-safety tests need it');
  }
}

/**
 * Engine tests that bound wall-clock time (how long the audio thread waits for
 * a program), which nothing keeps under valgrind's ~50x slowdown: they run in
 * the native package's own `cargo test --release`, not here.
 */
const WALL_CLOCK_TESTS = ['a_synchronous_program_is_waited_for_within_the_device_callback_not_its_own_block'];

/** The test executables of the Cargo workspace (profile `test-opt`, as the package's `test` script), built if needed. */
function rustTestBinaries(): string[] {
  const out = execFileSync('cargo', ['test', '--workspace', '--profile', 'test-opt', '--no-run', '--message-format=json'], {
    cwd: NATIVE_DIR,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { reason?: string; executable?: string | null; profile?: { test?: boolean } })
    .filter((m) => m.reason === 'compiler-artifact' && m.profile?.test === true && typeof m.executable === 'string')
    .map((m) => m.executable!);
}

describe('memory safety under valgrind', () => {
  it('the Rust engine tests: no invalid access, no uninitialised value, no definite leak', { timeout: 600_000 }, () => {
    console.log(`memory: ${valgrindVersion()}`);
    const binaries = rustTestBinaries();
    expect(binaries.length).toBeGreaterThanOrEqual(2); // sounddevice-native and portaudio-sys
    for (const bin of binaries) {
      const r = spawnSync(
        'valgrind',
        ['--error-exitcode=99', '--leak-check=full', '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite', bin, '--test-threads=1', ...WALL_CLOCK_TESTS.flatMap((t) => ['--skip', t])],
        { cwd: NATIVE_DIR, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const what = `${bin}\n${r.stderr.slice(-4000)}`;
      expect(r.status, what).toBe(0);
      expect(r.stdout, what).toMatch(/test result: ok/);
      expect(r.stderr, what).toMatch(/ERROR SUMMARY: 0 errors/);
    }
  });

  it('a JavaScript run of the main paths: no invalid read, write or free', { timeout: 600_000 }, () => {
    valgrindVersion();
    const r = spawnSync(
      'valgrind',
      ['--error-exitcode=99', '--undef-value-errors=no', '--leak-check=no', process.execPath, fixture('valgrind-smoke.mjs'), String(count(1, 200))],
      { encoding: 'utf8', timeout: 480_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const what = `${r.stdout}\n${r.stderr.slice(-6000)}`;
    expect(r.status, what).toBe(0);
    expect(r.stdout).toMatch(/played 4410, recorded 4410/);
    expect(r.stdout).toMatch(/pending read: Stream is closed/);
    expect(r.stdout).toMatch(/dropped stream collected: true/);
    expect(r.stdout).toMatch(/^done$/m);
    expect(r.stderr, what).toMatch(/ERROR SUMMARY: 0 errors/);
    expect(r.stderr).not.toMatch(/Invalid (read|write|free)|Mismatched free|overlap|unaddressable/);
  });
});
