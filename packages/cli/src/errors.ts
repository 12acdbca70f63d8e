/** Turning errors into the one line users see, and exit codes. */
import { CommanderError } from 'commander';
import { AmbiguousDeviceError, DeviceNotFoundError, PortAudioError } from '@sounddevice/raw';
import { NoAudioError, noDevicesMessage, startFailureCause } from './diagnose.js';
import type { CliIO } from './io.js';
import { PROGRAM } from './version.js';

/** Exit code for a failure (PortAudio refused, unknown device, …). */
export const EXIT_FAILURE = 1;
/** Exit code for a malformed command line (unknown command or option, bad number). */
export const EXIT_USAGE = 2;
/** Exit code after Ctrl+C stopped a command before its natural end (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** A command-line mistake found after parsing (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A file that cannot be read, written or understood (missing, no
 * permission, not an audio format this command knows): exit code 1, one line.
 */
export class FileError extends Error {
  override readonly name = 'FileError';
}

/**
 * A command that could not do its job for a reason the user can fix (a
 * loopback that is not connected, a JACK port that cannot be found): exit
 * code 1, one line.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** Commander outcomes that are not errors (help or version shown). */
const _COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Whether `error` is the user's mistake rather than a bug: PortAudio
 * refusing something, an unknown or ambiguous device, a value out of range
 * (`PortAudioError`, `TypeError`, `RangeError` from the library) or a
 * {@link UsageError}. These are reported in one line without a stack trace.
 */
export function isUserError(error: unknown): boolean {
  return (
    error instanceof PortAudioError ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof UsageError ||
    error instanceof FileError ||
    error instanceof CommandFailure ||
    error instanceof NoAudioError ||
    (error instanceof Error && error.name === 'PortAudioError')
  );
}

function _candidates(list: readonly { index: number; name: string }[]): string {
  return list.map((c) => `${c.index} '${c.name}'`).join(', ');
}

/**
 * The one-line text of an error: the first line of its message, with the
 * candidate devices of device errors folded into the same line.
 */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const [head = '', second = ''] = message.split('\n');
  // The library's advice names its option; here the conversion is the
  // default, so only --no-resample can have turned it off.
  const first = head
    .trim()
    .replace(/[:.]$/, '')
    .replace('Pass resample: true to run the device', 'Leave out --no-resample to run the device');
  // No device at all (an unknown device, no default one): say so and what to do.
  if (error instanceof RangeError && /\bdevice\b/i.test(first)) {
    const none = noDevicesMessage();
    if (none !== undefined) return none;
  }
  if (error instanceof DeviceNotFoundError) {
    const c = error.candidates;
    if (c.length === 0) {
      const why = second.trim().replace(/\.$/, '');
      return why === '' ? first : `${first}; ${why.charAt(0).toLowerCase()}${why.slice(1)}`;
    }
    if (c.length > 8) return `${first}; run '${PROGRAM} devices' to list the ${c.length} candidates`;
    return `${first}; available: ${_candidates(c)}`;
  }
  if (error instanceof AmbiguousDeviceError) return `${first}; matches: ${_candidates(error.candidates)}`;
  return first;
}

/** Formats commander's own error text (`error: …` plus hints) as one line. */
export function formatUsageText(text: string): string {
  const flat = text.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ').trim();
  return `${PROGRAM}: error: ${flat}\n`;
}

/**
 * Reports an error thrown while running a command and chooses the exit code:
 * 0 for help/version shown by commander, 2 for usage errors (commander has
 * already printed its line), 1 otherwise. User mistakes (see
 * {@link isUserError}) get one line on stderr; anything else is a bug and
 * also gets its stack. `SOUNDDEVICE_DEBUG_STACK=1` adds the stack always.
 * When PortAudio could not start (or would have aborted the process), the
 * audio libraries' messages that say why follow, indented (see diagnose.ts);
 * when there is no device at all, the line says so and points at the testbed.
 *
 * @param error - What was thrown.
 * @param io - Where to write.
 * @returns The process exit code.
 */
export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    return _COMMANDER_OK.has(error.code) ? error.exitCode : EXIT_USAGE;
  }
  const env = io.env ?? process.env;
  const debug = env.SOUNDDEVICE_DEBUG_STACK !== undefined && !['', '0', 'false'].includes(env.SOUNDDEVICE_DEBUG_STACK);
  const user = isUserError(error);
  io.stderr.write(`${PROGRAM}: error: ${oneLine(error)}\n`);
  const details = error instanceof NoAudioError ? error.details : startFailureCause(error, env);
  for (const line of details) io.stderr.write(`  ${line}\n`);
  if ((debug || !user) && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}
