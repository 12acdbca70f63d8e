/**
 * Short printable forms of arbitrary values, for error messages.
 *
 * @module
 */

const MAX_STRING = 48;
const MAX_ITEMS = 4;

function _quote(text: string): string {
  const shortened = text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  const escaped = shortened
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

function _className(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'Object';
  const ctor = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name ? ctor.name : 'Object';
}

function _describe(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return _quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `function ${value.name}` : 'an anonymous function';
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (Array.isArray(obj)) {
    if (depth > 0) return `Array(${obj.length})`;
    const items = obj.slice(0, MAX_ITEMS).map((item) => _describe(item, depth + 1));
    if (obj.length > MAX_ITEMS) items.push(`… ${obj.length - MAX_ITEMS} more`);
    return `[${items.join(', ')}]`;
  }
  if (ArrayBuffer.isView(obj)) {
    const length = (obj as { length?: unknown }).length;
    const size = typeof length === 'number' ? length : obj.byteLength;
    return `${_className(obj)}(${size})`;
  }
  if (obj instanceof Date) return `Date(${Number.isNaN(obj.getTime()) ? 'invalid' : obj.toISOString()})`;
  if (obj instanceof Error) return `${obj.name}(${_quote(obj.message)})`;
  const name = _className(obj);
  if (name !== 'Object') return `${name} {…}`;
  if (depth > 0) return '{…}';
  const keys = Object.keys(obj);
  const entries = keys
    .slice(0, MAX_ITEMS)
    .map((key) => `${key}: ${_describe((obj as Record<string, unknown>)[key], depth + 1)}`);
  if (keys.length > MAX_ITEMS) entries.push('…');
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/**
 * Return a short, single-line printable form of any value, for use in error
 * messages.
 *
 * Strings are quoted (`'abc'`), numbers, booleans, `null` and `undefined` are
 * shown as written in code, arrays and plain objects are shown shallowly and
 * truncated, typed arrays as `Float32Array(128)`, other objects by their class
 * name.
 *
 * @param value - Any value.
 * @returns A short description of `value`; never throws.
 */
export function describe(value: unknown): string {
  try {
    return _describe(value, 0);
  } catch {
    return 'an unprintable value';
  }
}
