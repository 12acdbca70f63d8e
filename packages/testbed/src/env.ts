import { resolveOptions, type TestbedOptions } from './options.js';
import { testbedPaths } from './paths.js';

/** Environment for processes that should see the testbed's devices. */
export interface TestbedEnv {
  /** `ALSA_CONFIG_PATH`, `JACK_NO_AUDIO_RESERVATION=1` and, with a server name, `JACK_DEFAULT_SERVER`. */
  env: Record<string, string>;
  /** The same as POSIX shell `export` lines, for `eval "$(sounddevice-testbed env)"`. */
  shell: string;
}

/** Quotes `value` for a POSIX shell (single quotes). */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Returns the environment variables that select the testbed's devices, as a map
 * and as a shell snippet. Pure: reads no files and changes nothing.
 */
export function testbedEnv(opts: TestbedOptions = {}): TestbedEnv {
  const o = resolveOptions(opts);
  const env: Record<string, string> = {
    ALSA_CONFIG_PATH: testbedPaths(o.dir).alsaConfigPath,
    JACK_NO_AUDIO_RESERVATION: '1',
  };
  if (o.serverName !== undefined) env.JACK_DEFAULT_SERVER = o.serverName;
  const shell = Object.entries(env)
    .map(([key, value]) => `export ${key}=${shellQuote(value)}\n`)
    .join('');
  return { env, shell };
}

/** Copies `env` into `target` (default: `process.env`), so that this process and its children use the testbed. */
export function applyEnv(env: Record<string, string>, target: NodeJS.ProcessEnv = process.env): void {
  Object.assign(target, env);
}
