/**
 * Whether to write colour codes, and the colour functions (picocolors) that
 * follow that choice. Colour is for terminals: never written into a pipe or
 * a file unless asked for.
 */
import picocolors from 'picocolors';

/** picocolors' colour functions (`red`, `bgBlack`, …); plain text when colour is off. */
export type Colors = ReturnType<typeof picocolors.createColors>;

const _set = (value: string | undefined): boolean => value !== undefined && value !== '';

/**
 * Whether output to `out` gets colour codes:
 *
 * 1. `FORCE_COLOR` set and not empty: on, except `0` or `false`, which turn
 *    it off (Node.js's own reading of the variable; like Node, it wins over
 *    `NO_COLOR`).
 * 2. `NO_COLOR` set and not empty: off (https://no-color.org).
 * 3. Otherwise on only when `out` is a terminal and `TERM` is not `dumb`.
 *
 * @param out - Where the coloured text goes.
 * @param env - The environment (`process.env`).
 */
export function colorEnabled(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (_set(env.FORCE_COLOR)) return !['0', 'false'].includes(env.FORCE_COLOR!.trim().toLowerCase());
  if (_set(env.NO_COLOR)) return false;
  return out.isTTY === true && env.TERM !== 'dumb';
}

/** Colour functions for text written to `out` (see {@link colorEnabled}). */
export function colorsFor(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  return picocolors.createColors(colorEnabled(out, env));
}
