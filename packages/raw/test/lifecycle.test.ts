/**
 * Stream lifecycle and attributes on real devices: CallbackStop/CallbackAbort,
 * errors thrown by callbacks, finishedCallback, stop/abort/close from inside
 * and outside the callback, close(), `await using`, cpuLoad, time, the
 * available counts, blocking I/O rules, AbortSignal, async iteration and
 * Node streams.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CallbackAbort,
  CallbackFlags,
  CallbackStop,
  PortAudioError,
  RawInputStream,
  RawOutputStream,
  type RawOutputStreamOptions,
  RawStream,
  createReadable,
  createWritable,
} from '../src/index.js';
import {
  commonPrefix,
  fixture,
  makeSignal,
  portAudioPorts,
  runNode,
  soundFrames,
  testbed,
  waitFor,
  within,
} from './helpers.js';

const BLOCK = 256;

/** An output callback stream on JACK's `system` device (real-time paced). */
function jackOutput(options: RawOutputStreamOptions): RawOutputStream {
  return new RawOutputStream({ device: 'system', channels: 1, dtype: 'float32', blockSize: BLOCK, ...options });
}

/** Captures what is written to stderr while `fn` runs. */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ result: T; text: string }> {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    const result = await fn();
    return { result, text };
  } finally {
    spy.mockRestore();
  }
}

afterEach(async () => {
  // Every test closes what it opens.
  expect(await portAudioPorts()).toEqual([]);
});

describe('CallbackStop and CallbackAbort', () => {
  it('CallbackStop: everything the callback produced is played (vfile_out holds the whole signal)', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const frames = 40 * BLOCK;
    const signal = makeSignal('int16', 2, frames, 41);
    let position = 0;
    let calls = 0;
    let finishedCalls = 0;
    // A big cushion: the callback queues many blocks per wake, so several are
    // still queued when it throws CallbackStop.
    const s = new RawOutputStream({
      device: 'vfile_out',
      channels: 2,
      dtype: 'int16',
      sampleRate: 44100,
      blockSize: BLOCK,
      cushion: 16,
      callback: (outdata, n) => {
        calls++;
        outdata.set(signal.subarray(position * 4, (position + n) * 4));
        position += n;
        if (position >= frames) throw new CallbackStop();
      },
      finishedCallback: () => finishedCalls++,
    });
    try {
      s.start();
      await within(s.finished, 5000, 'finished');
      await sleep(20);
      expect(calls).toBe(40);
      expect(finishedCalls).toBe(1);
      expect(s.active).toBe(false);
      expect(s.stopped).toBe(false); // inactive, but stop() was not called (as in Python)
    } finally {
      await s.close();
    }
    expect(soundFrames(Buffer.from(await readOutFile(tb)), 4, 0).equals(signal)).toBe(true);
  });

  it('CallbackStop on JACK: the queued cushion plays before the stream finishes', async () => {
    const cushion = 16;
    let calls = 0;
    const s: RawOutputStream = jackOutput({
      cushion,
      callback: () => {
        calls++;
        if (calls === 30) throw new CallbackStop();
      },
    });
    try {
      const capacity = s.writeAvailable;
      s.start();
      await within(s.finished, 5000, 'finished');
      expect(calls).toBe(30);
      // Nothing is left in the output ring, and the audio thread played the
      // cushion's silence and all 30 blocks.
      expect(s.writeAvailable).toBe(capacity);
      expect(s.framesProcessed).toBeGreaterThanOrEqual((30 + cushion) * BLOCK);
    } finally {
      await s.close();
    }
  });

  it('CallbackAbort: stops at once, the queued output is dropped, finished resolves', async () => {
    const cushion = 16;
    let calls = 0;
    let finishedCalls = 0;
    let framesAtAbort = 0;
    const s: RawOutputStream = jackOutput({
      cushion,
      callback: () => {
        calls++;
        if (calls === 30) {
          framesAtAbort = s.framesProcessed;
          throw new CallbackAbort();
        }
      },
      finishedCallback: () => finishedCalls++,
    });
    try {
      const capacity = s.writeAvailable;
      s.start();
      await within(s.finished, 5000, 'finished');
      await sleep(50);
      expect(calls).toBe(30);
      expect(finishedCalls).toBe(1);
      expect(s.active).toBe(false);
      // At most a couple of blocks ran after the abort, and what the callback
      // had queued stayed unplayed in the ring.
      expect(s.framesProcessed - framesAtAbort).toBeLessThanOrEqual(3 * BLOCK);
      expect(s.writeAvailable).toBeLessThan(capacity);
    } finally {
      await s.close();
    }
  });
});

describe('errors thrown by the callback', () => {
  it("are printed with their stack, emitted as 'error', reject finished, and stop the stream", async () => {
    const boom = new Error('boom in the callback');
    let calls = 0;
    let finishedCalls = 0;
    const emitted: unknown[] = [];
    const s = jackOutput({
      callback: () => {
        calls++;
        if (calls === 3) throw boom;
      },
      finishedCallback: () => finishedCalls++,
    });
    s.on('error', (e) => emitted.push(e));
    try {
      const { text } = await capturingStderr(async () => {
        s.start();
        await expect(within(s.finished, 5000, 'finished')).rejects.toBe(boom);
        await sleep(50);
      });
      expect(text).toContain('Exception in RawOutputStream callback');
      expect(text).toContain('boom in the callback');
      expect(text).toMatch(/\n\s+at /); // the stack
      expect(emitted).toEqual([boom]);
      expect(calls).toBe(3);
      expect(finishedCalls).toBe(1);
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
  });

  it("without an 'error' listener: nothing is thrown, no unhandled rejection, the process goes on", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    let finishedCalls = 0;
    const s = jackOutput({
      callback: () => {
        throw new TypeError('not a glitch');
      },
      finishedCallback: () => finishedCalls++,
    });
    try {
      const { text } = await capturingStderr(async () => {
        s.start(); // nobody awaits s.finished
        await waitFor(() => finishedCalls === 1, 5000, 'finishedCallback');
        await sleep(50);
      });
      expect(text).toContain('TypeError: not a glitch');
      expect(unhandled).toEqual([]);
      await expect(s.finished).rejects.toThrow('not a glitch');
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await s.close();
    }
    // The process and PortAudio keep working.
    let calls = 0;
    const again = jackOutput({ callback: () => void calls++ });
    try {
      again.start();
      await waitFor(() => calls > 5, 2000, 'callbacks of a new stream');
    } finally {
      await again.close();
    }
  });

  it('an error thrown by finishedCallback is reported the same way', async () => {
    const s = jackOutput({
      callback: () => {},
      finishedCallback: () => {
        throw new Error('finished went wrong');
      },
    });
    const emitted: unknown[] = [];
    s.on('error', (e) => emitted.push(e));
    try {
      const { text } = await capturingStderr(async () => {
        s.start();
        await sleep(30);
        s.stop();
      });
      expect(text).toContain('finished went wrong');
      expect(emitted).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});

describe('finishedCallback and the finished event', () => {
  const ends: Array<[string, (s: RawOutputStream) => void | Promise<void>]> = [
    ['stop()', (s) => s.stop()],
    ['abort()', (s) => s.abort()],
    ['close()', (s) => s.close()],
  ];

  it.each(ends)('run exactly once after %s from outside the callback', async (_name, end) => {
    let finishedCalls = 0;
    let events = 0;
    let calls = 0;
    const s = jackOutput({ callback: () => void calls++, finishedCallback: () => finishedCalls++ });
    s.on('finished', () => events++);
    try {
      s.start();
      await waitFor(() => calls >= 5, 2000, 'callbacks');
      await end(s);
      const callsAtEnd = calls;
      await within(s.finished, 2000, 'finished');
      await sleep(60);
      expect(finishedCalls).toBe(1);
      expect(events).toBe(1);
      expect(s.active).toBe(false);
      // No callback after stop/abort/close returned.
      expect(calls).toBe(callsAtEnd);
    } finally {
      await s.close();
    }
    expect(finishedCalls).toBe(1);
  });

  it.each(ends)('run exactly once after %s from inside the callback', async (name, end) => {
    let finishedCalls = 0;
    let calls = 0;
    let callsAfterEnd = 0;
    let ended = false;
    const s: RawOutputStream = jackOutput({
      callback: () => {
        if (ended) callsAfterEnd++;
        calls++;
        if (calls === 5) {
          ended = true;
          void end(s);
        }
      },
      finishedCallback: () => finishedCalls++,
    });
    try {
      s.start();
      await within(s.finished, 2000, 'finished');
      await sleep(60);
      expect(calls).toBe(5);
      expect(callsAfterEnd).toBe(0);
      expect(finishedCalls).toBe(1);
      expect(s.active).toBe(false);
      expect(s.closed).toBe(name === 'close()');
    } finally {
      await s.close();
    }
    expect(finishedCalls).toBe(1);
  });

  it('run once per activation when a stream is restarted', async () => {
    let finishedCalls = 0;
    let calls = 0;
    const s = jackOutput({ callback: () => void calls++, finishedCallback: () => finishedCalls++ });
    try {
      for (let run = 1; run <= 3; run++) {
        s.start();
        expect(s.active).toBe(true);
        expect(s.stopped).toBe(false);
        const before = calls;
        await waitFor(() => calls >= before + 3, 2000, 'callbacks');
        s.stop();
        expect(s.stopped).toBe(true);
        await within(s.finished, 2000, 'finished');
        expect(finishedCalls).toBe(run);
      }
    } finally {
      await s.close();
    }
    expect(finishedCalls).toBe(3);
  });

  it('is not run for a stream closed without being started', async () => {
    let finishedCalls = 0;
    const s = jackOutput({ callback: () => {}, finishedCallback: () => finishedCalls++ });
    await s.close();
    await sleep(20);
    expect(finishedCalls).toBe(0);
  });
});

describe('callback delivery', () => {
  it('hands the callback the same reused views block after block', async () => {
    const inputs = new Set<Buffer>();
    const outputs = new Set<Buffer>();
    const buffers = new Set<ArrayBufferLike>();
    let calls = 0;
    const s = new RawStream({
      device: 'system',
      channels: 2,
      blockSize: BLOCK,
      callback: (indata, outdata, frames) => {
        calls++;
        expect(frames).toBe(BLOCK);
        expect(indata.byteLength).toBe(BLOCK * 8);
        expect(outdata.byteLength).toBe(BLOCK * 8);
        inputs.add(indata);
        outputs.add(outdata);
        buffers.add(indata.buffer).add(outdata.buffer);
      },
    });
    try {
      s.start();
      await waitFor(() => calls >= 30, 3000, 'callbacks');
    } finally {
      await s.close();
    }
    expect(inputs.size).toBe(1);
    expect(outputs.size).toBe(1);
    expect(buffers.size).toBe(2);
  });

  it('wakes JavaScript once per batch of blocks and runs the callback for each ready block in one go', async () => {
    // cushion 8: the audio thread wakes the main thread once per 4 blocks.
    const stamps: number[] = [];
    const s = jackOutput({ cushion: 8, callback: () => void stamps.push(performance.now()) });
    try {
      s.start();
      await waitFor(() => stamps.length >= 80, 3000, 'callbacks');
    } finally {
      await s.close();
    }
    // Blocks are 5.3 ms apart at the device; callbacks of one wake run back to back.
    const steady = stamps.slice(20);
    let wakes = 1;
    for (let i = 1; i < steady.length; i++) if (steady[i]! - steady[i - 1]! > 2) wakes++;
    expect(wakes).toBeLessThanOrEqual(steady.length / 2);
  });

  it('reports an underflow to the next callback when the cushion ran dry', async () => {
    let calls = 0;
    const flagged: number[] = [];
    const s = jackOutput({
      callback: (_out, _frames, _time, status) => {
        calls++;
        if (status.outputUnderflow) flagged.push(calls);
        if (calls === 20) {
          const end = performance.now() + 60; // stall the main thread: ~11 blocks
          while (performance.now() < end);
        }
      },
    });
    try {
      s.start();
      await waitFor(() => calls >= 40, 3000, 'callbacks');
    } finally {
      await s.close();
    }
    // (A start-up hiccup may flag a block before the stall; not the steady state.)
    expect(flagged.filter((c) => c <= 20).length).toBeLessThanOrEqual(2);
    expect(flagged.some((c) => c > 20 && c <= 35)).toBe(true);
  });
});

describe('processor streams', () => {
  it("report the processor's errors on the main thread: stderr, 'error', finished rejects", async () => {
    const calls = new Int32Array(new SharedArrayBuffer(4));
    let finishedCalls = 0;
    const emitted: Error[] = [];
    const s = jackOutput({
      processor: fixture('throwing-processor.mjs'),
      processorData: { calls: calls.buffer },
      finishedCallback: () => finishedCalls++,
    });
    s.on('error', (e: Error) => emitted.push(e));
    try {
      await within(s.ready, 5000, 'processor ready');
      const { text } = await capturingStderr(async () => {
        s.start();
        await expect(within(s.finished, 5000, 'finished')).rejects.toThrow('the processor broke');
        await sleep(50);
      });
      expect(text).toContain('RangeError: the processor broke');
      expect(text).toContain('throwing-processor.mjs'); // the worker's stack
      expect(emitted).toHaveLength(1);
      expect(emitted[0]!.name).toBe('RangeError');
      expect(calls[0]).toBe(3);
      expect(finishedCalls).toBe(1);
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
  });

  it.each([
    ['CallbackStop', false],
    ['CallbackAbort', true],
  ])('end with %s thrown in the worker: finished resolves, finishedCallback once', async (_name, abort) => {
    const calls = new Int32Array(new SharedArrayBuffer(4));
    let finishedCalls = 0;
    const s = jackOutput({
      cushion: 16,
      processor: fixture('stopping-processor.mjs'),
      processorData: { calls: calls.buffer, stopAt: 20, abort },
      finishedCallback: () => finishedCalls++,
    });
    try {
      await within(s.ready, 5000, 'processor ready');
      s.start();
      await within(s.finished, 5000, 'finished');
      await sleep(50);
      expect(calls[0]).toBe(20);
      expect(finishedCalls).toBe(1);
      if (abort) expect(s.framesProcessed).toBeLessThan((20 + 16 - 4) * BLOCK);
      else expect(s.framesProcessed).toBeGreaterThanOrEqual((20 + 16) * BLOCK);
      // As in Python the stream is inactive but not stopped: start() does
      // nothing (PortAudio's "Stream is not stopped" is ignored); after
      // stop() it runs again.
      expect(s.stopped).toBe(false);
      s.start();
      expect(s.active).toBe(false);
      s.stop();
      expect(finishedCalls).toBe(1);
      s.start();
      await waitFor(() => calls[0]! >= 30, 3000, 'the worker processing the second run');
      s.stop();
      await within(s.finished, 2000, 'second run');
      expect(finishedCalls).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('a processor module that cannot be loaded rejects ready and reports the error', async () => {
    const emitted: Error[] = [];
    const s = jackOutput({ processor: fixture('no-such-processor.mjs') });
    s.on('error', (e: Error) => emitted.push(e));
    try {
      const { text } = await capturingStderr(async () => {
        await expect(within(s.ready, 5000, 'ready')).rejects.toThrow(/no-such-processor\.mjs/);
      });
      expect(text).toContain('no-such-processor.mjs');
      expect(emitted).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});

describe('close()', () => {
  it('is idempotent, and a closed stream refuses to start', async () => {
    const s = jackOutput({ callback: () => {} });
    s.start();
    await s.close();
    expect(s.closed).toBe(true);
    expect(s.active).toBe(false);
    expect(s.stopped).toBe(true);
    await s.close();
    s.closeSync();
    expect(() => s.start()).toThrow(PortAudioError);
    // stop()/abort() ignore PortAudio's errors by default, as Python's.
    s.stop();
    s.abort();
    expect(() => s.stop({ ignoreErrors: false })).toThrow(PortAudioError);
  });

  it('`await using` closes the stream at the end of the scope', async () => {
    let outer: RawOutputStream | undefined;
    {
      await using s = jackOutput({ callback: () => {} });
      outer = s;
      s.start();
      expect(s.active).toBe(true);
      expect((await portAudioPorts()).length).toBe(1);
    }
    expect(outer.closed).toBe(true);
  });

  it('a dropped running stream runs to its end through garbage collections, then its finalizer closes it', async () => {
    const child = await runNode(fixture('gc-finalizer.mjs'), [], { timeoutMs: 15_000 });
    expect(child.timedOut).toBe(false);
    expect(child.code, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout) as {
      portsWhileOpen: number;
      collectedWhileRunning: boolean;
      blocksWhileCollecting: number;
      portsWhileRunning: number;
      blocksPlayed: number;
      portsAfterGc: number;
      collected: boolean;
    };
    expect(report.portsWhileOpen).toBe(1);
    expect(report.collectedWhileRunning).toBe(false);
    expect(report.portsWhileRunning).toBe(1);
    expect(report.blocksWhileCollecting).toBeGreaterThan(0);
    expect(report.blocksPlayed).toBe(150);
    expect(report.collected).toBe(true);
    expect(report.portsAfterGc).toBe(0);
  });

  it('`await stream.finished` alone keeps the stream: it is not lost to the garbage collector mid-run', async () => {
    const child = await runNode(fixture('gc-awaited.mjs'), [], { timeoutMs: 15_000 });
    expect(child.timedOut).toBe(false);
    expect(child.stderr).not.toMatch(/unsettled top-level await/);
    expect(child.code, child.stderr).toBe(0);
    expect((JSON.parse(child.stdout) as { frames: number }).frames).toBeGreaterThanOrEqual(48000);
  });
});

describe('attributes', () => {
  it('cpuLoad is a number in [0, ∞) while running', async () => {
    const s = jackOutput({ callback: () => {} });
    try {
      expect(s.cpuLoad).toBeGreaterThanOrEqual(0);
      s.start();
      for (let i = 0; i < 5; i++) {
        await sleep(20);
        expect(Number.isFinite(s.cpuLoad)).toBe(true);
        expect(s.cpuLoad).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await s.close();
    }
  });

  it('time is monotonic, and so are the callback timestamps', async () => {
    const times: Array<{ adc: number; now: number; dac: number }> = [];
    const s = new RawStream({
      device: 'system',
      channels: 1,
      blockSize: BLOCK,
      callback: (_i, _o, _f, time) => {
        times.push({ adc: time.inputBufferAdcTime, now: time.currentTime, dac: time.outputBufferDacTime });
      },
    });
    try {
      s.start();
      const samples: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) {
        samples.push(s.time);
        await sleep(20);
      }
      const wall = (performance.now() - t0) / 1000;
      for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeGreaterThanOrEqual(samples[i - 1]!);
      const streamSpan = samples[samples.length - 1]! - samples[0]!;
      expect(streamSpan).toBeGreaterThan(wall * 0.5);
      expect(streamSpan).toBeLessThan(wall * 1.5);
    } finally {
      await s.close();
    }
    expect(times.length).toBeGreaterThan(10);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]!.now).toBeGreaterThanOrEqual(times[i - 1]!.now);
      expect(times[i]!.dac).toBeGreaterThan(times[i - 1]!.dac);
      expect(times[i]!.adc).toBeGreaterThan(times[i - 1]!.adc);
    }
    for (const t of times) expect(t.dac).toBeGreaterThanOrEqual(t.now);
  });

  it('readAvailable and writeAvailable follow the rings of a blocking stream', async () => {
    const s = new RawStream({ device: 'system', channels: 2, dtype: 'int16', blockSize: BLOCK });
    try {
      const capacity = s.writeAvailable;
      expect(capacity).toBeGreaterThanOrEqual(2048);
      expect(s.readAvailable).toBe(0);
      await s.write(Buffer.alloc(1000 * 4));
      expect(s.writeAvailable).toBe(capacity - 1000);
      s.start();
      await waitFor(() => s.readAvailable >= 1024, 2000, 'input');
      expect(s.writeAvailable).toBeGreaterThan(capacity - 1000); // the audio thread consumed output
      const available = s.readAvailable;
      const { data } = await within(s.read(available), 500, 'read of available frames');
      expect(data.byteLength).toBe(available * 4);
      expect(s.readAvailable).toBeLessThan(available);
    } finally {
      await s.close();
    }
  });
});

describe('stop() plays what is queued, abort() drops it', () => {
  it('blocking stream: stop() right after write() plays every written frame', async () => {
    const s = new RawOutputStream({ device: 'system', channels: 2, dtype: 'float32' });
    try {
      const capacity = s.writeAvailable;
      const frames = capacity + 9600; // more than the ring holds
      s.start();
      await s.write(makeSignal('float32', 2, frames, 46));
      expect(capacity - s.writeAvailable).toBeGreaterThan(capacity / 2); // still queued
      s.stop();
      expect(s.writeAvailable).toBe(capacity);
      expect(s.framesProcessed).toBeGreaterThanOrEqual(frames);
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('blocking stream: abort() right after write() drops what is queued', async () => {
    const s = new RawOutputStream({ device: 'system', channels: 2, dtype: 'float32' });
    try {
      const capacity = s.writeAvailable;
      const frames = capacity + 9600;
      s.start();
      await s.write(makeSignal('float32', 2, frames, 47));
      const queued = capacity - s.writeAvailable;
      expect(queued).toBeGreaterThan(capacity / 2);
      s.abort();
      expect(s.framesProcessed).toBeLessThan(frames - queued / 2);
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('callback stream: stop() from outside plays the blocks the callback already produced', async () => {
    const cushion = 16;
    let calls = 0;
    let callsAtStop = 0;
    const s = jackOutput({ cushion, callback: () => void calls++ });
    try {
      const capacity = s.writeAvailable;
      s.start();
      await waitFor(() => calls >= 30, 3000, 'callbacks');
      expect(capacity - s.writeAvailable).toBeGreaterThan(0); // produced, not yet played
      s.stop();
      callsAtStop = calls;
      expect(s.writeAvailable).toBe(capacity);
      expect(s.framesProcessed).toBeGreaterThanOrEqual((callsAtStop + cushion) * BLOCK);
    } finally {
      await s.close();
    }
  });
});

describe('blocking I/O rules', () => {
  it('read/write on callback streams throw PortAudioError', async () => {
    const s = new RawStream({ device: 'system', channels: 1, blockSize: BLOCK, callback: () => {} });
    try {
      await expect(async () => s.read(16)).rejects.toThrow(PortAudioError);
      await expect(async () => s.write(Buffer.alloc(16 * 4))).rejects.toThrow(PortAudioError);
      await expect(async () => s.readInto(Buffer.alloc(16 * 4))).rejects.toThrow(PortAudioError);
      expect(() => s.readSync(16)).toThrow(PortAudioError);
      expect(() => s.writeSync(Buffer.alloc(16 * 4))).toThrow(/callback stream/);
    } finally {
      await s.close();
    }
  });

  it('lengths that are not whole frames are a RangeError', async () => {
    const out = new RawOutputStream({ device: 'vfile_out', channels: 2, dtype: 'int16', sampleRate: 44100 });
    const input = new RawInputStream({ device: 'vfile_in', channels: 2, dtype: 'int24', sampleRate: 44100 });
    try {
      await expect(async () => out.write(Buffer.alloc(6))).rejects.toThrow(RangeError);
      await expect(async () => out.write(Buffer.alloc(6))).rejects.toThrow(/whole frames of 4 bytes/);
      expect(() => out.writeSync(new Uint8Array(3))).toThrow(RangeError);
      await expect(async () => input.readInto(Buffer.alloc(7))).rejects.toThrow(/whole frames of 6 bytes/);
      await expect(async () => input.read(0)).rejects.toThrow(RangeError);
      await expect(async () => input.read(2.5)).rejects.toThrow(/frames/);
      await expect(async () => input.read('8' as never)).rejects.toThrow(TypeError);
      await expect(async () => out.write('abcd' as never)).rejects.toThrow(TypeError);
      // Typed arrays count in bytes: an Int16Array of 2 stereo int16 frames is fine.
      expect(out.writeSync(new Int16Array(4))).toBe(false);
    } finally {
      await out.close();
      await input.close();
    }
  });

  it('read/write on a closed stream reject with PortAudioError', async () => {
    const s = new RawStream({ device: 'system', channels: 1, blockSize: BLOCK });
    await s.close();
    await expect(s.read(16)).rejects.toThrow(PortAudioError);
    await expect(s.write(Buffer.alloc(64))).rejects.toThrow(PortAudioError);
  });

  it('an already-aborted AbortSignal rejects at once and reads nothing', async () => {
    const tb = testbed();
    const signal = makeSignal('int16', 1, 4096, 45);
    await writeInFile(tb, signal);
    const s = new RawInputStream({ device: 'vfile_in', channels: 1, dtype: 'int16', sampleRate: 44100, blockSize: BLOCK });
    try {
      s.start();
      const reason = new Error('too late');
      await expect(s.read(100, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      await expect(s.readInto(Buffer.alloc(200), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      const { data } = await s.read(1024);
      expect(data.equals(signal.subarray(0, 1024 * 2))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('an AbortSignal aborts a pending read and write; the stream stays usable', async () => {
    const input = new RawInputStream({ device: 'system', channels: 1, blockSize: BLOCK });
    const output = new RawOutputStream({ device: 'system', channels: 1, blockSize: BLOCK });
    try {
      input.start();
      output.start();
      const controller = new AbortController();
      const reason = new Error('no more waiting');
      const t0 = performance.now();
      const reading = input.read(48_000 * 10, { signal: controller.signal });
      const writing = output.write(Buffer.alloc(48_000 * 10 * 4), { signal: controller.signal });
      const outcomes = Promise.allSettled([within(reading, 1500, 'aborted read'), within(writing, 1500, 'aborted write')]);
      await sleep(50);
      controller.abort(reason);
      const [read, write] = await outcomes;
      expect(read).toEqual({ status: 'rejected', reason });
      expect(write).toEqual({ status: 'rejected', reason });
      expect(performance.now() - t0).toBeLessThan(1500);
      // Already aborted: rejects at once.
      await expect(input.read(16, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      // Later reads are not affected.
      const { data } = await within(input.read(BLOCK), 1000, 'read after abort');
      expect(data.byteLength).toBe(BLOCK * 4);
      expect(input.active).toBe(true);
    } finally {
      await input.close();
      await output.close();
    }
  });
});

describe('iteration and Node streams', () => {
  it('async iteration yields the input blocks from sample 0 with their status', async () => {
    const tb = testbed();
    const signal = makeSignal('int16', 1, 64 * BLOCK, 42);
    await writeInFile(tb, signal);
    const s = new RawInputStream({ device: 'vfile_in', channels: 1, dtype: 'int16', sampleRate: 44100, blockSize: BLOCK });
    const blocks: Buffer[] = [];
    try {
      for await (const { data, status } of s) {
        expect(status).toBeInstanceOf(CallbackFlags);
        expect(data.byteLength).toBe(BLOCK * 2);
        blocks.push(Buffer.from(data));
        if (blocks.length === 8) break;
      }
    } finally {
      await s.close();
    }
    expect(Buffer.concat(blocks).equals(signal.subarray(0, 8 * BLOCK * 2))).toBe(true);
  });

  it('async iteration ends when the stream is stopped', async () => {
    const s = new RawInputStream({ device: 'system', channels: 1, blockSize: BLOCK });
    let blocks = 0;
    try {
      setTimeout(() => s.stop(), 100);
      for await (const { data } of s) {
        expect(data.byteLength).toBe(BLOCK * 4);
        blocks++;
      }
      expect(blocks).toBeGreaterThan(3);
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('createReadable() streams the input bytes from sample 0 and stops the stream when destroyed', async () => {
    const tb = testbed();
    const signal = makeSignal('float32', 2, 64 * BLOCK, 43);
    await writeInFile(tb, signal);
    const s = new RawInputStream({ device: 'vfile_in', channels: 2, dtype: 'float32', sampleRate: 44100, blockSize: BLOCK });
    try {
      const readable = createReadable(s, { frames: BLOCK });
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of readable as AsyncIterable<Buffer>) {
        chunks.push(Buffer.from(chunk));
        total += chunk.byteLength;
        if (total >= 2048 * 8) break; // breaking destroys the Readable
      }
      const got = Buffer.concat(chunks);
      expect(commonPrefix(got, signal)).toBeGreaterThanOrEqual(2048 * 8);
      expect(readable.destroyed).toBe(true);
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('createWritable() plays what is piped in (any chunk sizes) and stops when it ends', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const signal = makeSignal('int16', 2, 30_000, 44);
    const chunks: Buffer[] = [];
    for (let at = 0, size = 1; at < signal.byteLength; at += size, size = (size * 7 + 3) % 9000) {
      chunks.push(signal.subarray(at, at + size)); // not frame-aligned
    }
    const s = new RawOutputStream({ device: 'vfile_out', channels: 2, dtype: 'int16', sampleRate: 44100 });
    try {
      await within(pipeline(Readable.from(chunks), createWritable(s)), 10_000, 'pipeline');
      expect(s.active).toBe(false);
      expect(s.stopped).toBe(true);
    } finally {
      await s.close();
    }
    expect(soundFrames(Buffer.from(await readOutFile(tb)), 4, 0).equals(signal)).toBe(true);
  });
});
