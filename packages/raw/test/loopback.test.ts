/**
 * Full-duplex loopback on the JACK dummy server (real-time paced): the
 * stream's outputs are connected to its own inputs, so what it plays comes
 * back one JACK period later. The signal must come back bit-exact, and the
 * measured round trip must be exactly the latency the stream reports —
 * PortAudio's own latency plus the output cushion.
 *
 * These runs need a glitch-free stretch of real time; on a loaded shared
 * machine the non-real-time JACK server can xrun, which no client can hide,
 * so each test is retried (a glitch-free run is required to pass).
 */
import { describe, expect, it } from 'vitest';
import { CallbackStop, RawStream } from '../src/index.js';
import {
  disconnectSystem,
  fixture,
  loopStreamPorts,
  makeSignal,
  portAudioPorts,
  testbed,
  within,
} from './helpers.js';

const REAL_TIME = { retry: 2 };
const CHANNELS = 2;
const FRAME_BYTES = 4 * CHANNELS; // float32
const SIGNAL_FRAMES = 4800; // 100 ms at 48 kHz

interface Loopback {
  recorded: Buffer;
  /** Frame (in the stream's block sequence) at which the signal was played. */
  start: number;
  /** Blocks with an under- or overflow after the signal started. */
  glitches: number;
  latency: [number, number];
  sampleRate: number;
  cushion: number;
}

/** Round trip in frames, or -1 if the signal did not come back bit-exact. */
function measure(run: Loopback, signal: Buffer): number {
  const at = run.recorded.indexOf(signal);
  if (at < 0 || at % FRAME_BYTES !== 0) return -1;
  return at / FRAME_BYTES - run.start;
}

/** PortAudio's own latencies for these settings (a blocking stream has no cushion). */
async function portAudioLatency(blockSize: number): Promise<[number, number]> {
  const s = new RawStream({ device: 'system', channels: CHANNELS, dtype: 'float32', blockSize });
  try {
    expect(s.cushion).toBe(0);
    return s.latency as [number, number];
  } finally {
    await s.close();
  }
}

async function loopWithCallback(signal: Buffer, blockSize: number, cushion: number, busyAfterStartMs = 0): Promise<Loopback> {
  const tail = (cushion + 4) * Math.max(blockSize, testbed().jack.period);
  const recorded: Buffer[] = [];
  let position = 0;
  let go = false;
  let start = -1;
  let glitches = 0;
  const before = await portAudioPorts();
  const s = new RawStream({
    device: 'system',
    channels: CHANNELS,
    dtype: 'float32',
    blockSize,
    cushion,
    callback: (indata, outdata, frames, _time, status) => {
      recorded.push(Buffer.from(indata));
      if (start < 0 && go) start = position;
      if (start >= 0) {
        if (status.outputUnderflow || status.inputOverflow) glitches++;
        const from = Math.min((position - start) * FRAME_BYTES, signal.byteLength);
        outdata.set(signal.subarray(from, Math.min(from + outdata.byteLength, signal.byteLength)));
      }
      position += frames;
      if (start >= 0 && position >= start + SIGNAL_FRAMES + tail) throw new CallbackStop();
    },
  });
  try {
    const ports = await loopStreamPorts(before);
    s.start();
    // Keep the main thread from running the callback for a while, as a busy
    // program does: the device runs dry and plays silence meanwhile.
    for (const until = Date.now() + busyAfterStartMs; Date.now() < until; );
    await disconnectSystem(ports);
    go = true;
    await within(s.finished, 10_000, 'loopback stream');
    return {
      recorded: Buffer.concat(recorded),
      start,
      glitches,
      latency: s.latency as [number, number],
      sampleRate: s.sampleRate,
      cushion: s.cushion,
    };
  } finally {
    await s.close();
  }
}

async function loopWithProcessor(signal: Buffer, blockSize: number, cushion: number): Promise<Loopback> {
  const tail = (cushion + 4) * blockSize;
  const record = new SharedArrayBuffer((SIGNAL_FRAMES + 64 * blockSize + tail) * FRAME_BYTES * 2);
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const before = await portAudioPorts();
  const s = new RawStream({
    device: 'system',
    channels: CHANNELS,
    dtype: 'float32',
    blockSize,
    cushion,
    processor: fixture('loopback-processor.mjs'),
    processorData: { signal: new Uint8Array(signal).buffer, record, control, frameBytes: FRAME_BYTES, tail },
  });
  try {
    await within(s.ready, 5000, 'processor ready');
    const ports = await loopStreamPorts(before);
    s.start();
    await disconnectSystem(ports);
    Atomics.store(ctl, 0, 1);
    await within(s.finished, 10_000, 'loopback stream');
    const frames = Atomics.load(ctl, 3);
    return {
      recorded: Buffer.from(new Uint8Array(record, 0, Math.min(frames * FRAME_BYTES, record.byteLength))),
      start: ctl[1]!,
      glitches: ctl[2]!,
      latency: s.latency as [number, number],
      sampleRate: s.sampleRate,
      cushion: s.cushion,
    };
  } finally {
    await s.close();
  }
}

/**
 * A main-thread callback can be delayed by other processes on a shared
 * machine (its cushion is only 2 blocks); retry such a run a few times so the
 * content and latency checks look at a run whose signal was not disturbed.
 */
async function undisturbed(run: () => Promise<Loopback>, attempts = 4): Promise<Loopback> {
  let result = await run();
  for (let i = 1; i < attempts && result.glitches > 0; i++) result = await run();
  return result;
}

describe('JACK loopback', () => {
  const signal = makeSignal('float32', CHANNELS, SIGNAL_FRAMES, 31);
  const period = testbed().jack.period;
  const rate = testbed().jack.rate;

  it('callback stream: played == recorded bit-exact; round trip == reported latency, cushion included', REAL_TIME, async () => {
    const BLOCK = 256;
    const pa = await portAudioLatency(BLOCK);
    const runs = new Map<number, number>();
    for (const cushion of [2, 4]) {
      const run = await undisturbed(() => loopWithCallback(signal, BLOCK, cushion));
      expect(run.cushion).toBe(cushion);
      expect(run.sampleRate).toBe(rate);
      expect(run.glitches, 'under/overflows while the signal was in flight').toBe(0);
      const delay = measure(run, signal);
      expect(delay, 'the signal came back bit-exact').toBeGreaterThanOrEqual(0);
      // latency[1] is PortAudio's output latency plus the cushion.
      expect(Math.round((run.latency[1] - pa[1]) * rate)).toBe(cushion * BLOCK);
      expect(run.latency[0]).toBe(pa[0]);
      // The round trip is exactly what the stream reports.
      expect(delay).toBe(Math.round((run.latency[0] + run.latency[1]) * rate));
      // One JACK period through the loop, plus the cushion, plus the one block
      // PortAudio's buffer processor adds for a fixed block size (it is part of
      // PortAudio's reported output latency).
      expect(delay).toBe(period + cushion * BLOCK + BLOCK);
      runs.set(cushion, delay);
    }
    // Two more blocks of cushion: exactly two more blocks of delay.
    expect(runs.get(4)! - runs.get(2)!).toBe(2 * BLOCK);
  });

  it('callback stream whose callback runs 150 ms late at first: the round trip is still the reported latency (late output is not queued)', REAL_TIME, async () => {
    const BLOCK = 256;
    const run = await undisturbed(() => loopWithCallback(signal, BLOCK, 2, 150));
    expect(run.glitches, 'under/overflows while the signal was in flight').toBe(0);
    const delay = measure(run, signal);
    expect(delay, 'the signal came back bit-exact').toBeGreaterThanOrEqual(0);
    // Without the rule, each of the ~28 blocks of silence played while the
    // callback was held up would have added a block of delay for good.
    expect(delay).toBe(Math.round((run.latency[0] + run.latency[1]) * rate));
    expect(delay).toBe(period + 2 * BLOCK + BLOCK);
  });

  it('callback stream with blockSize 0: the cushion is counted in blocks of the size PortAudio chose', REAL_TIME, async () => {
    const run = await undisturbed(() => loopWithCallback(signal, 0, 2));
    expect(run.glitches).toBe(0);
    const delay = measure(run, signal);
    expect(delay).toBeGreaterThanOrEqual(0);
    // PortAudio hands over whole JACK periods: no buffer adaption here.
    expect(delay).toBe(period + 2 * period);
    expect(delay).toBe(Math.round((run.latency[0] + run.latency[1]) * rate));
  });

  it('processor stream: played == recorded bit-exact; round trip == reported latency', REAL_TIME, async () => {
    const BLOCK = 256;
    const pa = await portAudioLatency(BLOCK);
    const run = await loopWithProcessor(signal, BLOCK, 2);
    expect(run.start).toBeGreaterThanOrEqual(0);
    expect(run.glitches).toBe(0);
    const delay = measure(run, signal);
    expect(delay, 'the signal came back bit-exact').toBeGreaterThanOrEqual(0);
    expect(Math.round((run.latency[1] - pa[1]) * rate)).toBe(2 * BLOCK);
    expect(delay).toBe(Math.round((run.latency[0] + run.latency[1]) * rate));
    expect(delay).toBe(period + 2 * BLOCK + BLOCK);
  });

  it('leaves no PortAudio ports behind', async () => {
    expect(await portAudioPorts()).toEqual([]);
  });
});
