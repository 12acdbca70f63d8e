import { existsSync, readdirSync } from 'node:fs';
import { findExecutable, runTool, tail } from './exec.js';
import { resolveOptions, type TestbedOptions } from './options.js';

/** The Debian/Ubuntu packages the testbed installs. */
export const APT_PACKAGES = ['libportaudio2', 'portaudio19-dev', 'jackd2'] as const;

/** JACK tools the testbed uses (all from the `jackd2` package). */
export const JACK_TOOLS = ['jackd', 'jack_wait', 'jack_lsp', 'jack_connect', 'jack_disconnect', 'jack_bufsize', 'jack_samplerate'];

const PORTAUDIO_LIBRARY = 'libportaudio.so.2';
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

/** True when the PortAudio shared library is known to the dynamic linker (`ldconfig -p`). */
export async function hasPortAudioLibrary(): Promise<boolean> {
  const ldconfig = findExecutable('ldconfig');
  if (ldconfig !== undefined) {
    const result = await runTool(ldconfig, ['-p']);
    if (result.code === 0) return result.stdout.includes(PORTAUDIO_LIBRARY);
  }
  return LIBRARY_DIRS.some((dir) => existsSync(`${dir}/${PORTAUDIO_LIBRARY}`));
}

/** Lists what the testbed needs but cannot find: `libportaudio.so.2` and, with `jack`, the JACK tools. */
export async function missingRequirements(jack = true): Promise<string[]> {
  const missing: string[] = [];
  if (!(await hasPortAudioLibrary())) missing.push(PORTAUDIO_LIBRARY);
  if (jack) missing.push(...JACK_TOOLS.filter((tool) => findExecutable(tool) === undefined));
  return missing;
}

function installHint(missing: string[]): string {
  return (
    `The audio testbed needs ${missing.join(', ')}. Install them (Debian/Ubuntu) with:\n` +
    `  echo "jackd2 jackd/tweak_rt_limits boolean false" | sudo debconf-set-selections\n` +
    `  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}\n` +
    'Elsewhere install PortAudio 19 (shared library libportaudio.so.2) and JACK 2 (jackd and the jack_* tools).'
  );
}

function aptListsEmpty(): boolean {
  try {
    return !readdirSync('/var/lib/apt/lists').some((name) => name.endsWith('_Packages') || name.endsWith('_Packages.lz4'));
  } catch {
    return true;
  }
}

async function aptGet(args: string[]): Promise<{ ok: boolean; output: string }> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const result = await runTool('apt-get', args, { env, timeoutMs: 15 * 60_000 });
  return { ok: result.code === 0, output: `${result.stdout}\n${result.stderr}` };
}

/** Installs {@link APT_PACKAGES} with apt-get, updating the package lists first only when needed. */
async function aptInstall(): Promise<void> {
  if (findExecutable('debconf-set-selections') !== undefined) {
    await runTool('debconf-set-selections', [], { input: 'jackd2 jackd/tweak_rt_limits boolean false\n' });
  }
  const install = ['install', '-y', '--no-install-recommends', ...APT_PACKAGES];
  let updated = false;
  if (aptListsEmpty()) {
    await aptGet(['update']);
    updated = true;
  }
  let result = await aptGet(install);
  if (!result.ok && !updated) {
    await aptGet(['update']);
    result = await aptGet(install);
  }
  if (!result.ok) throw new Error(`apt-get ${install.join(' ')} failed:\n${tail(result.output)}`);
}

/**
 * Makes sure PortAudio (`libportaudio.so.2`) and, unless `opts.jack` is false,
 * the JACK server and tools are installed. A quick no-op when they are. When
 * something is missing and `opts.install` is not false, running as root with
 * apt-get: installs `libportaudio2 portaudio19-dev jackd2` non-interactively
 * (JACK's real-time limits question preset to "no").
 * @throws Error naming what to install when it cannot install it itself.
 */
export async function ensureInstalled(opts: TestbedOptions = {}): Promise<void> {
  const o = resolveOptions(opts);
  const missing = await missingRequirements(o.jack);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!o.install || !isRoot || findExecutable('apt-get') === undefined) {
    const why = !o.install ? 'installing is disabled' : !isRoot ? 'not running as root' : 'apt-get not found';
    throw new Error(`${installHint(missing)}\n(Not installed automatically: ${why}.)`);
  }
  await aptInstall();
  const still = await missingRequirements(o.jack);
  if (still.length > 0) throw new Error(`Still missing after apt-get install: ${still.join(', ')}.\n${installHint(still)}`);
}
