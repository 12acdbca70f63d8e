/**
 * Strided 2-D views over the memory of ndarray-like objects (scijs `ndarray`,
 * `@stdlib/ndarray`, or any `{ data, shape, stride(s), offset }`) and typed
 * arrays, with the checks that keep them from being misread.
 */
import { describe } from '@sounddevice/core';
import { type SampleArray, type SampleDType, SUPPORTED_TYPED_ARRAYS, dtypeOfTypedArray } from './dtypes.js';

/** A `[frames, channels]` view: sample (i, c) is `data[offset + i * s0 + c * s1]`. */
export interface Strided<D = SampleArray | unknown[]> {
  data: D;
  frames: number;
  channels: number;
  offset: number;
  s0: number;
  s1: number;
  /** 1 for mono input given as a 1-D array, else 2. */
  dims: 1 | 2;
}

/** An ndarray-like object: `data` and `shape`, optionally `stride`/`strides` and `offset`. */
export interface NdarrayLike {
  data: unknown;
  shape: readonly number[];
  stride?: readonly number[];
  strides?: readonly number[];
  offset?: number;
}

/**
 * True for objects that look like an ndarray (scijs or @stdlib): they have
 * `shape` (an array) and `data`.
 *
 * @param value - Anything.
 */
export function isNdarrayLike(value: unknown): value is NdarrayLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    Array.isArray((value as { shape?: unknown }).shape) &&
    'data' in value
  );
}

/** True for typed arrays (not `DataView`). */
export function isTypedArray(value: unknown): value is ArrayBufferView & ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function _integers(value: unknown, param: string, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v))) {
    throw new TypeError(`${param}.${what} must be an array of integers, got ${describe(value)}`);
  }
  return value as number[];
}

/**
 * Reads the layout of an ndarray-like object.
 *
 * @param value - The ndarray.
 * @param param - Parameter name for messages.
 * @throws TypeError for more than 2 dimensions, a negative shape, or
 *   strides/offset that reach outside `data`.
 */
export function stridedOfNdarray(value: NdarrayLike, param: string): Strided<unknown> {
  const shape = _integers(value.shape, param, 'shape');
  if (shape.length < 1 || shape.length > 2) {
    throw new TypeError(
      `${param} must be 1-D (mono) or 2-D with shape [frames, channels], got a ${shape.length}-D ndarray of shape [${shape.join(', ')}]`,
    );
  }
  if (shape.some((n) => n < 0)) throw new TypeError(`${param}.shape must not be negative, got [${shape.join(', ')}]`);
  const given = value.stride ?? value.strides;
  const strides = given === undefined ? (shape.length === 2 ? [shape[1]!, 1] : [1]) : _integers(given, param, 'stride');
  if (strides.length !== shape.length) {
    throw new TypeError(`${param} has ${shape.length} dimensions but ${strides.length} strides`);
  }
  const offset = value.offset ?? 0;
  if (!Number.isSafeInteger(offset)) throw new TypeError(`${param}.offset must be an integer, got ${describe(offset)}`);
  const frames = shape[0]!;
  const channels = shape.length === 2 ? shape[1]! : 1;
  const s0 = strides[0]!;
  const s1 = shape.length === 2 ? strides[1]! : 1;
  const data = value.data;
  const length = (data as { length?: unknown } | null)?.length;
  if (typeof length !== 'number') {
    throw new TypeError(`${param}.data must be a typed array or an array of numbers, got ${describe(data)}`);
  }
  if (frames > 0 && channels > 0) {
    let lo = offset;
    let hi = offset;
    for (const [n, s] of [[frames, s0], [channels, s1]] as const) {
      if (s < 0) lo += (n - 1) * s;
      else hi += (n - 1) * s;
    }
    if (lo < 0 || hi >= length) {
      throw new TypeError(
        `${param}'s shape [${shape.join(', ')}], strides [${strides.join(', ')}] and offset ${offset} reach outside its data (${length} items)`,
      );
    }
  }
  return { data, frames, channels, offset, s0, s1, dims: shape.length as 1 | 2 };
}

/** The typed array's format, or a TypeError naming the supported ones. */
export function typedDType(array: ArrayBufferView, param: string): SampleDType {
  const dtype = dtypeOfTypedArray(array);
  if (dtype === undefined) {
    throw new TypeError(`${param} must be a ${SUPPORTED_TYPED_ARRAYS}, got a ${array.constructor.name}`);
  }
  return dtype;
}

/**
 * When the view is C-contiguous (interleaved frames) over a typed array,
 * the typed array of exactly its samples (no copy); else `undefined`.
 *
 * @param s - The view.
 */
export function contiguousSamples(s: Strided<unknown>): SampleArray | undefined {
  if (!isTypedArray(s.data)) return undefined;
  const rowsOk = s.frames <= 1 || s.s0 === s.channels;
  const colsOk = s.channels <= 1 || s.s1 === 1;
  if (!rowsOk || !colsOk) return undefined;
  return (s.data as SampleArray).subarray(s.offset, s.offset + s.frames * s.channels);
}

/** A mono view over a whole typed array. */
export function stridedOfTyped<D>(array: D & ArrayLike<number>): Strided<D> {
  return { data: array, frames: array.length, channels: 1, offset: 0, s0: 1, s1: 1, dims: 1 };
}
