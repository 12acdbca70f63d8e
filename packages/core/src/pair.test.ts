import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createPairView, resolvePair } from './pair.js';

describe('createPairView', () => {
  function make(): { store: [number | null, number | null]; pair: ReturnType<typeof createPairView<number | null>> } {
    const store: [number | null, number | null] = [null, 2];
    const pair = createPairView(
      store,
      (index, value) => {
        if (typeof value !== 'number') throw new TypeError('number please');
        store[index] = value;
      },
      'test.pair',
    );
    return { store, pair };
  }

  it('reads the store live, as an array and through aliases', () => {
    const { store, pair } = make();
    expect(Array.isArray(pair)).toBe(true);
    expect(pair).toHaveLength(2);
    expect(pair[0]).toBeNull();
    expect(pair.output).toBe(2);
    store[0] = 5;
    expect(pair.input).toBe(5);
    const [input, output] = pair;
    expect([input, output]).toEqual([5, 2]);
    expect(pair).toEqual([5, 2]);
    expect(JSON.stringify(pair)).toBe('[5,2]');
    expect(pair.map((x) => x)).toEqual([5, 2]);
    expect('input' in pair && 'output' in pair && 0 in pair).toBe(true);
  });

  it('writes through the assign function', () => {
    const { store, pair } = make();
    pair[0] = 3;
    pair.output = 4;
    expect(store).toEqual([3, 4]);
    expect(() => {
      (pair as unknown as { input: unknown }).input = 'x';
    }).toThrow('number please');
  });

  it('refuses other changes', () => {
    const { pair } = make();
    expect(() => pair.push(1)).toThrow(TypeError);
    expect(() => {
      (pair as unknown as { length: number }).length = 0;
    }).toThrow(/test\.pair is an \[input, output\] pair/);
    expect(() => delete (pair as unknown as Record<string, unknown>)['0']).toThrow(TypeError);
  });

  it('prints its current values, also when the first one is null', () => {
    const { store, pair } = make();
    expect(inspect(pair)).toBe('[ null, 2 ]');
    store[1] = null;
    expect(inspect(pair)).toBe('[ null, null ]');
  });
});

describe('resolvePair', () => {
  it('uses a single value for both halves', () => {
    expect(resolvePair('int16', 0)).toBe('int16');
    expect(resolvePair('int16', 1)).toBe('int16');
    expect(resolvePair(0, 1)).toBe(0);
  });

  it('picks one half of a pair', () => {
    expect(resolvePair<number>([1, 2], 0)).toBe(1);
    expect(resolvePair<number>([1, 2], 1)).toBe(2);
    const store: [string, string] = ['a', 'b'];
    const view = createPairView(store, () => undefined, 'p');
    expect(resolvePair(view, 1)).toBe('b');
  });

  it('turns null and undefined into undefined', () => {
    expect(resolvePair(null, 0)).toBeUndefined();
    expect(resolvePair(undefined, 1)).toBeUndefined();
    expect(resolvePair<number | null>([null, 4], 0)).toBeUndefined();
    expect(resolvePair<number | null>([null, 4], 1)).toBe(4);
  });

  it('rejects arrays that are not pairs', () => {
    expect(() => resolvePair([1, 2, 3] as never, 0, 'channels')).toThrow(
      new RangeError('channels must be a single value or an [input, output] pair, got an array of length 3'),
    );
  });
});
