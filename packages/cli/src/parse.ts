/** Parsers for option values; they throw commander's `InvalidArgumentError` (exit code 2). */
import { InvalidArgumentError } from 'commander';

function _number(value: string, what: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${what} must be a number, got '${value}'.`);
  return n;
}

/**
 * Returns a parser for a finite number greater than zero.
 *
 * @param what - The value's name in the error message.
 */
export function positiveNumber(what: string): (value: string) => number {
  return (value) => {
    const n = _number(value, what);
    if (n <= 0) throw new InvalidArgumentError(`${what} must be greater than 0, got ${value}.`);
    return n;
  };
}

/**
 * Returns a parser for a whole number greater than zero.
 *
 * @param what - The value's name in the error message.
 */
export function positiveInteger(what: string): (value: string) => number {
  return (value) => {
    const n = _number(value, what);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a whole number greater than 0, got ${value}.`);
    return n;
  };
}

/** Parses an amplitude: a number from 0 to 1 (1 is full scale). */
export function amplitude(value: string): number {
  const n = _number(value, 'amplitude');
  if (n < 0 || n > 1) throw new InvalidArgumentError(`amplitude must be from 0 to 1, got ${value}.`);
  return n;
}

/**
 * Parses a device: digits are a device index, anything else is a query of
 * space-separated name substrings (as the library's `device` options take).
 */
export function device(value: string): number | string {
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidArgumentError('device must be an index or a name, got an empty string.');
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}
