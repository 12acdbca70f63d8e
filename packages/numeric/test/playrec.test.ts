// playrec() through the JACK dummy server's loopback: what is recorded is
// what was played, bit-exact, one JACK period (256 frames) later.
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as sd from '../src/index.js';
import { channel, signal } from './helpers.js';
import { loopback, portsNow } from './jack-helpers.js';

const RATE = 48000;
const PERIOD = 256;
const LEAD = RATE / 4; // 250 ms of silence while the loopback is connected

/** Silence for LEAD frames, then a signal, as interleaved float32. */
function leadIn(frames: number, channels: number, seed = 1): Float32Array {
  const data = new Float32Array((LEAD + frames) * channels);
  data.set(signal('float32', frames, channels, seed), LEAD * channels);
  return data;
}

/** The recording equals the played data delayed by one JACK period. */
function expectDelayed(recorded: ArrayLike<number>, played: ArrayLike<number>, channels: number): void {
  const frames = played.length / channels;
  const expected = new Float32Array(frames * channels);
  expected.set(Array.prototype.slice.call(played, 0, (frames - PERIOD) * channels) as number[], PERIOD * channels);
  expect(Float32Array.from(recorded)).toEqual(expected);
}

afterEach(() => sd.stop());

// JACK runs without real-time priority on shared machines: an xrun caused by
// the host (seen in jackd.log) is retried, a wrong sample never is hidden.
describe('playrec() through the JACK loopback', { retry: 3 }, () => {
  it('records the played stereo signal bit-exact, one period later', async () => {
    const data = leadIn(RATE / 2, 2);
    const frames = data.length / 2;
    const before = await portsNow();
    const r = sd.playrec(ndarray(data, [frames, 2]), { device: 'system', sampleRate: RATE, channels: 2 });
    await loopback(before, 2);
    expect(r.shape).toEqual([frames, 2]);
    expect(r.dtype).toBe('float32');
    const status = await sd.wait({ ignoreErrors: false });
    expect(status?.toString() ?? null).toBeNull();
    expectDelayed(r.data, data, 2);
  });

  it('float64 data and dtype, output and input mappings, out', async () => {
    const mono = Float64Array.from(leadIn(RATE / 4, 1, 5));
    const frames = mono.length;
    const out = ndarray(new Float64Array(frames), [frames, 1]);
    const before = await portsNow();
    const r = sd.playrec(mono, {
      device: 'system',
      sampleRate: RATE,
      outputMapping: [2],
      inputMapping: [2],
      out,
    });
    expect(r).toBe(out);
    const stream = sd.getStream();
    expect(stream.channels).toEqual([2, 2]);
    expect(stream.dtype).toEqual(['float32', 'float32']);
    await loopback(before, 2);
    await sd.wait();
    expectDelayed(out.data, Float32Array.from(mono), 1);
  });

  it('blocking: true resolves with the recording', async () => {
    const data = leadIn(RATE / 8, 1, 9);
    const before = await portsNow();
    const pending = sd.playrec(data, { device: 'system', sampleRate: RATE, channels: 1, blocking: true });
    await loopback(before, 1);
    const r = await pending;
    expectDelayed(r.data, data, 1);
    expect(channel(r.data, 1, 0).length).toBe(data.length);
  });
});
