import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureInstalled } from './install.js';
import { stopOwnJackd } from './jack-lifecycle.js';
import { clearRunOwnedJackd, dropLease, markRunOwnedJackd, runOwnedJackd, takeLease } from './leases.js';
import { PRIVATE_PREFIX, testRunPlace, type TestbedOptions } from './options.js';
import { isAlive } from './proc.js';
import { ownJackd } from './state.js';
import { startTestbed } from './testbed.js';

/** The key under which {@link setup} provides the `TestbedInfo` to tests: `inject('sounddeviceTestbed')`. */
export const PROVIDE_KEY = 'sounddeviceTestbed';

/** The part of vitest's `TestProject` that {@link setup} uses. */
export interface ProvidingProject {
  provide?: (key: string, value: unknown) => void;
}

let active: { dir: string; private: boolean } | undefined;

/**
 * The testbed options of a test run, from the environment. The folder and JACK
 * server name are always set and private to the run unless
 * `SOUNDDEVICE_TESTBED_DIR`/`SOUNDDEVICE_TESTBED_SERVER` say otherwise (see
 * `testRunPlace`): never JACK's default server, never `<tmpdir>/sounddevice-testbed`.
 * Also read: `SOUNDDEVICE_TESTBED_PERIOD`, `SOUNDDEVICE_TESTBED_RATE` and
 * `SOUNDDEVICE_TESTBED_JACK=0` for no JACK.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env, pid = process.pid): TestbedOptions {
  const place = testRunPlace(env, pid);
  const opts: TestbedOptions = {
    jack: env.SOUNDDEVICE_TESTBED_JACK !== '0',
    jackPeriod: 256,
    dir: place.dir,
    serverName: place.serverName,
  };
  if (env.SOUNDDEVICE_TESTBED_PERIOD) opts.jackPeriod = Number(env.SOUNDDEVICE_TESTBED_PERIOD);
  if (env.SOUNDDEVICE_TESTBED_RATE) opts.jackRate = Number(env.SOUNDDEVICE_TESTBED_RATE);
  return opts;
}

/**
 * Removes what test runs that died without their teardown (killed, crashed) left
 * in their private folders `<tmpdir>/sounddevice-test-<pid>`: only when that pid
 * no longer runs, the jackd a test run marked as its own (still running and still
 * jackd), then the folder. Nothing else is touched.
 */
export async function removeOrphans(tmp = os.tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = new RegExp(`^${PRIVATE_PREFIX}(\\d+)$`).exec(name);
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    const dir = path.join(tmp, name);
    try {
      const marked = await runOwnedJackd(dir);
      const own = await ownJackd(dir);
      if (marked !== undefined && own !== undefined && own.pid === marked && own.serverName === name) await stopOwnJackd(dir);
      if ((await ownJackd(dir)) !== undefined) continue; // a server of its own still runs: keep the folder
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // another run is cleaning it up, or it is not ours to remove
    }
  }
  return removed;
}

/**
 * vitest `globalSetup` hook: installs what is missing, starts the testbed (JACK
 * period 256 unless overridden, see {@link optionsFromEnv}) in a folder and under
 * a JACK server name of this run's own, and sets its environment variables
 * (`ALSA_CONFIG_PATH`, `JACK_DEFAULT_SERVER`, `JACK_NO_AUDIO_RESERVATION`, and
 * `SOUNDDEVICE_TESTBED_DIR`/`SOUNDDEVICE_TESTBED_SERVER` naming the testbed) in
 * this process before vitest spawns its workers, so the workers and their child
 * processes inherit them. Provides the `TestbedInfo` as `inject('sounddeviceTestbed')`.
 */
export async function setup(project?: ProvidingProject): Promise<void> {
  const place = testRunPlace();
  const opts = optionsFromEnv();
  await removeOrphans();
  await ensureInstalled(opts);
  const info = await startTestbed(opts);
  active = { dir: info.dir, private: place.private };
  process.env.SOUNDDEVICE_TESTBED_DIR = info.dir;
  process.env.SOUNDDEVICE_TESTBED_SERVER = place.serverName;
  await takeLease(info.dir);
  if (info.jack.startedNow && info.jack.pid !== undefined) await markRunOwnedJackd(info.dir, info.jack.pid);
  project?.provide?.(PROVIDE_KEY, info);
}

/**
 * vitest `globalSetup` teardown: stops the JACK server only if a test run's
 * {@link setup} started it and no other test run still uses the testbed, and
 * removes the folder when it was this run's private one. A server started by
 * hand or by someone else is left running.
 */
export async function teardown(): Promise<void> {
  const { dir, private: privateDir } = active ?? { dir: String(optionsFromEnv().dir), private: false };
  active = undefined;
  const others = await dropLease(dir);
  if (others.length > 0) return;
  const marked = await runOwnedJackd(dir);
  const own = await ownJackd(dir);
  if (marked !== undefined && own !== undefined && own.pid === marked) await stopOwnJackd(dir);
  await clearRunOwnedJackd(dir);
  if (privateDir && (await ownJackd(dir)) === undefined) await rm(dir, { recursive: true, force: true });
}
