/**
 * The options of `play`, `rec` and `playrec`: their own (`mapping`,
 * `blocking`, `loop`, `out`, …) and the stream options passed through (all
 * of Python's `**kwargs` except `channels`, `dtype`, `callback`,
 * `finishedCallback`).
 */
import {
  type DeviceSpec,
  type ExtraSettings,
  type Latency,
  type PairValue,
  type ResampleQuality,
  checkBoolean,
  checkUnknownKeys,
} from '@sounddevice/core';
import type { RawBufferStreamOptions } from '@sounddevice/raw';

/** Stream options `play`, `rec` and `playrec` pass through. */
export interface CallStreamOptions {
  /** Sampling frequency in Hz; default `defaults.sampleRate`, then the device's default. */
  sampleRate?: number | null;
  /** Frames per block (0, the default, lets PortAudio choose). */
  blockSize?: number | null;
  /**
   * `'low'`, `'high'` (default) or seconds. An `[input, output]` pair is
   * accepted by `play` and `rec` too, as in Python: they use their half.
   */
  latency?: PairValue<Latency>;
  /**
   * Host-API-specific settings (`AsioSettings`, `CoreAudioSettings`,
   * `WasapiSettings`); a pair is accepted as for `latency`.
   */
  extraSettings?: PairValue<ExtraSettings>;
  /** Don't clip out-of-range samples. */
  clipOff?: boolean | null;
  /** Don't dither. */
  ditherOff?: boolean | null;
  /**
   * When the device does not support `sampleRate`, run it at a rate it does
   * and convert: the data is played/recorded at exactly `sampleRate`, and
   * `rec`/`playrec` return exactly the frames asked for. Default
   * `defaults.resample` (`false`: an unsupported rate is an error naming this
   * option).
   */
  resample?: boolean | null;
  /** Quality of the conversion (`'low'`, `'medium'`, `'high'`, `'best'`); default `defaults.resampleQuality`. */
  resampleQuality?: ResampleQuality | null;
}

const PASSED = [
  'sampleRate',
  'blockSize',
  'device',
  'latency',
  'extraSettings',
  'clipOff',
  'ditherOff',
  'resample',
  'resampleQuality',
] as const;

/** Keys allowed in `play`'s options. */
export const PLAY_KEYS = [...PASSED, 'primeOutputBuffersUsingStreamCallback', 'mapping', 'blocking', 'loop'] as const;
/** Keys allowed in `rec`'s options. */
export const REC_KEYS = [...PASSED, 'channels', 'dtype', 'out', 'mapping', 'blocking'] as const;
/** Keys allowed in `playrec`'s options. */
export const PLAYREC_KEYS = [...PASSED, 'neverDropInput', 'channels', 'dtype', 'out', 'inputMapping', 'outputMapping', 'blocking'] as const;

/**
 * Check the keys of an options object and the `blocking` flag.
 *
 * @param options - The options given.
 * @param keys - The allowed keys.
 * @param fn - Function name for messages.
 * @returns Whether the call blocks.
 */
export function checkCallOptions(options: unknown, keys: readonly string[], fn: string): boolean {
  checkUnknownKeys(options, keys, `${fn} options`);
  return checkBoolean((options as { blocking?: unknown }).blocking ?? false, 'blocking');
}

/**
 * The stream options among `options` (those in `PASSED` plus `extra`).
 *
 * @param options - The call's options.
 * @param extra - Further keys passed to the stream (`neverDropInput`, …).
 */
export function streamOptionsOf(options: object, extra: readonly string[] = []): RawBufferStreamOptions {
  const picked: Record<string, unknown> = {};
  for (const key of [...PASSED, ...extra]) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked as RawBufferStreamOptions;
}

export type { DeviceSpec };
