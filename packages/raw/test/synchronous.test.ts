/**
 * The two cases where the audio thread waits for the program (design.md,
 * "Threads"): synchronous callbacks (`cushion: 0`, Python's latency) on the
 * JACK device, and any callback or blocking stream on a device that does not
 * run on a clock (the ALSA file PCMs). What is checked: exact output, the
 * latency, what a late callback costs, and that nothing hangs while the audio
 * thread waits: stop, abort, close, closeSync, exit, the finalizer, a callback
 * that throws, blocks for long or never returns.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { clearOutFile, readOutFile } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { type CallbackFlags, CallbackStop, RawOutputStream, RawStream } from '../src/index.js';
import { fixture, makeSignal, runNode, soundFrames, testbed, within } from './helpers.js';

const BLOCK = 256;

/** Busy-waits `ms` milliseconds on the main thread (a long GC, a heavy task). */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // Busy.
  }
}

/** Runs `fn` and returns how long it took, in ms. */
async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

describe('devices that do not run on a clock (vfile_out)', () => {
  it('are recognised: unpaced, no cushion, PortAudio latency', async () => {
    const stream = new RawOutputStream({ device: 'vfile_out', channels: 1, blockSize: BLOCK, callback: () => {} });
    try {
      expect(stream.unpaced).toBe(true);
      expect(stream.cushion).toBe(0);
    } finally {
      await stream.close();
    }
    const jack = new RawOutputStream({ device: 'system', channels: 1, blockSize: BLOCK, callback: () => {} });
    try {
      expect(jack.unpaced).toBe(false);
      expect(jack.cushion).toBe(2);
    } finally {
      await jack.close();
    }
  });

  it('a callback that stalls for half a second still yields its blocks back to back', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const blocks = 12;
    const signal = makeSignal('int16', 1, BLOCK * blocks, 21);
    let k = 0;
    let underflows = 0;
    const stream = new RawOutputStream({
      device: 'vfile_out',
      channels: 1,
      dtype: 'int16',
      blockSize: BLOCK,
      sampleRate: 48000,
      callback: (out, _frames, _t, status: CallbackFlags) => {
        if (status.outputUnderflow) underflows++;
        if (k === 4) stall(500);
        out.set(signal.subarray(k * BLOCK * 2, (k + 1) * BLOCK * 2));
        if (++k === blocks) throw new CallbackStop();
      },
    });
    stream.start();
    await within(stream.finished, 10_000, 'finished');
    await stream.close();
    expect(soundFrames(await readOutFile(tb), 2, 0)).toEqual(signal);
    expect(underflows).toBe(0);
  });

  it('stop(), abort(), close() and closeSync() return at once while the audio thread waits for a processor stuck in a loop', async () => {
    for (const end of ['stop', 'abort', 'close', 'closeSync'] as const) {
      const stream = new RawOutputStream({
        device: 'vfile_out',
        channels: 1,
        blockSize: BLOCK,
        processor: fixture('stalling-processor.mjs'),
        processorData: { answered: 2 },
      });
      await stream.ready;
      stream.start();
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.active).toBe(true);
      const ms = await timed(() => (end === 'close' ? stream.close() : stream[end]()));
      expect(ms, end).toBeLessThan(3000);
      await within(stream.close(), 5000, `close after ${end}`);
      expect(stream.closed).toBe(true);
    }
  });

  it('a blocking write that pauses between pieces plays back to back', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const signal = makeSignal('float32', 2, 20_000, 5);
    const stream = new RawOutputStream({ device: 'vfile_out', channels: 2, dtype: 'float32', sampleRate: 48000 });
    stream.start();
    let underflowed = false;
    for (let at = 0; at < signal.byteLength; at += 8 * 3000) {
      underflowed ||= await stream.write(signal.subarray(at, Math.min(at + 8 * 3000, signal.byteLength)));
      await new Promise((r) => setTimeout(r, 30)); // the program is busy elsewhere
    }
    stream.stop();
    await stream.close();
    expect(underflowed).toBe(false);
    expect(soundFrames(await readOutFile(tb), 8, 0)).toEqual(signal);
  });
});

describe('cushion 0: synchronous callbacks (JACK)', () => {
  // Real time on the main thread with no cushion: on a loaded machine an
  // unrelated block can miss its deadline too, so a failed run is repeated.
  it('report PortAudio\'s latency, and a late callback costs one underflow in the next status', { retry: 2 }, async () => {
    const statuses: string[] = [];
    let calls = 0;
    const stream = new RawStream({
      device: 'system',
      channels: 2,
      blockSize: BLOCK,
      cushion: 0,
      callback: (_i, _o, _f, _t, status: CallbackFlags) => {
        calls++;
        statuses.push(String(status.outputUnderflow));
        if (calls === 20) stall(100);
      },
    });
    try {
      const [, output] = stream.latency as number[];
      expect(stream.cushion).toBe(0);
      expect(output).toBeCloseTo(0, 1);
      stream.start();
      await new Promise((r) => setTimeout(r, 600));
      const ms = await timed(() => stream.stop());
      expect(ms).toBeLessThan(1000);
    } finally {
      await stream.close();
    }
    // The 20th call was late: the 21st reports it.
    expect(statuses[20]).toBe('true');
    expect(statuses.slice(0, 19)).not.toContain('true');
  });

  it('a callback that throws stops the stream; finished rejects, nothing stays blocked', async () => {
    const stream = new RawStream({
      device: 'system',
      channels: 2,
      blockSize: BLOCK,
      cushion: 0,
      callback: () => {
        throw new RangeError('broken callback');
      },
    });
    stream.on('error', () => {});
    stream.start();
    await expect(within(stream.finished, 5000, 'finished')).rejects.toThrow('broken callback');
    const ms = await timed(() => stream.closeSync());
    expect(ms).toBeLessThan(1000);
  });

  it('close() returns while the audio thread waits for a processor stuck in a loop', async () => {
    const stream = new RawOutputStream({
      device: 'system',
      channels: 1,
      blockSize: BLOCK,
      cushion: 0,
      processor: fixture('stalling-processor.mjs'),
      processorData: { answered: 3 },
    });
    await stream.ready;
    stream.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(await timed(() => stream.close())).toBeLessThan(3000);
  });
});

describe('exit while the audio thread waits for a callback that never answers', () => {
  for (const how of ['exit', 'drop'] as const) {
    for (const device of ['system', 'vfile_out']) {
      it(`${how === 'exit' ? 'process.exit()' : 'the dropped stream\'s finalizer'} on ${device}`, async () => {
        const child = await runNode(fixture('synchronous-exit.mjs'), [how, device], { timeoutMs: 15_000 });
        expect(child.timedOut).toBe(false);
        expect(child.signal).toBeNull();
        expect(child.code).toBe(0);
        expect(child.stderr).not.toMatch(/panick|Segmentation|Assertion|abort/i);
        if (how === 'drop') expect(child.stdout).toBe('collected\n');
      });
    }
  }
});

describe('worker.terminate() while the audio thread waits for the worker\'s callback', () => {
  for (const device of ['system', 'vfile_out']) {
    it(`on ${device}: the worker ends and its stream is closed`, async () => {
      const worker = new Worker(fixture('synchronous-worker.mjs'), { workerData: { device } });
      const exited = once(worker, 'exit');
      await within(once(worker, 'message'), 10_000, 'the worker\'s stream running');
      const ms = await timed(() => worker.terminate());
      await within(exited, 5000, 'worker exit');
      expect(ms).toBeLessThan(3000);
      // The process goes on: a new stream on the same device opens and runs.
      const again = new RawOutputStream({ device, channels: 1, blockSize: 256, cushion: 0, callback: () => {} });
      again.start();
      await new Promise((r) => setTimeout(r, 100));
      expect(again.active).toBe(true);
      await again.close();
    });
  }
});
