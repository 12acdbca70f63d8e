/**
 * play/rec/playrec and the array streams as Python's sounddevice has them
 * (issue 13), on the testbed's devices: `getStream()`'s class, pairs in the
 * options, `rec()`'s channel fallback order, `defaults.dtype = 'float64'`,
 * `out` with conflicting arguments (a deliberate difference: we throw),
 * `version`.
 */
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as sd from '../src/index.js';
import { setInFile, signal } from './helpers.js';

const RATE = 44100;
const FRAMES = 2000;
const IN = { device: 'vfile_in', sampleRate: RATE } as const;
const OUT = { device: 'vfile_out', sampleRate: RATE } as const;

afterEach(() => {
  sd.stop();
  sd.defaults.reset();
});

describe("getStream() returns the class Python's get_stream() does", () => {
  it('OutputStream for play, InputStream for rec, Stream for playrec', async () => {
    const data = new Float32Array(FRAMES).fill(0.25);
    sd.play(data, OUT);
    expect(sd.getStream()).toBeInstanceOf(sd.OutputStream);
    expect(sd.getStream().channels).toBe(1);
    // It plays on the audio thread: writing to it is refused, as on Python's callback stream.
    await expect(async () => (sd.getStream() as sd.OutputStream).write(data)).rejects.toThrow(/Can't write to a callback stream/);
    await sd.wait();
    sd.rec(FRAMES, { ...IN, channels: 2 });
    expect(sd.getStream()).toBeInstanceOf(sd.InputStream);
    expect(sd.getStream().channels).toBe(2);
    await sd.wait();
    sd.playrec(data, { ...IN, device: 'vfile_in', channels: 1 });
    expect(sd.getStream()).toBeInstanceOf(sd.Stream);
    expect(sd.getStream().channels).toEqual([1, 1]);
    await sd.wait();
    expect(sd.getStream().closed).toBe(true);
  });
});

describe('[input, output] pairs in play/rec options and on one-way streams pick their half', () => {
  it('play uses the output half, rec the input half', async () => {
    const pairs = { sampleRate: RATE, latency: [0.1, 0.2], extraSettings: [null, null] } as const;
    await sd.play(new Float32Array(FRAMES), { ...pairs, device: ['no such device', 'vfile_out'], blocking: true });
    expect(sd.getStream().device).toBe(sd.queryDevices('vfile_out').index);
    await setInFile(signal('int16', FRAMES, 1));
    const r = await sd.rec(FRAMES, { ...pairs, device: ['vfile_in', 'no such device'], channels: 1, dtype: 'int16', blocking: true });
    expect(r.shape).toEqual([FRAMES, 1]);
    expect(sd.getStream().device).toBe(sd.queryDevices('vfile_in').index);
  });

  it('InputStream and OutputStream take pairs', async () => {
    const options = { device: ['vfile_in', 'vfile_out'], channels: [1, 2], dtype: ['int16', 'int32'], sampleRate: RATE } as const;
    const input = new sd.InputStream(options);
    expect([input.channels, input.dtype, input.device]).toEqual([1, 'int16', sd.queryDevices('vfile_in').index]);
    await input.close();
    const output = new sd.OutputStream(options);
    expect([output.channels, output.dtype, output.device]).toEqual([2, 'int32', sd.queryDevices('vfile_out').index]);
    await output.close();
  });
});

describe("rec() channels in Python's order: channels, defaults.channels, the mapping", () => {
  it('defaults.channels comes before the mapping, and they must agree', () => {
    sd.defaults.channels = 2;
    expect(() => sd.rec(FRAMES, { ...IN, mapping: [1] })).toThrow(
      /mapping has 1 entry but defaults\.channels\[0\] is 2: .*leave defaults\.channels\[0\] out/,
    );
    expect(sd.rec(FRAMES, { ...IN, mapping: [2, 1] }).shape).toEqual([FRAMES, 2]);
    expect(sd.rec(FRAMES, IN).shape).toEqual([FRAMES, 2]);
  });

  it('without channels and defaults.channels, the mapping gives them', () => {
    expect(sd.rec(FRAMES, { ...IN, mapping: [1, 3, 4] }).shape).toEqual([FRAMES, 3]);
    expect(() => sd.rec(FRAMES, { ...IN, channels: 3, mapping: [1, 2] })).toThrow(/mapping has 2 entries but channels is 3/);
    expect(() => sd.rec(FRAMES, IN)).toThrow(TypeError);
  });
});

describe("defaults.dtype = 'float64', as in Python", () => {
  it('rec() then records float64', async () => {
    const sig = signal('float32', FRAMES, 1);
    await setInFile(sig);
    sd.defaults.dtype = 'float64';
    const r = await sd.rec(FRAMES, { ...IN, channels: 1, blocking: true });
    expect(r.dtype).toBe('float64');
    expect(r.data).toEqual(Float64Array.from(sig));
  });

  it('streams refuse it clearly, naming defaults.dtype', () => {
    sd.defaults.dtype = 'float64';
    expect(() => new sd.InputStream(IN)).toThrow(/dtype 'float64' \(from defaults\.dtype\) is not supported by InputStream/);
    expect(() => new sd.RawOutputStream(OUT)).toThrow(/defaults\.dtype\[1\] must be one of/);
  });
});

describe('rec() with out and conflicting arguments throws (Python ignores them; a documented difference)', () => {
  it('frames, channels and dtype must agree with out', () => {
    const out = ndarray(new Int16Array(FRAMES * 2), [FRAMES, 2]);
    expect(() => sd.rec(FRAMES + 1, { ...IN, out })).toThrow(/frames is 2001 but out has 2000 frames/);
    expect(() => sd.rec(FRAMES, { ...IN, out, channels: 1 })).toThrow(/channels is 1 but out has 2 channels/);
    expect(() => sd.rec(FRAMES, { ...IN, out, dtype: 'float32' })).toThrow(/out holds int16 samples but dtype is 'float32'/);
    expect(sd.rec(FRAMES, { ...IN, out, channels: 2, dtype: 'int16' })).toBe(out);
  });
});

describe('version', () => {
  it("is this package's version, Python's __version__", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(sd.version).toBe(pkg.version);
  });
});
