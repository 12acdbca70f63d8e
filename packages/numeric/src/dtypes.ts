/**
 * The sample formats arrays can hold, their typed arrays, and the check that
 * keeps `'int24'` (no typed array) in the raw classes.
 */
import type ndarray from 'ndarray';
import { type ArrayDType, type DType, defaults, describe } from '@sounddevice/core';

/** A sample format with a typed array: every `ArrayDType` except `'int24'`. */
export type SampleDType = Exclude<ArrayDType, 'int24'>;

/** The typed arrays audio arrays are built over. */
export type SampleArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/**
 * An audio array: a scijs `ndarray` of shape `[frames, channels]`, C order
 * (interleaved frames) over the dtype's typed array.
 */
export type AudioArray<D extends SampleArray = SampleArray> = ndarray.NdArray<D>;

type SampleArrayConstructor = {
  new (length: number): SampleArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): SampleArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: Readonly<Record<SampleDType, SampleArrayConstructor>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
};

/** Inclusive range of the integer formats. */
export const INTEGER_RANGES: Readonly<Partial<Record<SampleDType, readonly [number, number]>>> = {
  int32: [-2147483648, 2147483647],
  int16: [-32768, 32767],
  int8: [-128, 127],
  uint8: [0, 255],
};

/**
 * The typed array constructor of a sample format.
 *
 * @param dtype - A sample format with a typed array.
 */
export function arrayConstructor(dtype: SampleDType): SampleArrayConstructor {
  return CONSTRUCTORS[dtype];
}

/**
 * A new zero-filled typed array of `length` samples.
 *
 * @param dtype - Sample format.
 * @param length - Number of samples.
 */
export function allocSamples(dtype: SampleDType, length: number): SampleArray {
  return new CONSTRUCTORS[dtype](length);
}

/**
 * The sample format of a typed array, or `undefined` for typed arrays no
 * stream format matches (`Uint16Array`, `BigInt64Array`, …).
 *
 * @param array - Any typed array.
 */
export function dtypeOfTypedArray(array: ArrayBufferView): SampleDType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return 'uint8';
  return undefined;
}

/** The list of supported typed arrays, for error messages. */
export const SUPPORTED_TYPED_ARRAYS = 'Float32Array, Float64Array, Int32Array, Int16Array, Int8Array or Uint8Array';

/**
 * The bytes of a typed array's samples `[start, start + length)`, as a
 * `Uint8Array` over the same memory.
 *
 * @param array - The typed array.
 * @param start - First sample.
 * @param length - Number of samples.
 */
export function sampleBytes(array: SampleArray, start = 0, length = array.length - start): Uint8Array {
  const size = array.BYTES_PER_ELEMENT;
  return new Uint8Array(array.buffer, array.byteOffset + start * size, length * size);
}

/**
 * A typed array of `dtype` over `bytes` (no copy when `bytes` is aligned,
 * else a copy).
 *
 * @param bytes - Interleaved samples.
 * @param dtype - Their format.
 */
export function samplesOf(bytes: Uint8Array, dtype: SampleDType): SampleArray {
  const Ctor = CONSTRUCTORS[dtype];
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  const copy = new Uint8Array(bytes);
  return new Ctor(copy.buffer, 0, copy.byteLength / size);
}

/**
 * Array streams have no `'int24'` (there is no typed array for packed 24 bit
 * samples) and no `'float64'` (PortAudio has no such format; Python's
 * streams refuse it too): throws before the stream is opened if one is
 * asked for, directly or through `defaults.dtype`.
 *
 * @param dtype - The `dtype` option (single value or `[input, output]` pair).
 * @param directions - Which of `defaults.dtype`'s entries apply (0 input, 1 output).
 * @param kind - Class name for the message.
 * @throws TypeError naming the Raw class to use instead.
 */
export function rejectInt24(dtype: unknown, directions: readonly (0 | 1)[], kind: string): void {
  for (const i of directions) {
    const given: unknown = Array.isArray(dtype) ? dtype[i] : dtype;
    const value: DType | unknown = given ?? defaults.dtype[i];
    if (value === 'float64') {
      const from = given === undefined || given === null ? ' (from defaults.dtype)' : '';
      throw new TypeError(
        `dtype 'float64'${from} is not supported by ${kind}: PortAudio has no 64 bit samples; choose 'float32' ` +
          `(defaults.dtype 'float64' is for rec(), which converts its float32 recording)`,
      );
    }
    if (value === 'int24') {
      const from = given === undefined || given === null ? ' (from defaults.dtype)' : '';
      throw new TypeError(
        `dtype ${describe(value)}${from} is not supported by ${kind}: packed 24 bit samples have no typed array; ` +
          `use Raw${kind} (bytes) for 'int24', or choose 'int32'`,
      );
    }
  }
}
