/**
 * `[input, output]` pairs: the live pair views of `defaults`, and picking one
 * half of an option given as a single value or a pair.
 *
 * @module
 */

/**
 * An `[input, output]` pair, as read from `defaults.device`,
 * `defaults.channels`, `defaults.dtype`, `defaults.latency` and
 * `defaults.extraSettings`.
 *
 * It is a two-element array (`pair[0]` is the input value, `pair[1]` the
 * output value; `const [input, output] = pair` works) with the aliases
 * `pair.input` and `pair.output`. Assigning to `[0]`, `[1]`, `input` or
 * `output` changes the default it was read from; other changes (`push`,
 * `length`, …) throw a `TypeError`.
 */
export type InOutPair<T> = [T, T] & { input: T; output: T };

/** A value that may be given once for input and output, or as an `[input, output]` pair. */
export type PairValue<T> = T | null | undefined | readonly [T | null | undefined, T | null | undefined];

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function _slot(key: string | symbol): 0 | 1 | undefined {
  if (key === '0' || key === 'input') return 0;
  if (key === '1' || key === 'output') return 1;
  return undefined;
}

/**
 * Create a live pair view over a two-element store.
 *
 * @param store - The array holding `[input, output]`; the view reads and
 *   writes it.
 * @param assign - Called to write one half: validates the value and stores
 *   it (or throws).
 * @param name - The pair's name for error messages, e.g. `'defaults.dtype'`.
 * @param read - Optional: what reading a half gives (default: the stored
 *   value), e.g. PortAudio's default device where none is stored.
 * @returns The view; `Array.isArray()` is true for it.
 */
export function createPairView<T>(
  store: [T, T],
  assign: (index: 0 | 1, value: unknown) => void,
  name: string,
  read: (index: 0 | 1) => T = (index) => store[index],
): InOutPair<T> {
  const readOnly = (key: string | symbol): TypeError =>
    new TypeError(
      `${name} is an [input, output] pair: only [0], [1], .input and .output can be assigned, not ${String(key)}`,
    );
  // The proxy target is a placeholder array, not `store`: Node's inspector looks
  // at the target directly and (Node 20) reports a proxied array whose first
  // element is null as a revoked proxy. The placeholder shows `store` instead.
  const target: unknown[] = [undefined, undefined];
  Object.defineProperty(target, INSPECT, { value: () => [read(0), read(1)] });
  return new Proxy(target, {
    get(obj, key, receiver) {
      const slot = _slot(key);
      return slot === undefined ? Reflect.get(obj, key, receiver) : read(slot);
    },
    set(_obj, key, value) {
      const slot = _slot(key);
      if (slot === undefined) throw readOnly(key);
      assign(slot, value);
      return true;
    },
    has(obj, key) {
      return key === 'input' || key === 'output' || Reflect.has(obj, key);
    },
    getOwnPropertyDescriptor(obj, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(obj, key);
      const slot = key === '0' || key === '1' ? _slot(key) : undefined;
      if (descriptor !== undefined && slot !== undefined) descriptor.value = read(slot);
      return descriptor;
    },
    deleteProperty(_obj, key) {
      throw readOnly(key);
    },
    defineProperty(_obj, key) {
      throw readOnly(key);
    },
  }) as unknown as InOutPair<T>;
}

/**
 * Pick the input (`index` 0) or output (`index` 1) half of an option that
 * may be a single value (used for both) or an `[input, output]` pair.
 *
 * `null` and `undefined`, as the whole value or as one half, mean "not given"
 * and give `undefined`, so that the caller falls back to `defaults`. `T`
 * itself must not be an array type.
 *
 * @param value - A single value, a two-element array or an
 *   {@link InOutPair}, or `null`/`undefined`.
 * @param index - 0 for the input half, 1 for the output half.
 * @param param - Name of the option, used in the error message
 *   (default `'value'`).
 * @returns The selected half, or `undefined` if it was not given.
 * @throws RangeError if `value` is an array whose length is not 2.
 */
export function resolvePair<T>(
  value: T | readonly [T, T] | InOutPair<T> | undefined | null,
  index: 0 | 1,
  param = 'value',
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const pair = value as readonly unknown[];
    if (pair.length !== 2) {
      throw new RangeError(
        `${param} must be a single value or an [input, output] pair, got an array of length ${pair.length}`,
      );
    }
    const item = pair[index];
    return item === undefined || item === null ? undefined : (item as T);
  }
  return value as T;
}
