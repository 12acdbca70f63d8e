/** Byte comparisons whose failures say where the bytes part, not a dump of megabytes. */
import { expect } from 'vitest';

/** Index of the first differing byte of `a` and `b`, or -1 if they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}

/** Asserts `actual` equals `expected` byte for byte; on failure names the first differing frame. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, frameBytes: number, what: string): void {
  const at = firstDifference(actual, expected);
  const where =
    at < 0
      ? 'equal'
      : `differ from frame ${Math.floor(at / frameBytes)} (${actual.byteLength / frameBytes} frames vs ${expected.byteLength / frameBytes} expected)`;
  expect(where, what).toBe('equal');
}
