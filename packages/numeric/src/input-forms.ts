/**
 * Every form audio data may come in (design.md): an ndarray (scijs or
 * @stdlib), a typed array (mono), an array of per-channel typed arrays,
 * nested plain arrays `[frame][channel]`, plain numbers (mono), or an
 * `AudioBuffer`-like object. Each is described as a {@link FrameSource}:
 * frames × channels with a sample accessor, without copying anything yet.
 */
import { describe } from '@sounddevice/core';
import type { SampleArray, SampleDType } from './dtypes.js';
import {
  contiguousSamples,
  isNdarrayLike,
  isTypedArray,
  stridedOfNdarray,
  stridedOfTyped,
  typedDType,
  type Strided,
} from './strided.js';

/** Audio data in any accepted form (see the module documentation). */
export type AudioData =
  | { data: unknown; shape: readonly number[]; stride?: readonly number[]; strides?: readonly number[]; offset?: number }
  | SampleArray
  | Uint8ClampedArray
  | readonly SampleArray[]
  | readonly number[]
  | readonly (readonly number[])[]
  | AudioBufferLike;

/** What is used of a Web Audio `AudioBuffer`. */
export interface AudioBufferLike {
  readonly numberOfChannels: number;
  readonly length?: number;
  readonly sampleRate?: number;
  getChannelData(channel: number): Float32Array;
}

/** Data described as frames × channels. */
export interface FrameSource {
  frames: number;
  channels: number;
  /** The samples' format; `'float64'` for plain JavaScript numbers. */
  dtype: SampleDType;
  /** Plain JavaScript numbers (no format of their own: converted with range checks). */
  plain: boolean;
  /** The samples as one interleaved typed array, when they already are (no copy). */
  interleaved: SampleArray | undefined;
  /** Sample of frame `i`, channel `c` (unchecked for plain arrays). */
  at(i: number, c: number): unknown;
  /** Where sample (i, c) lives, for messages (`'[3][1]'`, `'.data[7]'`). */
  where(i: number, c: number): string;
  /** The `sampleRate` of an AudioBuffer-like input. */
  sampleRate?: number;
}

function _fromStrided(s: Strided<unknown>, param: string, prefix = ''): FrameSource {
  let dtype: SampleDType = 'float64';
  let plain = true;
  if (isTypedArray(s.data)) {
    dtype = typedDType(s.data, `${param}.data`);
    plain = false;
  } else if (!Array.isArray(s.data)) {
    throw new TypeError(`${param}.data must be a typed array or an array of numbers, got ${describe(s.data)}`);
  }
  const data = s.data as ArrayLike<unknown>;
  const { offset, s0, s1 } = s;
  return {
    frames: s.frames,
    channels: s.channels,
    dtype,
    plain,
    interleaved: plain ? undefined : contiguousSamples(s),
    at: (i, c) => data[offset + i * s0 + c * s1],
    where: (i, c) => `${prefix}[${offset + i * s0 + c * s1}]`,
  };
}

function _fromChannels(arrays: readonly unknown[], param: string, sampleRate?: number): FrameSource {
  const channels = arrays.length;
  let dtype: SampleDType | undefined;
  let frames = 0;
  arrays.forEach((a, c) => {
    if (!isTypedArray(a)) {
      throw new TypeError(`${param}[${c}] must be a typed array like ${param}[0], got ${describe(a)}`);
    }
    const d = typedDType(a, `${param}[${c}]`);
    if (c === 0) {
      dtype = d;
      frames = a.length;
    } else if (d !== dtype) {
      throw new TypeError(`${param}: all channels must have one format, ${param}[0] is ${dtype} but ${param}[${c}] is ${d}`);
    } else if (a.length !== frames) {
      throw new TypeError(
        `${param}: all channels must have the same length, ${param}[0] has ${frames} samples but ${param}[${c}] has ${a.length}`,
      );
    }
  });
  const typed = arrays as readonly SampleArray[];
  const source: FrameSource = {
    frames,
    channels,
    dtype: dtype ?? 'float32',
    plain: false,
    interleaved: channels === 1 ? typed[0] : undefined,
    at: (i, c) => typed[c]![i],
    where: (i, c) => `[${c}][${i}]`,
  };
  if (sampleRate !== undefined) source.sampleRate = sampleRate;
  return source;
}

function _fromNested(rows: readonly unknown[], param: string): FrameSource {
  const first = rows[0] as unknown[];
  const channels = first.length;
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) {
      throw new TypeError(`${param}[${i}] must be an array like ${param}[0] (one frame of samples), got ${describe(row)}`);
    }
    if (row.length !== channels) {
      throw new TypeError(
        `${param} must be rectangular (nested arrays [frame][channel]): ${param}[0] has ${channels} samples but ${param}[${i}] has ${row.length}`,
      );
    }
  });
  if (channels > 0 && (Array.isArray(first[0]) || isTypedArray(first[0]))) {
    throw new TypeError(`${param} must be 1-D (mono) or 2-D [frame][channel], got arrays nested 3 levels deep (3-D)`);
  }
  const nested = rows as readonly (readonly unknown[])[];
  return {
    frames: rows.length,
    channels,
    dtype: 'float64',
    plain: true,
    interleaved: undefined,
    at: (i, c) => nested[i]![c],
    where: (i, c) => `[${i}][${c}]`,
  };
}

function _isAudioBufferLike(value: unknown): value is AudioBufferLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AudioBufferLike).getChannelData === 'function' &&
    typeof (value as AudioBufferLike).numberOfChannels === 'number'
  );
}

/**
 * Describe audio data given in any accepted form as frames × channels.
 * Nothing is copied; samples of plain arrays are checked when converted.
 *
 * @param data - The audio data.
 * @param param - Parameter name for messages (`'data'`).
 * @throws TypeError for anything else: more than 2 dimensions, ragged
 *   nested arrays, mixed or unsupported typed arrays, …
 */
export function describeInput(data: unknown, param: string): FrameSource {
  if (isTypedArray(data)) return _fromStrided(stridedOfTyped(data), param);
  if (isNdarrayLike(data)) return _fromStrided(stridedOfNdarray(data, param), param, '.data');
  if (_isAudioBufferLike(data)) {
    const n = data.numberOfChannels;
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new TypeError(`${param}.numberOfChannels must be a positive integer, got ${describe(n)}`);
    }
    const arrays = Array.from({ length: n }, (_, c) => data.getChannelData(c));
    return _fromChannels(arrays, `${param}.getChannelData()`, typeof data.sampleRate === 'number' ? data.sampleRate : undefined);
  }
  if (Array.isArray(data)) {
    if (data.length === 0 || typeof data[0] === 'number') {
      return _fromStrided({ data, frames: data.length, channels: 1, offset: 0, s0: 1, s1: 1, dims: 1 }, param);
    }
    if (isTypedArray(data[0])) return _fromChannels(data, param);
    if (Array.isArray(data[0])) return _fromNested(data, param);
    throw new TypeError(
      `${param}[0] must be a number (mono), an array (one frame) or a typed array (one channel), got ${describe(data[0])}`,
    );
  }
  throw new TypeError(
    `${param} must be an ndarray, a typed array (mono), an array of per-channel typed arrays, ` +
      `nested arrays [frame][channel], an array of numbers (mono) or an AudioBuffer, got ${describe(data)}`,
  );
}
