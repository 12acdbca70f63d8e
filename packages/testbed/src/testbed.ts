import { mkdir } from 'node:fs/promises';
import { writeAlsaConfig } from './alsa-config.js';
import { applyEnv, testbedEnv } from './env.js';
import { emptyFile, ensureFileLength } from './files.js';
import { ensureJack, probeJack, stopOwnJackd } from './jack-lifecycle.js';
import { IN_FILE_BYTES_PER_SECOND, resolveOptions, type ResolvedOptions, type TestbedOptions } from './options.js';
import { testbedPaths } from './paths.js';
import type { JackInfo, TestbedInfo } from './types.js';

function infoFor(o: ResolvedOptions, jack: JackInfo): TestbedInfo {
  const paths = testbedPaths(o.dir);
  return {
    dir: o.dir,
    alsaConfigPath: paths.alsaConfigPath,
    outFile: paths.outFile,
    inFile: paths.inFile,
    inFileBytes: Math.ceil(o.inFileSeconds * IN_FILE_BYTES_PER_SECOND),
    env: testbedEnv(o).env,
    jack,
  };
}

/**
 * Sets up the virtual devices: writes the hermetic ALSA config (`default`,
 * `vnull`, `vfile_out`, `vfile_in`, `vzero`) to `dir/asound.conf`, empties the
 * `vfile_out` target, makes the `vfile_in` infile long enough, sets
 * `ALSA_CONFIG_PATH` and `JACK_NO_AUDIO_RESERVATION=1` in `process.env` (child
 * processes and vitest workers spawned later inherit them) and, unless `jack` is
 * false, makes a JACK dummy server with the requested period and rate run.
 *
 * Idempotent. A server the testbed started earlier is kept if it matches and
 * restarted if not; a matching server started by someone else is reused (never
 * restarted or stopped); one that does not match is an error.
 */
export async function startTestbed(opts: TestbedOptions = {}): Promise<TestbedInfo> {
  const o = resolveOptions(opts);
  const paths = testbedPaths(o.dir);
  await mkdir(o.dir, { recursive: true });
  await writeAlsaConfig(paths.alsaConfigPath, paths.outFile, paths.inFile);
  await emptyFile(paths.outFile);
  const info = infoFor(o, { running: false, startedByUs: false, startedNow: false, period: o.jackPeriod, rate: o.jackRate });
  await ensureFileLength(paths.inFile, info.inFileBytes);
  applyEnv(info.env);
  info.jack = o.jack ? await ensureJack(o) : await probeJack(o);
  return info;
}

/**
 * Stops the JACK server the testbed started (pid from `dir/state.json`, only if
 * it still runs and is jackd): SIGTERM, then SIGKILL after 5 s. Never touches a
 * server it did not start. The files in `dir` are kept.
 */
export async function stopTestbed(opts: TestbedOptions = {}): Promise<void> {
  await stopOwnJackd(resolveOptions(opts).dir);
}

/**
 * Stops the testbed's JACK server (if it started one) and starts the testbed again
 * with JACK period `period`, for tests that need another latency (e.g. 64).
 */
export async function restartJack(period: number, opts: TestbedOptions = {}): Promise<TestbedInfo> {
  await stopTestbed(opts);
  return startTestbed({ ...opts, jack: true, jackPeriod: period });
}

/** Reports the testbed's paths, environment and JACK status without changing anything. */
export async function testbedStatus(opts: TestbedOptions = {}): Promise<TestbedInfo> {
  const o = resolveOptions(opts);
  return infoFor(o, await probeJack(o));
}
