import { ensureInstalled } from './install.js';
import { stopOwnJackd } from './jack-lifecycle.js';
import { clearRunOwnedJackd, dropLease, markRunOwnedJackd, runOwnedJackd, takeLease } from './leases.js';
import { resolveOptions, type TestbedOptions } from './options.js';
import { ownJackd } from './state.js';
import { startTestbed } from './testbed.js';

/** The key under which {@link setup} provides the `TestbedInfo` to tests: `inject('sounddeviceTestbed')`. */
export const PROVIDE_KEY = 'sounddeviceTestbed';

/** The part of vitest's `TestProject` that {@link setup} uses. */
export interface ProvidingProject {
  provide?: (key: string, value: unknown) => void;
}

let activeDir: string | undefined;

/**
 * Reads optional overrides from the environment: `SOUNDDEVICE_TESTBED_DIR`,
 * `SOUNDDEVICE_TESTBED_PERIOD`, `SOUNDDEVICE_TESTBED_RATE`,
 * `SOUNDDEVICE_TESTBED_SERVER`, and `SOUNDDEVICE_TESTBED_JACK=0` for no JACK.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): TestbedOptions {
  const opts: TestbedOptions = { jack: env.SOUNDDEVICE_TESTBED_JACK !== '0', jackPeriod: 256 };
  if (env.SOUNDDEVICE_TESTBED_DIR) opts.dir = env.SOUNDDEVICE_TESTBED_DIR;
  if (env.SOUNDDEVICE_TESTBED_PERIOD) opts.jackPeriod = Number(env.SOUNDDEVICE_TESTBED_PERIOD);
  if (env.SOUNDDEVICE_TESTBED_RATE) opts.jackRate = Number(env.SOUNDDEVICE_TESTBED_RATE);
  if (env.SOUNDDEVICE_TESTBED_SERVER) opts.serverName = env.SOUNDDEVICE_TESTBED_SERVER;
  return opts;
}

/**
 * vitest `globalSetup` hook: installs what is missing, starts the testbed (JACK
 * period 256 unless overridden, see {@link optionsFromEnv}) and sets its
 * environment variables in this process before vitest spawns its workers, so the
 * workers inherit them. Provides the `TestbedInfo` as `inject('sounddeviceTestbed')`.
 */
export async function setup(project?: ProvidingProject): Promise<void> {
  const opts = optionsFromEnv();
  await ensureInstalled(opts);
  const info = await startTestbed(opts);
  activeDir = info.dir;
  await takeLease(info.dir);
  if (info.jack.startedNow && info.jack.pid !== undefined) await markRunOwnedJackd(info.dir, info.jack.pid);
  project?.provide?.(PROVIDE_KEY, info);
}

/**
 * vitest `globalSetup` teardown: stops the JACK server only if a test run's
 * {@link setup} started it and no other test run still uses the testbed. A server
 * started by hand or by someone else is left running.
 */
export async function teardown(): Promise<void> {
  const dir = activeDir ?? resolveOptions(optionsFromEnv()).dir;
  activeDir = undefined;
  const others = await dropLease(dir);
  if (others.length > 0) return;
  const marked = await runOwnedJackd(dir);
  const own = await ownJackd(dir);
  if (marked !== undefined && own !== undefined && own.pid === marked) await stopOwnJackd(dir);
  await clearRunOwnedJackd(dir);
}
