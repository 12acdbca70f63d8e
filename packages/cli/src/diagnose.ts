/**
 * Telling the user why there is no audio: no devices at all, an ALSA
 * configuration PortAudio cannot read, or one that makes PortAudio 19.6
 * abort the process. The audio libraries' own messages are silenced while
 * PortAudio starts (they are noise on a healthy machine: JACK probing for a
 * server, ALSA for cards); when starting fails, they are collected again from
 * a child process that starts PortAudio with `SOUNDDEVICE_DEBUG=1`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { queryDevices, queryHostApis } from '@sounddevice/raw';
import { PROGRAM } from './version.js';

/** What to do without a sound card, the end of every "no devices" message. */
export const TESTBED_HINT = `without a sound card, '${PROGRAM} testbed start' provides virtual devices (ALSA and JACK)`;

/** At most this many of the libraries' lines are shown. */
const _MAX_LINES = 6;

/** What a PortAudio start in a child process showed. */
export interface StartProbe {
  /** It started (exit code 0). */
  ok: boolean;
  /** The signal that ended it (`SIGABRT` for a failed assertion), if any. */
  signal: NodeJS.Signals | null;
  /** The libraries' messages that say why (ALSA's, failed assertions), at most a few. */
  cause: string[];
}

/**
 * Starts PortAudio (lists the host APIs) in a child process with the
 * libraries' messages on, and keeps those that explain a failure: ALSA's
 * (`ALSA lib …`) and failed assertions. Takes about as long as
 * `sounddevice hostapis`; used only when something already went wrong or is
 * likely to.
 *
 * @param env - The environment of the run.
 */
export function probeStart(env: NodeJS.ProcessEnv): StartProbe {
  const raw = createRequire(import.meta.url).resolve('@sounddevice/raw');
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(raw)}).queryHostApis()`], {
    env: { ...env, SOUNDDEVICE_DEBUG: '1' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const lines = (r.stderr ?? '').split('\n').map((l) => l.trim());
  const cause = lines.filter((l) => l.startsWith('ALSA lib') || /Assertion .* failed/.test(l)).slice(0, _MAX_LINES);
  return { ok: r.status === 0, signal: r.signal, cause };
}

/**
 * The files of `ALSA_CONFIG_PATH` (colon-separated) if the configuration
 * they make may define no PCM at all, else undefined. alsa-lib reads only
 * these files when the variable is set; PortAudio 19.6 then aborts the
 * process (a failed assertion in its ALSA device list, PortAudio issue 294)
 * when no listed device is called `default` or `dmix`. A file that mentions
 * neither and includes no other file is suspect, as is a missing one.
 *
 * @param env - The environment of the run.
 */
export function suspectAlsaConfig(env: NodeJS.ProcessEnv): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const files = (env.ALSA_CONFIG_PATH ?? '').split(':').filter((f) => f !== '');
  if (files.length === 0) return undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (/\b(default|dmix)\b|<[^>\n]+>/.test(text)) return undefined;
  }
  return files;
}

/** `ALSA_CONFIG_PATH=…` and what is wrong with its files (missing, empty). */
function _describeConfig(files: readonly string[]): string {
  const notes = files.map((f) => {
    try {
      return readFileSync(f, 'utf8').trim() === '' ? `'${f}' is empty` : undefined;
    } catch (e) {
      return `'${f}' cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    }
  });
  const found = notes.filter((n): n is string => n !== undefined);
  return `ALSA_CONFIG_PATH=${files.join(':')}${found.length > 0 ? `: ${found.join(', ')}` : ''}`;
}

/** Thrown when PortAudio would abort the process (see {@link checkAlsaConfig}). */
export class NoAudioError extends Error {
  override readonly name = 'NoAudioError';

  /**
   * @param message - The one-line reason.
   * @param details - The libraries' lines that say why.
   */
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * Before PortAudio starts in this process: when `ALSA_CONFIG_PATH` looks like
 * a configuration without any PCM (see {@link suspectAlsaConfig}), starts
 * PortAudio in a child process first, and if that aborts, throws instead
 * of letting this process abort without a word. Costs nothing otherwise.
 *
 * @param env - The environment of the run.
 * @throws NoAudioError when PortAudio cannot start with this configuration.
 */
export function checkAlsaConfig(env: NodeJS.ProcessEnv): void {
  const files = suspectAlsaConfig(env);
  if (files === undefined) return;
  const probe = probeStart(env);
  if (probe.ok || probe.signal === null) return; // it starts, or fails with an error this process reports itself
  throw new NoAudioError(
    `PortAudio aborted (${probe.signal}) while listing ALSA devices: the ALSA configuration defines no device (${_describeConfig(files)}); ` +
      `fix it or unset ALSA_CONFIG_PATH, or ${TESTBED_HINT}`,
    probe.cause,
  );
}

/**
 * The libraries' lines explaining why PortAudio failed to start (an ALSA
 * configuration with a syntax error, …), from a child process; empty when
 * the failure is not PortAudio's start or there is nothing to add.
 *
 * @param error - What was thrown.
 * @param env - The environment of the run.
 */
export function startFailureCause(error: unknown, env: NodeJS.ProcessEnv): string[] {
  if (!(error instanceof Error) || error.name !== 'PortAudioError' || !/initializ/i.test(error.message)) return [];
  const cause = probeStart(env).cause;
  const config = env.ALSA_CONFIG_PATH ? [`(ALSA_CONFIG_PATH=${env.ALSA_CONFIG_PATH})`] : [];
  return cause.length > 0 ? [...cause, ...config] : [];
}

/**
 * "no audio devices found" with the host APIs PortAudio has and what to do,
 * if PortAudio lists no device at all; else undefined.
 */
export function noDevicesMessage(): string | undefined {
  try {
    if (queryDevices().length > 0) return undefined;
    const apis = queryHostApis().map((a) => a.name);
    return `no audio devices found (PortAudio's host APIs: ${apis.length > 0 ? apis.join(', ') : 'none'}); ${TESTBED_HINT}`;
  } catch {
    return undefined;
  }
}
