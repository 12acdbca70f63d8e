/**
 * Small reusable argument validators.
 *
 * Every validator returns the (narrowed) value when it is acceptable and
 * otherwise throws a `TypeError` (the value has the wrong type) or a
 * `RangeError` (right type, value not allowed). The message always reads
 * `<param> must be <allowed>, got <value>`.
 *
 * @module
 */

import { describe } from './describe.js';
import { suggestName } from './suggest.js';

export { describe } from './describe.js';

/** The latency values accepted by streams and `defaults.latency`. */
export type Latency = 'low' | 'high' | number;

function _message(param: string, allowed: string, value: unknown): string {
  return `${param} must be ${allowed}, got ${describe(value)}`;
}

function _typeError(param: string, allowed: string, value: unknown): TypeError {
  return new TypeError(_message(param, allowed, value));
}

function _rangeError(param: string, allowed: string, value: unknown): RangeError {
  return new RangeError(_message(param, allowed, value));
}

function _checkInteger(value: unknown, param: string, allowed: string, min: number): number {
  if (typeof value !== 'number') throw _typeError(param, allowed, value);
  if (!Number.isSafeInteger(value) || value < min) throw _rangeError(param, allowed, value);
  return value;
}

/**
 * Check that a value is an integer greater than zero.
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message.
 * @returns `value`, typed as a number.
 * @throws TypeError if `value` is not a number.
 * @throws RangeError if `value` is not a positive (safe) integer.
 */
export function checkPositiveInteger(value: unknown, param: string): number {
  return _checkInteger(value, param, 'a positive integer', 1);
}

/**
 * Check that a value is an integer greater than or equal to zero.
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message.
 * @returns `value`, typed as a number.
 * @throws TypeError if `value` is not a number.
 * @throws RangeError if `value` is not a non-negative (safe) integer.
 */
export function checkNonNegativeInteger(value: unknown, param: string): number {
  return _checkInteger(value, param, 'a non-negative integer', 0);
}

/**
 * Check that a value is a finite number greater than zero.
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message.
 * @returns `value`, typed as a number.
 * @throws TypeError if `value` is not a number.
 * @throws RangeError if `value` is zero, negative, `NaN` or infinite.
 */
export function checkPositiveNumber(value: unknown, param: string): number {
  const allowed = 'a positive finite number';
  if (typeof value !== 'number') throw _typeError(param, allowed, value);
  if (!Number.isFinite(value) || value <= 0) throw _rangeError(param, allowed, value);
  return value;
}

/**
 * Check that a value is `true` or `false` (no truthiness conversion).
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message.
 * @returns `value`, typed as a boolean.
 * @throws TypeError if `value` is not a boolean.
 */
export function checkBoolean(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw _typeError(param, 'true or false', value);
  return value;
}

/** Quality settings of the sample-rate converter (`resampleQuality`), cheapest first. */
export const RESAMPLE_QUALITIES = ['low', 'medium', 'high', 'best'] as const;

/**
 * A quality of the sample-rate converter (measured in docs/benchmarks.md):
 * `'low'` (64-point filter, linear interpolation: -19 dB at 0.45 × the lower
 * rate, aliasing about -98 dB), `'medium'` (128 points: -0.9 dB, about
 * -96 dB), `'high'` (256 points, cubic, the default: flat within 0.001 dB,
 * aliasing and images below -130 dB) or `'best'` (512 points: a narrower
 * transition band, twice the CPU of `'high'`).
 */
export type ResampleQuality = (typeof RESAMPLE_QUALITIES)[number];

/**
 * Check a `resampleQuality` value.
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message.
 * @throws TypeError if not a string, RangeError if not one of
 *   {@link RESAMPLE_QUALITIES}.
 */
export function checkResampleQuality(value: unknown, param: string): ResampleQuality {
  if (typeof value !== 'string') throw _typeError(param, "'low', 'medium', 'high' or 'best'", value);
  if (!(RESAMPLE_QUALITIES as readonly string[]).includes(value)) {
    throw new RangeError(`${param} must be 'low', 'medium', 'high' or 'best', got '${value}'`);
  }
  return value as ResampleQuality;
}

/**
 * Check a suggested latency: `'low'`, `'high'` (the device's default low or
 * high latency) or a finite, non-negative number of seconds.
 *
 * @param value - The value to check.
 * @param param - Name of the parameter, used in the error message.
 * @returns `value`, typed as {@link Latency}.
 * @throws TypeError if `value` is neither a string nor a number.
 * @throws RangeError for any other string, or a negative or non-finite number.
 */
export function checkLatency(value: unknown, param: string): Latency {
  const allowed = "'low', 'high' or a non-negative number of seconds";
  if (typeof value === 'string') {
    if (value === 'low' || value === 'high') return value;
    throw _rangeError(param, allowed, value);
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw _rangeError(param, allowed, value);
  }
  throw _typeError(param, allowed, value);
}

/**
 * Check that a value is one of a fixed set of allowed values (compared with
 * `===`).
 *
 * @param value - The value to check.
 * @param allowed - The allowed values; listed in the error message.
 * @param param - Name of the parameter, used in the error message.
 * @returns `value`, typed as one of `allowed`.
 * @throws TypeError if `value` has a type none of the allowed values has.
 * @throws RangeError if `value` has the right type but is not allowed.
 */
export function checkOneOf<const T extends string | number | boolean | null>(
  value: unknown,
  allowed: readonly T[],
  param: string,
): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  const list = `one of ${allowed.map((item) => describe(item)).join(', ')}`;
  const types = new Set(allowed.map((item) => (item === null ? 'null' : typeof item)));
  const valueType = value === null ? 'null' : typeof value;
  if (!types.has(valueType)) throw _typeError(param, list, value);
  throw _rangeError(param, list, value);
}

/**
 * Check that a value is an options object (not `null`, not an array) whose
 * keys are all known. Keys whose value is `undefined` are still checked.
 *
 * @param obj - The options object to check.
 * @param allowedKeys - The keys that may appear.
 * @param param - Name of the options parameter, used in the error message.
 * @throws TypeError if `obj` is not an object, or has a key not in
 *   `allowedKeys` (the message suggests the intended key for Python-style or
 *   wrongly cased spellings).
 */
export function checkUnknownKeys(obj: unknown, allowedKeys: readonly string[], param: string): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw _typeError(param, 'an options object', obj);
  }
  for (const key of Object.keys(obj)) {
    if (allowedKeys.includes(key)) continue;
    const suggestion = suggestName(key, allowedKeys);
    const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
    const allowed =
      allowedKeys.length === 0 ? 'an empty object' : `an object with only the keys ${allowedKeys.join(', ')}`;
    throw new TypeError(`${param} must be ${allowed}, got unknown key ${describe(key)}${hint}`);
  }
}
