// rec() from vfile_in: bit-exact content for every dtype, mono and stereo,
// input mappings, `out` (contiguous, non-contiguous, typed array, float64),
// dtype 'float64', blocking, stop().
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as sd from '../src/index.js';
import { STREAM_DTYPES, channel, setInFile, signal } from './helpers.js';

const RATE = 44100;
const FRAMES = 5000;
const opts = { device: 'vfile_in', sampleRate: RATE } as const;

afterEach(() => sd.stop());

describe('rec() from vfile_in', () => {
  for (const dtype of STREAM_DTYPES) {
    for (const channels of [1, 2]) {
      it(`records ${dtype} ${channels === 1 ? 'mono' : 'stereo'} bit-exact`, async () => {
        const sig = signal(dtype, FRAMES, channels);
        await setInFile(sig);
        const r = sd.rec(FRAMES, { ...opts, channels, dtype });
        expect(r.shape).toEqual([FRAMES, channels]);
        expect(r.dtype).toBe(dtype);
        expect(await sd.wait()).toBeNull();
        expect(r.data).toEqual(sig);
      });
    }
  }

  it('mapping picks input channels (1-based) in the given order', async () => {
    const sig = signal('int16', FRAMES, 4);
    await setInFile(sig);
    const r = sd.rec(FRAMES, { ...opts, dtype: 'int16', mapping: [3, 1] });
    expect(r.shape).toEqual([FRAMES, 2]);
    // The stream opens max(mapping) = 3 input channels: the file is read as 3-channel frames.
    expect(sd.getStream().channels).toBe(3);
    await sd.wait();
    const asRead = sig.subarray(0, FRAMES * 3);
    expect(channel(r.data, 2, 0)).toEqual(channel(asRead, 3, 2));
    expect(channel(r.data, 2, 1)).toEqual(channel(asRead, 3, 0));
  });

  it("dtype 'float64' records float32 and converts when done", async () => {
    const sig = signal('float32', FRAMES, 2);
    await setInFile(sig);
    const r = sd.rec(FRAMES, { ...opts, channels: 2, dtype: 'float64' });
    expect(r.data).toBeInstanceOf(Float64Array);
    expect(sd.getStream().dtype).toBe('float32');
    await sd.wait();
    expect(r.data).toEqual(Float64Array.from(sig));
  });

  it('records into a contiguous out (the same object, no copy)', async () => {
    const sig = signal('int32', FRAMES, 2);
    await setInFile(sig);
    const out = ndarray(new Int32Array(FRAMES * 2), [FRAMES, 2]);
    const r = sd.rec({ ...opts, out });
    expect(r).toBe(out);
    expect(sd.getStream().dtype).toBe('int32');
    await sd.wait();
    expect(out.data).toEqual(sig);
  });

  it('records into a non-contiguous out (a transposed view) and into a Float64 out', async () => {
    const sig = signal('float32', FRAMES, 2);
    await setInFile(sig);
    const planar = ndarray(new Float32Array(FRAMES * 2), [2, FRAMES]);
    const out = planar.transpose(1, 0); // shape [FRAMES, 2], strides [1, FRAMES]
    sd.rec(null, { ...opts, out });
    await sd.wait();
    expect(Array.from(planar.data.subarray(0, FRAMES))).toEqual(channel(sig, 2, 0));
    expect(Array.from(planar.data.subarray(FRAMES))).toEqual(channel(sig, 2, 1));

    const out64 = ndarray(new Float64Array(FRAMES * 2), [FRAMES, 2]);
    await sd.rec({ ...opts, out: out64, blocking: true });
    expect(out64.data).toEqual(Float64Array.from(sig));
  });

  it('records into a typed array (mono) given as out, with a mapping', async () => {
    const sig = signal('int8', FRAMES, 2);
    await setInFile(sig);
    const out = new Int8Array(FRAMES);
    expect(sd.rec(FRAMES, { ...opts, out, mapping: [2] })).toBe(out);
    await sd.wait();
    expect(Array.from(out)).toEqual(channel(sig, 2, 1));
  });

  it('blocking: true returns a Promise of the complete array', async () => {
    const sig = signal('uint8', FRAMES, 1);
    await setInFile(sig);
    const pending = sd.rec(FRAMES, { ...opts, channels: 1, dtype: 'uint8', blocking: true });
    expect(pending).toBeInstanceOf(Promise);
    const r = await pending;
    expect(r.data).toEqual(sig);
    expect(sd.getStream().closed).toBe(true);
  });

  it('takes channels and dtype from defaults', async () => {
    const sig = signal('int16', FRAMES, 2);
    await setInFile(sig);
    sd.defaults.channels = 2;
    sd.defaults.dtype = 'int16';
    sd.defaults.sampleRate = RATE;
    sd.defaults.device = 'vfile_in';
    try {
      const r = await sd.rec(FRAMES, { blocking: true });
      expect(r.shape).toEqual([FRAMES, 2]);
      expect(r.data).toEqual(sig);
    } finally {
      sd.defaults.reset();
    }
  });
});

describe('rec() in real time (JACK)', () => {
  it('stop() part-way keeps what was recorded and closes the stream', async () => {
    const frames = 48000 * 2;
    const r = sd.rec(frames, { device: 'system', sampleRate: 48000, channels: 2, dtype: 'float64' });
    r.data.fill(7); // the audio thread writes a float32 temporary; the result is filled when it ends
    const stream = sd.getStream();
    await sd.sleep(300);
    sd.stop();
    expect(stream.closed).toBe(true);
    const recorded = stream.framesProcessed;
    expect(recorded).toBeGreaterThan(0);
    expect(recorded).toBeLessThan(frames);
    // JACK's dummy capture is silence; what was not recorded is the temporary's zeros.
    expect(r.data.every((v: number) => v === 0)).toBe(true);
    expect(await sd.wait()).toBeNull();
  });
});
