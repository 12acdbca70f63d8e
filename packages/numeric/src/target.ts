/**
 * Arrays the caller hands in to be written into (`readInto`, `rec`'s `out`):
 * an ndarray over a typed array, or a typed array (mono).
 */
import { describe } from '@sounddevice/core';
import { type SampleArray, type SampleDType, sampleBytes } from './dtypes.js';
import { contiguousSamples, isNdarrayLike, isTypedArray, stridedOfNdarray, stridedOfTyped, typedDType, type Strided } from './strided.js';

/** A writable `[frames, channels]` view and its format. */
export interface Target extends Strided<SampleArray> {
  dtype: SampleDType;
  /** Its samples as one interleaved typed array, when it is C-contiguous. */
  interleaved: SampleArray | undefined;
}

/**
 * Describe an array to be written into.
 *
 * @param value - An ndarray (scijs/@stdlib) over a typed array, or a typed array (mono).
 * @param param - Parameter name for messages (`'out'`, `'array'`).
 * @throws TypeError for other values, plain-array ndarrays, unsupported
 *   typed arrays and more than 2 dimensions.
 */
export function describeTarget(value: unknown, param: string): Target {
  let strided: Strided<unknown>;
  if (isTypedArray(value)) strided = stridedOfTyped(value);
  else if (isNdarrayLike(value)) strided = stridedOfNdarray(value, param);
  else {
    throw new TypeError(`${param} must be an ndarray over a typed array or a typed array (mono), got ${describe(value)}`);
  }
  if (!isTypedArray(strided.data)) {
    throw new TypeError(`${param} must be backed by a typed array to be written into, got ${describe(strided.data)}`);
  }
  const dtype = typedDType(strided.data, isTypedArray(value) ? param : `${param}.data`);
  const target = strided as Strided<SampleArray>;
  return { ...target, dtype, interleaved: contiguousSamples(target) };
}

/** The bytes of a contiguous target (for the native side to write into). */
export function targetBytes(target: Target): Uint8Array | undefined {
  return target.interleaved === undefined ? undefined : sampleBytes(target.interleaved);
}
