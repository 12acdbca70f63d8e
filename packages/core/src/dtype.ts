/**
 * Sample formats ("data types") supported by PortAudio streams.
 *
 * @module
 */

import { checkOneOf } from './validate.js';

/**
 * A sample format understood by PortAudio streams.
 *
 * - `'float32'`: 32 bit float, full scale is -1.0 … +1.0.
 * - `'int32'`, `'int16'`, `'int8'`: signed integers.
 * - `'int24'`: packed signed 24 bit integers (3 bytes per sample, little
 *   endian); only raw streams support it, there is no typed array for it.
 * - `'uint8'`: unsigned 8 bit, where 128 is silence.
 */
export type DType = 'float32' | 'int32' | 'int24' | 'int16' | 'int8' | 'uint8';

/**
 * A sample format accepted where whole arrays are played or recorded
 * (`play()`, `rec()`, `playrec()`): every {@link DType} plus `'float64'`,
 * which is converted from/to `'float32'` because PortAudio does not support
 * it.
 */
export type ArrayDType = DType | 'float64';

/** All stream sample formats, in PortAudio's order. */
export const DTYPES: readonly DType[] = Object.freeze([
  'float32',
  'int32',
  'int24',
  'int16',
  'int8',
  'uint8',
] as const);

/** All array sample formats: {@link DTYPES} plus `'float64'`. */
export const ARRAY_DTYPES: readonly ArrayDType[] = Object.freeze([...DTYPES, 'float64'] as const);

const SAMPLE_SIZES: Readonly<Record<DType, number>> = Object.freeze({
  float32: 4,
  int32: 4,
  int24: 3,
  int16: 2,
  int8: 1,
  uint8: 1,
});

/**
 * Check that a value names a stream sample format.
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message
 *   (default `'dtype'`).
 * @returns `value`, typed as {@link DType}.
 * @throws TypeError if `value` is not a string.
 * @throws RangeError if `value` is a string but not one of {@link DTYPES}.
 */
export function validateDType(value: unknown, param = 'dtype'): DType {
  return checkOneOf(value, DTYPES, param);
}

/**
 * Check that a value names an array sample format ({@link DTYPES} or
 * `'float64'`).
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message
 *   (default `'dtype'`).
 * @returns `value`, typed as {@link ArrayDType}.
 * @throws TypeError if `value` is not a string.
 * @throws RangeError if `value` is a string but not one of
 *   {@link ARRAY_DTYPES}.
 */
export function validateArrayDType(value: unknown, param = 'dtype'): ArrayDType {
  return checkOneOf(value, ARRAY_DTYPES, param);
}

/**
 * Return the size in bytes of one sample of the given format, as PortAudio
 * stores it (`'int24'` is packed: 3 bytes).
 *
 * @param dtype - A stream sample format.
 * @returns The number of bytes per sample (1, 2, 3 or 4).
 * @throws TypeError or RangeError if `dtype` is not a valid {@link DType}.
 */
export function sampleSize(dtype: DType): number {
  return SAMPLE_SIZES[validateDType(dtype)];
}
