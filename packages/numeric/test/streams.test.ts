// Stream, InputStream, OutputStream: ndarray blocks in callbacks (reused,
// not allocated per block) and processors, blocking read/readInto/write.
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as sd from '../src/index.js';
import { capturedFrom, channel, clearOut, setInFile, signal } from './helpers.js';

const RATE = 44100;

describe('callback streams', () => {
  it('OutputStream callback fills [frames, channels] ndarrays reused per block size', async () => {
    await clearOut();
    const views = new Set<unknown>();
    let blocks = 0;
    let t = 0;
    const stream = new sd.OutputStream({
      device: 'vfile_out',
      channels: 2,
      dtype: 'int16',
      sampleRate: RATE,
      blockSize: 512,
      callback(outdata, frames, _time, status) {
        expect(outdata.shape).toEqual([frames, 2]);
        expect(outdata.dtype).toBe('int16');
        expect(status).toBeInstanceOf(sd.CallbackFlags);
        views.add(outdata);
        for (let i = 0; i < frames; i++, t++) {
          outdata.set(i, 0, (t % 1000) + 1);
          outdata.set(i, 1, -((t % 1000) + 1));
        }
        if (++blocks === 20) throw new sd.CallbackStop();
      },
    });
    stream.start();
    await stream.finished;
    await stream.close();
    expect(views.size).toBe(1); // one view for one block size: nothing allocated per block
    // vfile_out is not paced, so silence (underflow) may come between the
    // callback's blocks: compare the non-silent frames.
    const { samples } = await capturedFrom('int16', 2);
    const left = channel(samples, 2, 0).filter((v) => v !== 0);
    const right = channel(samples, 2, 1).filter((v) => v !== 0);
    expect(left).toEqual(Array.from({ length: 20 * 512 }, (_, k) => (k % 1000) + 1));
    expect(right).toEqual(left.map((v) => -v));
  });

  it('InputStream callback sees the recorded samples as ndarrays', async () => {
    const sig = signal('float32', 4096, 2);
    await setInFile(sig);
    const got: number[] = [];
    const stream = new sd.InputStream({
      device: 'vfile_in',
      channels: 2,
      sampleRate: RATE,
      blockSize: 256,
      callback(indata, frames) {
        expect(indata.shape).toEqual([frames, 2]);
        for (let i = 0; i < frames; i++) got.push(indata.get(i, 0), indata.get(i, 1));
        if (got.length >= sig.length) throw new sd.CallbackStop();
      },
    });
    stream.start();
    await stream.finished;
    await stream.close();
    expect(Float32Array.from(got.slice(0, sig.length))).toEqual(sig);
  });

  it('Stream (duplex) callback gets indata and outdata; processor workers get ndarrays too', async () => {
    const sig = signal('float32', 4096, 2);
    await setInFile(sig);
    let seen = 0;
    const duplex = new sd.Stream({
      device: ['vfile_in', 'vfile_out'],
      channels: 2,
      sampleRate: RATE,
      blockSize: 256,
      callback(indata, outdata, frames) {
        expect(indata.shape).toEqual([frames, 2]);
        expect(outdata.shape).toEqual([frames, 2]);
        outdata.data.set(indata.data);
        if (++seen === 4) throw new sd.CallbackStop();
      },
    });
    expect(duplex.channels).toEqual([2, 2]);
    duplex.start();
    await duplex.finished;
    await duplex.close();

  });

  it('processor workers get ndarrays too', async () => {
    const processed = new sd.OutputStream({
      device: 'system',
      channels: 2,
      dtype: 'int16',
      sampleRate: 48000,
      processor: new URL('./fixtures/wire-processor.mjs', import.meta.url),
      processorData: { level: 1000 },
    });
    let failed: unknown;
    processed.on('error', (e) => (failed = e));
    await processed.ready;
    processed.start();
    await sd.sleep(200);
    expect(processed.framesProcessed).toBeGreaterThan(2048);
    await processed.close();
    expect(failed).toBeUndefined();
  });

  it("rejects 'int24' (also from defaults) and points to the raw classes", () => {
    expect(() => new sd.OutputStream({ device: 'vfile_out', dtype: 'int24' as never })).toThrow(/RawOutputStream/);
    expect(() => new sd.Stream({ device: 'vfile_out', dtype: ['float32', 'int24'] as never })).toThrow(TypeError);
    sd.defaults.dtype = 'int24';
    try {
      expect(() => new sd.InputStream({ device: 'vfile_in' })).toThrow(/int24.*defaults\.dtype.*RawInputStream/);
    } finally {
      sd.defaults.reset();
    }
  });
});

describe('blocking read/write', () => {
  it('read() returns [frames, channels] ndarrays; readInto() fills contiguous and strided arrays', async () => {
    // vfile_in is not paced: the stream's input ring fills at once and then
    // overflows, so reads stay within the first ring-full (2048 frames),
    // which arrives intact and in order.
    const sig = signal('int32', 1500, 2);
    await setInFile(sig);
    const stream = new sd.InputStream({ device: 'vfile_in', channels: 2, dtype: 'int32', sampleRate: RATE });
    stream.start();
    const { data, overflowed } = await stream.read(500);
    expect(typeof overflowed).toBe('boolean');
    expect(data.shape).toEqual([500, 2]);
    expect(data.dtype).toBe('int32');
    expect(data.data).toEqual(sig.subarray(0, 1000));
    const mine = ndarray(new Int32Array(1000), [500, 2]);
    expect((await stream.readInto(mine)).frames).toBe(500);
    expect(mine.data).toEqual(sig.subarray(1000, 2000));
    const planar = ndarray(new Int32Array(1000), [2, 500]);
    await stream.readInto(planar.transpose(1, 0));
    expect(Array.from(planar.data.subarray(0, 500))).toEqual(channel(sig.subarray(2000), 2, 0));
    expect(Array.from(planar.data.subarray(500))).toEqual(channel(sig.subarray(2000), 2, 1));
    expect(() => stream.readSync(0)).toThrow(RangeError);
    await expect(stream.readInto(new Float32Array(100))).rejects.toThrow(/int32/);
    await expect(stream.readInto(ndarray(new Int32Array(30), [10, 3]))).rejects.toThrow(RangeError);
    await stream.close();
  });

  it('write() takes every input form and plays it bit-exact', async () => {
    await clearOut();
    const frames = 500;
    const sig = signal('float32', frames, 2) as Float32Array;
    const left = Float32Array.from(channel(sig, 2, 0));
    const right = Float32Array.from(channel(sig, 2, 1));
    const planar = new Float32Array(frames * 2);
    planar.set(left);
    planar.set(right, frames);
    const forms: sd.AudioData[] = [
      ndarray(sig, [frames, 2]), // scijs ndarray
      { data: sig, shape: [frames, 2], strides: [2, 1], offset: 0, dtype: 'float32' } as sd.AudioData, // @stdlib-like
      ndarray(planar, [2, frames]).transpose(1, 0), // non-contiguous: copied
      [left, right], // per-channel typed arrays
      Array.from({ length: frames }, (_, i) => [sig[2 * i]!, sig[2 * i + 1]!]), // nested plain arrays
      { numberOfChannels: 2, length: frames, sampleRate: RATE, getChannelData: (c: number) => (c ? right : left) }, // AudioBuffer
    ];
    const stream = new sd.OutputStream({ device: 'vfile_out', channels: 2, sampleRate: RATE });
    stream.start();
    for (const form of forms) await stream.write(form);
    stream.writeSync(ndarray(sig, [frames, 2]));
    stream.stop();
    await stream.close();
    // vfile_out is not paced: it plays silence between writes (underflow), so
    // each write's frames are found after the previous ones, past any silence.
    const { samples } = await capturedFrom('float32', 2);
    let at = 0;
    for (let k = 0; k <= forms.length; k++) {
      while (at < samples.length && samples[at] === 0) at++;
      expect(samples.subarray(at, at + sig.length), `form ${k}`).toEqual(sig);
      at += sig.length;
    }
  });

  it('write() of a mono typed array on a mono stream, plain numbers converted with range checks', async () => {
    await clearOut();
    const stream = new sd.OutputStream({ device: 'vfile_out', channels: 1, dtype: 'int8', sampleRate: RATE });
    stream.start();
    stream.writeSync(Int8Array.from([5, -5, 7, 1, 2, 3]));
    await stream.write([4, 5, 6]);
    // Bad data throws before anything is queued (like RawOutputStream.write).
    expect(() => stream.write([1, 2, 300])).toThrow(/data\[2\] must be an integer from -128 to 127 for dtype 'int8', got 300/);
    expect(() => stream.write([0.5])).toThrow(RangeError);
    expect(() => stream.write(new Int16Array(3))).toThrow(/int16 samples but int8 samples are needed/);
    expect(() => stream.write(ndarray(new Int8Array(4), [2, 2]))).toThrow(/1 channel/);
    stream.stop();
    await stream.close();
    const { samples } = await capturedFrom('int8', 1);
    expect(Array.from(samples.subarray(0, 6))).toEqual([5, -5, 7, 1, 2, 3]);
    expect(Array.from(samples.subarray(6)).filter((v) => v !== 0).slice(0, 3)).toEqual([4, 5, 6]);
  });

  it('a callback stream refuses read/write', async () => {
    const stream = new sd.Stream({ device: ['vfile_in', 'vfile_out'], channels: 1, callback: () => {} });
    expect(() => stream.write(new Float32Array(4))).toThrow(/Can't write to a callback stream/);
    await expect(stream.read(4)).rejects.toThrow(/Can't read from a callback stream/);
    await expect(stream.readInto(new Float32Array(4))).rejects.toThrow(/Can't read from a callback stream/);
    await stream.close();
  });
});
