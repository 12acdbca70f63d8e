/**
 * Devices that come and go while a program runs: ALSA virtual PCMs added to
 * and removed from the configuration in use, and JACK servers started and
 * stopped on their own (without touching the ALSA configuration or
 * `process.env`, as `startTestbed` does).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { ensureJack, stopOwnJackd } from './jack-lifecycle.js';
import { markRunOwnedJackd, runOwnedJackd } from './leases.js';
import { isAlive } from './proc.js';
import { resolveOptions, type TestbedOptions } from './options.js';
import type { JackInfo } from './types.js';

/** Options naming the ALSA configuration file to change. */
export interface AlsaPcmOptions {
  /** The configuration file. Default: the first file of `ALSA_CONFIG_PATH` (the testbed's `asound.conf`). */
  configPath?: string;
}

/** PCM names PortAudio does not list (they name ALSA plugin types). */
const SKIPPED_NAMES = new Set(['null', 'file', 'hw', 'plug', 'tee', 'shm', 'default']);
const MARK = '# added by @sounddevice/testbed addAlsaPcm';

function configPathOf(opts: AlsaPcmOptions): string {
  const path = opts.configPath ?? process.env.ALSA_CONFIG_PATH?.split(/[:\s]+/).find((p) => p.length > 0);
  if (path === undefined) {
    throw new Error('no ALSA configuration to change: pass configPath, or start the testbed (it sets ALSA_CONFIG_PATH)');
  }
  return path;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new TypeError(`name must be a PCM name of letters, digits, '_', '.' or '-', got ${JSON.stringify(name)}`);
  }
  if (SKIPPED_NAMES.has(name)) {
    throw new RangeError(`name must not be one of ${[...SKIPPED_NAMES].join(', ')} (PortAudio skips those), got '${name}'`);
  }
  return name;
}

/**
 * Replaces the file in one step (write a temporary file, rename it over), so
 * that a reader never sees half a file and alsa-lib, which reloads its
 * configuration when a file's inode or time changes, sees a new file.
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

const lineOf = (name: string): RegExp => new RegExp(`^pcm\\.${name.replace(/\./g, '\\.')} .*${MARK}$`);

/**
 * Adds an ALSA PCM to the configuration in use. Programs see it once
 * PortAudio enumerates devices again (`refreshDevices()`, or a
 * `watchDevices()` watcher, which notices the file change).
 *
 * @param name - The PCM's name (as PortAudio will list it).
 * @param definition - Its ALSA definition. Default `{ type null }`: an
 *   output that discards and is not paced (and an input of undefined
 *   content; use a `file` PCM with `infile` for input).
 * @param opts - Which configuration file to change.
 * @throws TypeError/RangeError for a bad name; Error if it exists already.
 */
export async function addAlsaPcm(name: string, definition = '{ type null }', opts: AlsaPcmOptions = {}): Promise<void> {
  checkName(name);
  const path = configPathOf(opts);
  const text = await readFile(path, 'utf8');
  if (text.split('\n').some((l) => l.startsWith(`pcm.${name} `) || l.startsWith(`pcm.!${name} `))) {
    throw new Error(`the ALSA configuration ${path} already defines pcm.${name}`);
  }
  await replaceFile(path, `${text.endsWith('\n') ? text : `${text}\n`}pcm.${name} ${definition} ${MARK}\n`);
}

/**
 * Removes a PCM added by {@link addAlsaPcm}. Streams already open on it keep
 * running (alsa-lib keeps an open PCM); programs no longer list it once
 * PortAudio enumerates devices again.
 *
 * @throws Error if `name` was not added by {@link addAlsaPcm}.
 */
export async function removeAlsaPcm(name: string, opts: AlsaPcmOptions = {}): Promise<void> {
  checkName(name);
  const path = configPathOf(opts);
  const lines = (await readFile(path, 'utf8')).split('\n');
  const kept = lines.filter((l) => !lineOf(name).test(l));
  if (kept.length === lines.length) throw new Error(`pcm.${name} was not added to ${path} by addAlsaPcm`);
  await replaceFile(path, kept.join('\n'));
}

/**
 * Starts a JACK dummy server (or keeps the matching one the testbed started
 * in `dir`) without touching the ALSA configuration or `process.env`:
 * for a second server next to the testbed's, or to start one again after
 * {@link stopJackServer} (a test run's own server stays the run's, stopped
 * by its teardown). Programs use it when `JACK_DEFAULT_SERVER` names it at
 * their next PortAudio initialization (or refresh). One process can use only
 * one JACK server (libjack's limit): do not change `JACK_DEFAULT_SERVER` in
 * a process that has used JACK.
 *
 * @param opts - `dir` (its state and log; use one per server), `serverName`
 *   (use a private one), `jackPeriod`, `jackRate`.
 */
export async function startJackServer(opts: TestbedOptions = {}): Promise<JackInfo> {
  const o = resolveOptions({ ...opts, jack: true });
  await mkdir(o.dir, { recursive: true });
  const marked = await runOwnedJackd(o.dir);
  const info = await ensureJack(o);
  // A test run's own server, stopped and started again by the run, is
  // still the run's: its teardown stops it.
  if (marked !== undefined && !isAlive(marked) && info.startedNow && info.pid !== undefined) {
    await markRunOwnedJackd(o.dir, info.pid);
  }
  return info;
}

/**
 * Stops the JACK server the testbed started in `opts.dir` (SIGTERM, then
 * SIGKILL after 5 s) and waits until it is gone; never one it did not start.
 */
export async function stopJackServer(opts: TestbedOptions = {}): Promise<void> {
  await stopOwnJackd(resolveOptions(opts).dir);
}
