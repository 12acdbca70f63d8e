// Every input form design.md lists is accepted by play() (bit-exact), and
// every bad input is refused with a clear TypeError/RangeError before any
// stream is touched.
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as sd from '../src/index.js';
import { capturedFrom, channel, clearOut, signal } from './helpers.js';

const RATE = 44100;
const out = { device: 'vfile_out', sampleRate: RATE } as const;
const inp = { device: 'vfile_in', sampleRate: RATE } as const;

afterEach(() => sd.stop());

describe('accepted input forms (play to vfile_out)', () => {
  const frames = 300;
  const sig = signal('int16', frames, 2) as Int16Array;
  const left = Int16Array.from(channel(sig, 2, 0));
  const right = Int16Array.from(channel(sig, 2, 1));
  const reversed = sig.slice();
  for (let i = 0; i < frames; i++) reversed.set(sig.subarray(2 * i, 2 * i + 2), 2 * (frames - 1 - i));
  const forms: Array<[string, unknown]> = [
    ['scijs ndarray', ndarray(sig, [frames, 2])],
    ['@stdlib-like ndarray', { dtype: 'int16', data: sig, shape: [frames, 2], strides: [2, 1], offset: 0, order: 'row-major' }],
    ['ndarray with negative strides (reversed frames)', ndarray(reversed, [frames, 2]).step(-1)],
    ['ndarray with an offset (a slice)', ndarray(Int16Array.from([9, 9, ...sig]), [frames + 1, 2]).lo(1)],
    ['transposed (non-contiguous) ndarray', ndarray(Int16Array.from([...left, ...right]), [2, frames]).transpose(1, 0)],
    ['array of per-channel typed arrays', [left, right]],
    ['nested plain arrays [frame][channel]', Array.from({ length: frames }, (_, i) => [sig[2 * i]!, sig[2 * i + 1]!])],
  ];
  for (const [name, data] of forms) {
    it(name, async () => {
      await clearOut();
      sd.play(data as sd.AudioData, out);
      // Plain numbers are float64: played as float32.
      const dtype = Array.isArray(data) && Array.isArray(data[0]) ? 'float32' : 'int16';
      expect(sd.getStream().dtype).toBe(dtype);
      await sd.wait();
      const { samples } = await capturedFrom(dtype, 2);
      expect(Array.from(samples.subarray(0, sig.length))).toEqual(Array.from(sig));
    });
  }

  it('a typed array and an array of numbers are mono; AudioBuffer-like objects', async () => {
    for (const data of [left, Array.from(left), { numberOfChannels: 1, getChannelData: () => Float32Array.from(left) }]) {
      await clearOut();
      sd.play(data, out);
      expect(sd.getStream().channels).toBe(1);
      const dtype = sd.getStream().dtype as 'int16' | 'float32';
      await sd.wait();
      const { samples } = await capturedFrom(dtype, 1);
      expect(Array.from(samples.subarray(0, frames))).toEqual(Array.from(left));
    }
  });
});

describe('bad input is refused with a clear error', () => {
  const mono = new Float32Array(100).fill(0.5);
  const stereo = ndarray(new Float32Array(200).fill(0.5), [100, 2]);

  it('3-D arrays', () => {
    expect(() => sd.play(ndarray(new Float32Array(24), [2, 3, 4]), out)).toThrow(
      new TypeError('data must be 1-D (mono) or 2-D with shape [frames, channels], got a 3-D ndarray of shape [2, 3, 4]'),
    );
    expect(() => sd.play([[[1, 2]], [[3, 4]]] as never, out)).toThrow(/nested 3 levels deep \(3-D\)/);
    expect(() => sd.play([[new Float32Array(2)]] as never, out)).toThrow(TypeError);
  });

  it('ragged nested arrays and ragged or mixed channels', () => {
    expect(() => sd.play([[1, 2], [3]], out)).toThrow(
      new TypeError('data must be rectangular (nested arrays [frame][channel]): data[0] has 2 samples but data[1] has 1'),
    );
    expect(() => sd.play([[1, 2], 3] as never, out)).toThrow(/data\[1\] must be an array/);
    expect(() => sd.play([new Float32Array(3), new Float32Array(2)], out)).toThrow(/same length/);
    expect(() => sd.play([new Float32Array(3), new Int16Array(3)], out)).toThrow(/one format/);
    expect(() => sd.play([[1, 'x']] as never, out)).toThrow(new TypeError("data[0][1] must be a number, got 'x'"));
  });

  it('unsupported types', () => {
    expect(() => sd.play(new Uint16Array(4) as never, out)).toThrow(/Float32Array.*got a Uint16Array/);
    expect(() => sd.play(new BigInt64Array(4) as never, out)).toThrow(TypeError);
    expect(() => sd.play('noise' as never, out)).toThrow(/data must be an ndarray, a typed array/);
    expect(() => sd.play(null as never, out)).toThrow(TypeError);
    expect(() => sd.play({ data: new Float32Array(4), shape: [4, 2] } as never, out)).toThrow(/reach outside its data/);
  });

  it('mappings: 0, duplicates, longer than the data has channels, not numbers', () => {
    expect(() => sd.play(mono, { ...out, mapping: [0, 1] })).toThrow(
      new RangeError('mapping must hold channel numbers starting at 1 (not 0), got 0 in [0, 1]'),
    );
    expect(() => sd.play(mono, { ...out, mapping: [2, 2] })).toThrow(/each channel at most once, got 2 twice/);
    expect(() => sd.play(stereo, { ...out, mapping: [1, 2, 3] })).toThrow(
      /mapping must have one entry per channel of the data \(2\), got 3/,
    );
    expect(() => sd.play(mono, { ...out, mapping: [] })).toThrow(RangeError);
    expect(() => sd.play(mono, { ...out, mapping: ['1'] as never })).toThrow(TypeError);
    expect(() => sd.rec(10, { ...inp, channels: 1, mapping: [1, 1] })).toThrow(RangeError);
    expect(() => sd.rec(10, { ...inp, channels: 1, mapping: [1, 2] })).toThrow(/mapping has 2 entries but channels is 1/);
    expect(() => sd.playrec(mono, { ...inp, channels: 1, inputMapping: [0] })).toThrow(/inputMapping must hold channel numbers/);
    expect(() => sd.playrec(stereo, { device: 'vfile_out', outputMapping: [1] })).toThrow(/outputMapping must have one entry/);
  });

  it('frames not a positive integer', () => {
    for (const frames of [0, -1, 1.5, Number.NaN]) {
      expect(() => sd.rec(frames, { ...inp, channels: 1 }), String(frames)).toThrow(
        new RangeError(`frames must be a positive integer, got ${String(frames)}`),
      );
    }
    expect(() => sd.rec('10' as never, { ...inp, channels: 1 })).toThrow(TypeError);
    expect(() => sd.rec(undefined, { ...inp, channels: 1 })).toThrow(/frames must be a positive integer, got undefined/);
  });

  it('out with a wrong dtype, shape or conflicting arguments', () => {
    expect(() => sd.rec({ ...inp, out: new Uint16Array(10) })).toThrow(/out must be a .*got a Uint16Array/);
    expect(() => sd.rec({ ...inp, out: ndarray(new Float32Array(10), [5, 2]), dtype: 'int16' })).toThrow(
      new TypeError("out holds float32 samples but dtype is 'int16'; leave dtype out or make them agree"),
    );
    expect(() => sd.rec(7, { ...inp, out: new Float32Array(10) })).toThrow(/frames is 7 but out has 10 frames/);
    expect(() => sd.rec({ ...inp, out: ndarray(new Float32Array(10), [5, 2]), channels: 1 })).toThrow(RangeError);
    expect(() => sd.rec({ ...inp, out: ndarray([0, 0, 0, 0], [2, 2]) })).toThrow(/backed by a typed array/);
    expect(() => sd.rec({ ...inp, out: ndarray(new Float32Array(8), [2, 2, 2]) })).toThrow(/3-D/);
    expect(() => sd.rec({ ...inp, out: ndarray(new Float32Array(0), [0, 2]) })).toThrow(/at least one frame/);
    expect(() => sd.playrec(mono, { ...inp, out: new Float32Array(50) })).toThrow(/out must have as many frames as data \(100\), got 50/);
  });

  it('dtypes, channels and options', async () => {
    expect(() => sd.rec(10, { ...inp, channels: 1, dtype: 'int24' as never })).toThrow(/int24.*RawInputStream/);
    expect(() => sd.rec(10, { ...inp, channels: 1, dtype: 'float16' as never })).toThrow(RangeError);
    expect(() => sd.rec(10, inp)).toThrow(/channels must be given/);
    expect(() => sd.play(mono, { ...out, samplerate: 48000 } as never)).toThrow(/unknown key 'samplerate' \(did you mean 'sampleRate'\?\)/);
    expect(() => sd.play(mono, { ...out, channels: 2 } as never)).toThrow(/unknown key 'channels'/);
    expect(() => sd.play(mono, { ...out, loop: 1 } as never)).toThrow(new TypeError('loop must be true or false, got 1'));
    expect(() => sd.play(mono, { ...out, blocking: 'yes' } as never)).toThrow(TypeError);
    await expect(sd.wait({ ignoreErrors: 0 } as never)).rejects.toThrow(TypeError);
    expect(() => sd.stop({ ignore: true } as never)).toThrow(/unknown key 'ignore'/);
  });

  it('a refused call leaves the running one alone', async () => {
    sd.play(new Float32Array(48000 * 3), { device: 'system', sampleRate: 48000 });
    const running = sd.getStream();
    expect(() => sd.play(ndarray(new Float32Array(8), [2, 2, 2]), out)).toThrow(TypeError);
    expect(sd.getStream()).toBe(running);
    expect(running.active).toBe(true);
    sd.stop();
  });
});
