import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Options shared by every testbed function. All fields are optional. */
export interface TestbedOptions {
  /** Folder for the ALSA config, the raw files, the jackd log and state. Default: `<tmpdir>/sounddevice-testbed`. */
  dir?: string;
  /** Run a JACK dummy server (default `true`). */
  jack?: boolean;
  /** JACK period in frames, which is also the loopback latency (default 256). */
  jackPeriod?: number;
  /** JACK sample rate in Hz (default 48000). */
  jackRate?: number;
  /** Let {@link ensureInstalled} run `apt-get install` for what is missing (default `true`; only as root with apt). */
  install?: boolean;
  /** Minimum length of the `vfile_in` infile, in seconds of stereo float32 at 48 kHz (default 30). */
  inFileSeconds?: number;
  /**
   * JACK server name (`jackd -n`, `JACK_DEFAULT_SERVER`). Default: the inherited
   * `JACK_DEFAULT_SERVER`, else JACK's own default. Use a private name to keep a
   * test run away from servers used by others on the same machine.
   */
  serverName?: string;
}

/** {@link TestbedOptions} with every default applied. */
export interface ResolvedOptions {
  dir: string;
  jack: boolean;
  jackPeriod: number;
  jackRate: number;
  install: boolean;
  inFileSeconds: number;
  serverName: string | undefined;
}

/** Bytes per second of the unit `inFileSeconds` counts in: stereo float32 at 48 kHz. */
export const IN_FILE_BYTES_PER_SECOND = 48_000 * 2 * 4;

/** The default testbed folder: `path.join(os.tmpdir(), 'sounddevice-testbed')`. */
export function defaultTestbedDir(): string {
  return path.join(os.tmpdir(), 'sounddevice-testbed');
}

/** Prefix of the private folder and JACK server name a test run uses by default. */
export const PRIVATE_PREFIX = 'sounddevice-test-';

/**
 * The testbed folder and JACK server name chosen by `SOUNDDEVICE_TESTBED_DIR` and
 * `SOUNDDEVICE_TESTBED_SERVER` (empty values count as unset). Either may be missing.
 */
export function envOverrides(env: NodeJS.ProcessEnv = process.env): { dir?: string; serverName?: string } {
  const out: { dir?: string; serverName?: string } = {};
  if (env.SOUNDDEVICE_TESTBED_DIR) out.dir = env.SOUNDDEVICE_TESTBED_DIR;
  if (env.SOUNDDEVICE_TESTBED_SERVER) out.serverName = env.SOUNDDEVICE_TESTBED_SERVER;
  return out;
}

/** Where a test run's testbed lives and which JACK server it uses, see {@link testRunPlace}. */
export interface TestRunPlace {
  dir: string;
  serverName: string;
  /** True when both were made up for this process alone (`sounddevice-test-<pid>`): nobody else uses them. */
  private: boolean;
}

/**
 * Chooses a test run's testbed folder and JACK server name, never JACK's default
 * server and never the shared `<tmpdir>/sounddevice-testbed`:
 *
 * - neither variable set: `<tmpdir>/sounddevice-test-<pid>` and server
 *   `sounddevice-test-<pid>`, private to this process;
 * - both set: exactly those;
 * - only `SOUNDDEVICE_TESTBED_DIR`: server `sounddevice-test-dir-<8 hex digits of
 *   the folder's path hash>`, so that runs sharing a folder share its server too;
 * - only `SOUNDDEVICE_TESTBED_SERVER`: folder `<tmpdir>/sounddevice-test-server-<server>`.
 *
 * An inherited `JACK_DEFAULT_SERVER` is ignored: it names the user's own server.
 */
export function testRunPlace(env: NodeJS.ProcessEnv = process.env, pid = process.pid): TestRunPlace {
  const { dir, serverName } = envOverrides(env);
  if (dir === undefined && serverName === undefined) {
    const name = `${PRIVATE_PREFIX}${pid}`;
    return { dir: path.join(os.tmpdir(), name), serverName: name, private: true };
  }
  if (dir !== undefined && serverName !== undefined) return { dir: path.resolve(dir), serverName, private: false };
  if (dir !== undefined) {
    const hash = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 8);
    return { dir: path.resolve(dir), serverName: `${PRIVATE_PREFIX}dir-${hash}`, private: false };
  }
  const name = String(serverName);
  return { dir: path.join(os.tmpdir(), `${PRIVATE_PREFIX}server-${name.replace(/[^\w.-]/g, '_')}`), serverName: name, private: false };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Applies the defaults to `opts` and validates it.
 * @throws RangeError for a non-positive or non-integer period/rate, a negative length,
 *   or a server name with whitespace.
 */
export function resolveOptions(opts: TestbedOptions = {}): ResolvedOptions {
  const inFileSeconds = opts.inFileSeconds ?? 30;
  if (!Number.isFinite(inFileSeconds) || inFileSeconds < 0) {
    throw new RangeError(`inFileSeconds must be a finite number >= 0, got ${String(inFileSeconds)}`);
  }
  const serverName = opts.serverName ?? (process.env.JACK_DEFAULT_SERVER || undefined);
  if (serverName !== undefined && (serverName === '' || /\s/.test(serverName))) {
    throw new RangeError(`serverName must be a non-empty name without whitespace, got ${JSON.stringify(serverName)}`);
  }
  return {
    dir: path.resolve(opts.dir ?? defaultTestbedDir()),
    jack: opts.jack ?? true,
    jackPeriod: positiveInteger('jackPeriod', opts.jackPeriod ?? 256),
    jackRate: positiveInteger('jackRate', opts.jackRate ?? 48_000),
    install: opts.install ?? true,
    inFileSeconds,
    serverName,
  };
}
