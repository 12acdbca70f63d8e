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
