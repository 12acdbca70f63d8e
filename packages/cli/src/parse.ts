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

/**
 * Returns a parser for a non-negative number (0 allowed).
 *
 * @param what - The value's name in the error message.
 */
export function nonNegativeNumber(what: string): (value: string) => number {
  return (value) => {
    const n = _number(value, what);
    if (n < 0) throw new InvalidArgumentError(`${what} must be 0 or more, got ${value}.`);
    return n;
  };
}

/**
 * Returns a parser for a whole number that is 0 or more.
 *
 * @param what - The value's name in the error message.
 */
export function nonNegativeInteger(what: string): (value: string) => number {
  return (value) => {
    const n = _number(value, what);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number, 0 or more, got ${value}.`);
    return n;
  };
}

/**
 * Returns a parser for a list of 1-based channel numbers such as `1,2` or
 * `2 1` (Python's `mapping`): whole numbers from 1, none twice.
 *
 * @param what - The value's name in the error message.
 */
export function channelList(what: string): (value: string) => number[] {
  return (value) => {
    const parts = value.split(/[\s,]+/).filter((p) => p !== '');
    if (parts.length === 0) throw new InvalidArgumentError(`${what} must list channel numbers from 1 (e.g. 1,2), got '${value}'.`);
    const list = parts.map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must list channel numbers from 1 (e.g. 1,2), got '${value}'.`);
      return n;
    });
    if (new Set(list).size !== list.length) throw new InvalidArgumentError(`${what} must not name a channel twice, got '${value}'.`);
    return list;
  };
}

/**
 * Parses `--device` of commands with an input and an output: one device for
 * both, or `IN,OUT` (each an index or name substrings).
 */
export function devicePair(value: string): [number | string, number | string] {
  const parts = value.split(',');
  if (parts.length > 2) throw new InvalidArgumentError(`device must be one device or IN,OUT, got '${value}'.`);
  const input = device(parts[0]!);
  return [input, parts.length === 2 ? device(parts[1]!) : input];
}
