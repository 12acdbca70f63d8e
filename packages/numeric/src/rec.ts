/** `rec()`: record into an array in the background (Python's `sd.rec`). */
import { type ArrayDType, type DeviceSpec, type PairValue, defaults } from '@sounddevice/core';
import { type CallStreamOptions, REC_KEYS, checkCallOptions, streamOptionsOf } from './call-options.js';
import type { AudioArray } from './dtypes.js';
import { startCall } from './last-call.js';
import type { ChannelMapping } from './mapping.js';
import { prepareRecording } from './recording.js';

/** Formats `rec`/`playrec` record in: every `ArrayDType` except `'int24'`. */
export type RecDType = Exclude<ArrayDType, 'int24'>;

/** Options of {@link rec}. */
export interface RecOptions<T = AudioArray> extends CallStreamOptions {
  /**
   * Input device (index or name substrings); default `defaults.device[0]`.
   * An `[input, output]` pair is accepted, as in Python: its input half is used.
   */
  device?: PairValue<DeviceSpec>;
  /**
   * Channels to record; default `defaults.channels[0]`, else the mapping's
   * length (Python's order). With a mapping, they must agree.
   */
  channels?: number | null;
  /**
   * Format of the result; default `defaults.dtype[0]` (which may be
   * `'float64'`, as in Python). `'float64'` is recorded as float32 and
   * converted when the recording ends.
   */
  dtype?: RecDType | null;
  /**
   * Record into this array (an ndarray `[frames, channels]` over a typed
   * array, or a typed array for mono) instead of a new one; frames,
   * channels and dtype then come from it. Unlike Python, which silently
   * ignores them, `frames`, `channels` or `dtype` that disagree with `out`
   * throw (see "Differences from Python" in docs/naming.md).
   */
  out?: T | null;
  /** Input channel numbers (starting at 1) to record, each at most once. */
  mapping?: ChannelMapping | null;
  /** Return a Promise of the array that resolves when the recording is complete (default false). */
  blocking?: boolean;
}

/**
 * Record audio into an array in the background. The array is returned at
 * once and filled while recording runs (by the audio thread itself, no
 * JavaScript per block); it is complete after `await wait()` (or use
 * `blocking: true`). A `play`/`rec`/`playrec` still running is stopped first.
 *
 * @param frames - Number of frames to record, a positive integer (not
 *   needed with `out`). May be left out: `rec({ out })`.
 * @param options - See {@link RecOptions}; other stream options
 *   (`sampleRate`, `latency`, …) are passed to the stream.
 * @returns The array (`out`, or a new ndarray `[frames, channels]` over the
 *   dtype's typed array); with `blocking: true` a Promise of it.
 * @throws TypeError/RangeError for invalid or conflicting arguments (frames
 *   not a positive integer, `out` of another dtype, bad mapping, …);
 *   PortAudioError when the stream cannot be opened.
 */
export function rec<T = AudioArray>(frames: number | null | undefined, options: RecOptions<T> & { blocking: true }): Promise<T>;
export function rec<T = AudioArray>(frames: number | null | undefined, options?: RecOptions<T> & { blocking?: false }): T;
export function rec<T>(options: RecOptions<T> & { out: T; blocking: true }): Promise<T>;
export function rec<T>(options: RecOptions<T> & { out: T; blocking?: false }): T;
export function rec<T = AudioArray>(frames: number | null | undefined, options?: RecOptions<T>): T | Promise<T>;
export function rec(first?: unknown, second?: unknown): unknown {
  const optionsFirst = typeof first === 'object' && first !== null && second === undefined;
  const frames = optionsFirst ? undefined : first;
  const options = ((optionsFirst ? first : second) ?? {}) as RecOptions<unknown>;
  const blocking = checkCallOptions(options, REC_KEYS, 'rec');
  const r = prepareRecording({
    frames,
    channels: options.channels,
    dtype: options.dtype,
    out: options.out,
    mapping: options.mapping,
    mappingParam: 'mapping',
    defaultDType: defaults.dtype[0],
  });
  const done = startCall(
    'input',
    { ...streamOptionsOf(options), channels: r.deviceChannels, dtype: r.streamDType },
    { rec: { bytes: r.bytes, map: r.map } },
    r.finish,
  );
  return blocking ? done.then(() => r.result) : r.result;
}
