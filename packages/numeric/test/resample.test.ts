// The `resample` option on the JACK dummy server (48 kHz): rec, play,
// playrec, callback and blocking streams at rates the device does not have
// give exactly the frames asked for, a sine in tune (error < 0.01 %), flat
// (±0.1 dB) and clean (everything else <= -100 dB); off, the error names the
// option and the rates the device supports.
import { jackConnect, jackLogMark, jackPorts, jackXrunsSince } from '@sounddevice/testbed';
import { afterEach, describe, expect, inject, it } from 'vitest';
import * as sd from '../src/index.js';
import { loopback, portsNow } from './jack-helpers.js';
import { channelOf, dB, fitSine, loopingSine, measureFrequency } from './sine-fit.js';

const DEVICE_RATE = 48000;
const FREQ = 997; // cycles per second of the feed: 997 whole cycles in its 1 s loop
const AMP = 0.5;

const testbed = inject('sounddeviceTestbed' as never) as { dir: string };

/**
 * Status flags are the device's: none, unless jackd logged an xrun since
 * `mark` (this machine is shared; PortAudio's JACK host then reports input
 * overflow and output underflow).
 */
function expectNoFlagsUnlessXrun(status: sd.CallbackFlags | null, mark: number): void {
  if (status === null) return;
  expect(jackXrunsSince(testbed, mark).length, `flags ${status.toString()} without an xrun in jackd's log`).toBeGreaterThan(0);
}

afterEach(() => {
  sd.stop();
  sd.defaults.reset();
});

/** New `PortAudio*:in_N`/`out_N` ports since `before`, in number order. */
async function newPorts(before: Set<string>, kind: 'in' | 'out'): Promise<string[]> {
  const num = (p: string): number => Number(p.slice(p.lastIndexOf('_') + 1));
  return (await jackPorts())
    .filter((p) => !before.has(p) && new RegExp(`^PortAudio[^:]*:${kind}_\\d+$`).test(p))
    .sort((a, b) => num(a) - num(b));
}

/** A 48 kHz stream in this process playing a looping sine of `freq` Hz (whole Hz) on JACK; returns it and its output port. */
async function sineFeed(freq = FREQ): Promise<{ feed: sd.RawBufferStream; port: string }> {
  const before = await portsNow();
  const signal = loopingSine(freq, DEVICE_RATE, AMP);
  const feed = new sd.RawBufferStream(
    'output',
    { device: 'system', channels: 1, dtype: 'float32', sampleRate: DEVICE_RATE },
    { play: { bytes: new Uint8Array(signal.buffer), channels: 1, map: [0], loop: true } },
  );
  feed.start();
  const [port] = await newPorts(before, 'out');
  return { feed, port: port! };
}

/** The sine in the last `seconds` of `x` (at `rate`): frequency, gain and the rest. */
function expectCleanSine(x: Float64Array, rate: number, freq: number, seconds = 0.5): void {
  const tail = x.subarray(x.length - Math.round(seconds * rate));
  const measured = measureFrequency(tail, freq, rate);
  expect(Math.abs(measured - freq) / freq, `frequency ${measured} Hz`).toBeLessThan(1e-4);
  const fit = fitSine(tail, freq, rate);
  expect(Math.abs(dB(fit.amplitude / AMP)), `gain ${dB(fit.amplitude / AMP)} dB`).toBeLessThan(0.1);
  expect(dB(fit.rest / AMP), 'everything but the sine, dB').toBeLessThan(-100);
}

// JACK runs without real-time priority on shared machines: an xrun caused by
// the host is retried, a wrong result never is hidden.
describe('rec() at rates the 48 kHz JACK device lacks', { retry: 3 }, () => {
  for (const rate of [16000, 44100]) {
    it(`${rate} Hz: exactly the frames asked for, the sine in tune and clean`, async () => {
      const { feed, port } = await sineFeed();
      try {
        const frames = Math.round(rate * 1.2);
        const mark = jackLogMark(testbed);
        const before = await portsNow();
        const r = sd.rec(frames, { device: 'system', sampleRate: rate, channels: 1, resample: true });
        const stream = sd.getStream();
        expect(stream.sampleRate).toBe(rate);
        const [input] = await newPorts(before, 'in');
        await jackConnect(port, input!);
        expectNoFlagsUnlessXrun(await sd.wait(), mark);
        expect(r.shape).toEqual([frames, 1]);
        // Whole blocks at the program's rate, the last one partly used.
        expect(stream.framesProcessed).toBeGreaterThanOrEqual(frames);
        expectCleanSine(channelOf(r.data, 1, 0), rate, FREQ);
      } finally {
        await feed.close();
      }
    });
  }
});

describe('rec() through the converter: the band edge and above', { retry: 3 }, () => {
  // 0.45 × the rate must come through flat; a tone above half the rate must
  // not come through at all (it would alias).
  for (const [rate, edge, above] of [
    [16000, 7200, 9000],
    [44100, 19845, 23000],
  ] as const) {
    it(`${rate} Hz: ${edge} Hz within ±0.1 dB and clean, ${above} Hz rejected to -100 dB`, async () => {
      for (const [freq, passes] of [
        [edge, true],
        [above, false],
      ] as const) {
        const { feed, port } = await sineFeed(freq);
        try {
          const before = await portsNow();
          const r = sd.rec(Math.round(rate * 0.8), { device: 'system', sampleRate: rate, channels: 1, resample: true });
          const [input] = await newPorts(before, 'in');
          await jackConnect(port, input!);
          await sd.wait();
          const x = channelOf(r.data, 1, 0);
          if (passes) {
            const tail = x.subarray(x.length - Math.round(rate * 0.4));
            const fit = fitSine(tail, freq, rate);
            expect(Math.abs(dB(fit.amplitude / AMP)), `${freq} Hz: gain ${dB(fit.amplitude / AMP)} dB`).toBeLessThan(0.1);
            expect(dB(fit.rest / AMP), `${freq} Hz: the rest`).toBeLessThan(-100);
          } else {
            const tail = x.subarray(x.length - Math.round(rate * 0.4));
            const rms = Math.sqrt(tail.reduce((a, v) => a + v * v, 0) / tail.length);
            expect(dB((rms * Math.SQRT2) / AMP), `${freq} Hz leaking in`).toBeLessThan(-100);
          }
        } finally {
          await feed.close();
        }
      }
    });
  }
});

describe('play() at rates the 48 kHz JACK device lacks', { retry: 3 }, () => {
  for (const rate of [22050, 44100]) {
    it(`${rate} Hz: a 48 kHz recorder hears the sine in tune and clean`, async () => {
      const seconds = 1.5;
      const heard = new Float32Array(DEVICE_RATE * (seconds + 0.5));
      const beforeRec = await portsNow();
      const recorder = new sd.RawBufferStream(
        'input',
        { device: 'system', channels: 1, dtype: 'float32', sampleRate: DEVICE_RATE },
        { rec: { bytes: new Uint8Array(heard.buffer), map: [0] } },
      );
      const [recIn] = await newPorts(beforeRec, 'in');
      try {
        const mark = jackLogMark(testbed);
        const before = await portsNow();
        // Whole cycles of 1000 Hz at both rates.
        const data = loopingSine(Math.round(1000 * seconds), Math.round(rate * seconds), AMP);
        sd.play(data, { device: 'system', sampleRate: rate, resample: true });
        const [out] = await newPorts(before, 'out');
        await jackConnect(out!, recIn!);
        recorder.start();
        expectNoFlagsUnlessXrun(await sd.wait(), mark);
        await recorder.close();
        const start = heard.findIndex((v) => Math.abs(v) > 1e-3);
        let end = heard.length - 1;
        while (end > 0 && Math.abs(heard[end]!) <= 1e-3) end--;
        expect(start).toBeGreaterThanOrEqual(0);
        // Measured well inside the played part (the recorder joined late).
        const body = Float64Array.from(heard.subarray(start + 2400, end - 2400));
        expectCleanSine(body, DEVICE_RATE, 1000, Math.min(0.5, body.length / DEVICE_RATE));
      } finally {
        if (!recorder.closed) await recorder.close();
      }
    });
  }
});

describe('playrec() at 16 kHz through the JACK loopback', { retry: 3 }, () => {
  it('records every click at the same lag, and exactly the frames played', async () => {
    const rate = 16000;
    const frames = rate * 2;
    const data = new Float32Array(frames);
    const clicks: number[] = [];
    for (let k = rate / 2; k < frames - 2000; k += 1000) {
      data[k] = 0.5;
      clicks.push(k);
    }
    const mark = jackLogMark(testbed);
    const before = await portsNow();
    const r = sd.playrec(data, { device: 'system', sampleRate: rate, channels: 1, resample: true });
    const stream = sd.getStream();
    await loopback(before, 1);
    expectNoFlagsUnlessXrun(await sd.wait(), mark);
    expect(r.shape).toEqual([frames, 1]);
    const got = channelOf(r.data, 1, 0);
    const lags = clicks.map((k) => {
      let best = k;
      for (let i = k; i < k + 1000; i++) if (Math.abs(got[i]!) > Math.abs(got[best]!)) best = i;
      return best - k;
    });
    expect(new Set(lags).size, `lags ${lags.join(', ')}`).toBe(1);
    // The lag is the reported latency (input + output: PortAudio's JACK
    // period plus the converters'), within a frame of the filters' rounding.
    const [inLatency, outLatency] = stream.latency as [number, number];
    expect(Math.abs(lags[0]! - (inLatency + outLatency) * rate)).toBeLessThanOrEqual(2);
    console.log(`playrec at 16 kHz on 48 kHz JACK: lag ${lags[0]} frames, latency ${inLatency.toFixed(4)} + ${outLatency.toFixed(4)} s`);
  });
});

describe('streams at 16 kHz on the 48 kHz JACK device', { retry: 3 }, () => {
  it('callback stream: whole blocks at 16 kHz, the sine in tune', async () => {
    const { feed, port } = await sineFeed();
    try {
      const rate = 16000;
      const want = rate;
      const got = new Float64Array(want + 4096);
      let n = 0;
      const sizes = new Set<number>();
      const before = await portsNow();
      const stream = new sd.InputStream({
        device: 'system',
        sampleRate: rate,
        channels: 1,
        blockSize: 160,
        resample: true,
        callback: (indata, frames) => {
          sizes.add(frames);
          for (let i = 0; i < frames && n < got.length; i++) got[n++] = indata.get(i, 0);
        },
      });
      expect(stream.sampleRate).toBe(rate);
      const [input] = await newPorts(before, 'in');
      await jackConnect(port, input!);
      stream.start();
      while (n < want) await sd.sleep(50);
      await stream.close();
      expect([...sizes]).toEqual([160]);
      expectCleanSine(got.subarray(0, want), rate, FREQ);
    } finally {
      await feed.close();
    }
  });

  it('blocking stream: read() returns exactly the frames asked for, the sine in tune', async () => {
    const { feed, port } = await sineFeed();
    try {
      const rate = 16000;
      const before = await portsNow();
      await using stream = new sd.InputStream({ device: 'system', sampleRate: rate, channels: 1, resample: true });
      const [input] = await newPorts(before, 'in');
      await jackConnect(port, input!);
      stream.start();
      await stream.read(rate / 2); // lets the connection settle
      const { data } = await stream.read(rate);
      expect(data.shape).toEqual([rate, 1]);
      expectCleanSine(channelOf(data.data, 1, 0), rate, FREQ);
    } finally {
      await feed.close();
    }
  });
});

describe('resample off, and bad values', () => {
  it('an unsupported rate is a PortAudioError naming the option and the rates the device supports', () => {
    let error: unknown;
    try {
      sd.rec(1000, { device: 'system', sampleRate: 44100, channels: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(sd.PortAudioError);
    expect(String((error as Error).message)).toMatch(/Invalid sample rate/);
    expect(String((error as Error).message)).toMatch(/resample: true/);
    expect(String((error as Error).message)).toMatch(/48000/);
  });

  it('defaults.resample turns it on everywhere', async () => {
    sd.defaults.resample = true;
    const r = sd.rec(800, { device: 'system', sampleRate: 16000, channels: 1 });
    expect(sd.getStream().sampleRate).toBe(16000);
    await sd.wait();
    expect(r.shape).toEqual([800, 1]);
  });

  it('resample must be a boolean, resampleQuality a known quality', () => {
    const bad = { device: 'system', sampleRate: 16000, channels: 1, resample: 'yes' as never };
    expect(() => sd.rec(100, bad)).toThrow(TypeError);
    expect(() => sd.rec(100, bad)).toThrow(/resample must be true or false/);
    expect(() => new sd.OutputStream({ device: 'system', resample: true, resampleQuality: 'ultra' as never })).toThrow(RangeError);
    expect(() => new sd.OutputStream({ device: 'system', resample: true, resampleQuality: 'ultra' as never })).toThrow(
      /resampleQuality must be 'low', 'medium', 'high' or 'best', got 'ultra'/,
    );
  });
});
