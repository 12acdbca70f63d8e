import { describe as suite, expect, it } from 'vitest';
import { suggestName } from './suggest.js';
import {
  checkBoolean,
  checkLatency,
  checkNonNegativeInteger,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkUnknownKeys,
  describe,
} from './validate.js';

suite('describe', () => {
  it('prints primitives as written in code', () => {
    expect(describe('abc')).toBe("'abc'");
    expect(describe("it's")).toBe("'it\\'s'");
    expect(describe('a\nb')).toBe("'a\\nb'");
    expect(describe(42)).toBe('42');
    expect(describe(-0)).toBe('-0');
    expect(describe(Number.NaN)).toBe('NaN');
    expect(describe(Infinity)).toBe('Infinity');
    expect(describe(10n)).toBe('10n');
    expect(describe(true)).toBe('true');
    expect(describe(null)).toBe('null');
    expect(describe(undefined)).toBe('undefined');
    expect(describe(Symbol('x'))).toBe('Symbol(x)');
  });

  it('keeps long values short', () => {
    expect(describe('x'.repeat(100))).toBe(`'${'x'.repeat(48)}…'`);
    expect(describe([1, 2, 3, 4, 5, 6])).toBe('[1, 2, 3, 4, … 2 more]');
    expect(describe([[1, 2], 'a'])).toBe("[Array(2), 'a']");
    expect(describe({ a: 1, b: 'x' })).toBe("{ a: 1, b: 'x' }");
    expect(describe({ a: { b: 1 } })).toBe('{ a: {…} }');
    expect(describe({ a: 1, b: 2, c: 3, d: 4, e: 5 })).toBe('{ a: 1, b: 2, c: 3, d: 4, … }');
    expect(describe({})).toBe('{}');
  });

  it('names objects by their class', () => {
    expect(describe(new Float32Array(128))).toBe('Float32Array(128)');
    expect(describe(new DataView(new ArrayBuffer(8)))).toBe('DataView(8)');
    expect(describe(new Map())).toBe('Map {…}');
    expect(describe(new RangeError('bad'))).toBe("RangeError('bad')");
    expect(describe(Object.create(null))).toBe('{}');
    expect(describe(function named() {})).toBe('function named');
    expect(describe(new Date(0))).toBe('Date(1970-01-01T00:00:00.000Z)');
  });

  it('never throws', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    expect(describe(hostile)).toBe('an unprintable value');
  });
});

suite('integer and number checks', () => {
  it('accept valid values and return them', () => {
    expect(checkPositiveInteger(1, 'channels')).toBe(1);
    expect(checkNonNegativeInteger(0, 'blockSize')).toBe(0);
    expect(checkPositiveNumber(44100.5, 'sampleRate')).toBe(44100.5);
  });

  it('throw TypeError for wrong types', () => {
    expect(() => checkPositiveInteger('2', 'channels')).toThrow(
      new TypeError("channels must be a positive integer, got '2'"),
    );
    expect(() => checkNonNegativeInteger(null, 'blockSize')).toThrow(TypeError);
    expect(() => checkPositiveNumber(1n, 'sampleRate')).toThrow(TypeError);
  });

  it('throw RangeError for wrong values', () => {
    expect(() => checkPositiveInteger(0, 'channels')).toThrow(new RangeError('channels must be a positive integer, got 0'));
    expect(() => checkPositiveInteger(1.5, 'channels')).toThrow(RangeError);
    expect(() => checkPositiveInteger(2 ** 60, 'channels')).toThrow(RangeError);
    expect(() => checkNonNegativeInteger(-1, 'blockSize')).toThrow(
      new RangeError('blockSize must be a non-negative integer, got -1'),
    );
    expect(() => checkPositiveNumber(0, 'sampleRate')).toThrow(
      new RangeError('sampleRate must be a positive finite number, got 0'),
    );
    expect(() => checkPositiveNumber(Infinity, 'sampleRate')).toThrow(RangeError);
    expect(() => checkPositiveNumber(Number.NaN, 'sampleRate')).toThrow(RangeError);
  });
});

suite('checkBoolean', () => {
  it('accepts only true and false', () => {
    expect(checkBoolean(true, 'clipOff')).toBe(true);
    expect(checkBoolean(false, 'clipOff')).toBe(false);
    expect(() => checkBoolean(1, 'clipOff')).toThrow(new TypeError('clipOff must be true or false, got 1'));
    expect(() => checkBoolean('false', 'clipOff')).toThrow(TypeError);
  });
});

suite('checkLatency', () => {
  it("accepts 'low', 'high' and non-negative seconds", () => {
    expect(checkLatency('low', 'latency')).toBe('low');
    expect(checkLatency('high', 'latency')).toBe('high');
    expect(checkLatency(0, 'latency')).toBe(0);
    expect(checkLatency(0.1, 'latency')).toBe(0.1);
  });

  it('rejects other values', () => {
    expect(() => checkLatency('medium', 'latency')).toThrow(
      new RangeError("latency must be 'low', 'high' or a non-negative number of seconds, got 'medium'"),
    );
    expect(() => checkLatency(-0.1, 'latency')).toThrow(RangeError);
    expect(() => checkLatency(Infinity, 'latency')).toThrow(RangeError);
    expect(() => checkLatency(null, 'latency')).toThrow(TypeError);
  });
});

suite('checkOneOf', () => {
  it('returns allowed values', () => {
    expect(checkOneOf('b', ['a', 'b'], 'mode')).toBe('b');
    expect(checkOneOf(2, [1, 2], 'n')).toBe(2);
  });

  it('throws RangeError for a same-typed value, TypeError otherwise', () => {
    expect(() => checkOneOf('c', ['a', 'b'], 'mode')).toThrow(new RangeError("mode must be one of 'a', 'b', got 'c'"));
    expect(() => checkOneOf(1, ['a', 'b'], 'mode')).toThrow(new TypeError("mode must be one of 'a', 'b', got 1"));
    expect(() => checkOneOf(undefined, ['a'], 'mode')).toThrow(TypeError);
  });
});

suite('checkUnknownKeys', () => {
  it('accepts objects with known keys only', () => {
    expect(() => checkUnknownKeys({ a: 1 }, ['a', 'b'], 'options')).not.toThrow();
    expect(() => checkUnknownKeys({}, [], 'options')).not.toThrow();
  });

  it('names the unknown key and suggests the intended one', () => {
    expect(() => checkUnknownKeys({ channel_map: [1] }, ['channelMap'], 'options')).toThrow(
      new TypeError("options must be an object with only the keys channelMap, got unknown key 'channel_map' (did you mean 'channelMap'?)"),
    );
    expect(() => checkUnknownKeys({ x: 1 }, ['a', 'b'], 'options')).toThrow(
      new TypeError("options must be an object with only the keys a, b, got unknown key 'x'"),
    );
    expect(() => checkUnknownKeys({ x: 1 }, [], 'options')).toThrow(/must be an empty object/);
  });

  it('rejects non-objects', () => {
    for (const bad of [null, undefined, 3, 'x', [1]]) {
      expect(() => checkUnknownKeys(bad, ['a'], 'options')).toThrow(TypeError);
    }
    expect(() => checkUnknownKeys([1], ['a'], 'options')).toThrow('options must be an options object, got [1]');
  });
});

suite('suggestName', () => {
  it('ignores case, underscores and dashes', () => {
    const known = ['sampleRate', 'extraSettings', 'blockSize'];
    expect(suggestName('samplerate', known)).toBe('sampleRate');
    expect(suggestName('extra_settings', known)).toBe('extraSettings');
    expect(suggestName('block-size', known)).toBe('blockSize');
    expect(suggestName('frames', known)).toBeUndefined();
  });
});
