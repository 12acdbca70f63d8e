/**
 * Errors and stalls in callbacks: 1,000 streams whose callback throws (every
 * kind of callback stream, ALSA and JACK, and processors): each error is
 * surfaced exactly once ('error' event, `finished` rejects with it, one
 * report on stderr), the callback is not called again, and the process
 * lives. Async callbacks whose promise rejects are reported the same way
 * (instead of an unhandled rejection ending the process); an async
 * processor is refused with a clear error. A callback (or a
 * processor) that blocks for 1 s gives underflow/overflow flags, not a
 * crash. A processor module that throws or fails to load gives a clear
 * error on the main thread.
 *
 * CI: 1000 streams on ALSA, 50 on JACK, 20 processors. Long: 10,000 on
 * ALSA, 1000 on JACK, 200 processors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as sd from '@sounddevice/numeric';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectGarbage, count, fixture, portAudioPorts, waitFor, within } from './helpers.js';

type AnyStream = sd.StreamBase<unknown, unknown>;

/** Counts what is written to stderr while `fn` runs (and hides it). */
async function countingStderr<T>(pattern: RegExp, fn: () => Promise<T>): Promise<{ result: T; count: number; text: string }> {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    const result = await fn();
    return { result, count: text.split(pattern).length - 1, text };
  } finally {
    spy.mockRestore();
  }
}

/** Streams whose callback throws on its first call, one kind after the other. */
function throwingStream(i: number, backend: 'alsa' | 'jack', thrown: Error[], calls: number[]): AnyStream {
  const cb = (): void => {
    calls[i] = (calls[i] ?? 0) + 1;
    throw thrown[i]!;
  };
  const dev = (input: boolean) =>
    backend === 'jack'
      ? { device: 'system', channels: 1, blockSize: 256 }
      : { device: input ? 'vzero' : 'vnull', channels: 1, blockSize: 256, sampleRate: 44100 };
  switch (i % 5) {
    case 0:
      return new sd.RawOutputStream({ ...dev(false), callback: cb });
    case 1:
      return new sd.RawInputStream({ ...dev(true), callback: cb });
    case 2:
      return new sd.OutputStream({ ...dev(false), callback: cb });
    case 3:
      return new sd.InputStream({ ...dev(true), callback: cb });
    default:
      return backend === 'jack'
        ? new sd.RawStream({ ...dev(false), callback: cb })
        : new sd.RawStream({ device: ['vzero', 'vnull'], channels: 1, blockSize: 256, sampleRate: 44100, callback: cb });
  }
}

async function throwingStreams(n: number, backend: 'alsa' | 'jack', batch: number): Promise<void> {
  const thrown = Array.from({ length: n }, (_, i) => new Error(`callback ${i} failed`));
  const calls: number[] = [];
  const emitted: unknown[][] = Array.from({ length: n }, () => []);
  const rejections: unknown[] = [];
  const { count: reports } = await countingStderr(/Exception in \w+ callback/, async () => {
    for (let first = 0; first < n; first += batch) {
      const streams: AnyStream[] = [];
      for (let i = first; i < Math.min(n, first + batch); i++) {
        const s = throwingStream(i, backend, thrown, calls);
        s.on('error', (e) => emitted[i]!.push(e));
        streams.push(s);
      }
      for (const s of streams) s.start();
      const settled = await within(
        Promise.allSettled(streams.map((s) => s.finished)),
        5000,
        `batch ${first / batch}: finished of every stream`,
      );
      rejections.push(...settled.map((r) => (r.status === 'rejected' ? r.reason : 'resolved')));
      await sleep(5); // a late second call would show here
      await Promise.all(streams.map((s) => s.close()));
    }
  });
  for (let i = 0; i < n; i++) {
    expect(emitted[i], `stream ${i}: 'error' once, with its own error`).toEqual([thrown[i]]);
    expect(rejections[i], `stream ${i}: finished rejects with it`).toBe(thrown[i]);
    expect(calls[i], `stream ${i}: no call after the throw`).toBe(1);
  }
  expect(reports).toBe(n);
}

afterEach(async () => {
  expect(await portAudioPorts()).toEqual([]);
});

describe('callbacks that throw', () => {
  it(`${count(1000, 10_000)} streams on ALSA: each error surfaced once, the process lives`, async () => {
    await throwingStreams(count(1000, 10_000), 'alsa', 25);
  });

  it(`${count(50, 1000)} streams on JACK: each error surfaced once`, async () => {
    await throwingStreams(count(50, 1000), 'jack', 10);
  });

  it(`${count(20, 200)} processors that throw: each error surfaced once on the main thread`, async () => {
    const n = count(20, 200);
    const { count: reports } = await countingStderr(/Exception in RawOutputStream callback/, async () => {
      for (let first = 0; first < n; first += 5) {
        const streams = Array.from(
          { length: 5 },
          () => new sd.RawOutputStream({ device: 'vnull', channels: 1, blockSize: 256, sampleRate: 44100, processor: fixture('processor-throws.mjs') }),
        );
        const emitted: Error[][] = streams.map(() => []);
        streams.forEach((s, i) => s.on('error', (e: Error) => emitted[i]!.push(e)));
        await Promise.all(streams.map((s) => s.ready));
        for (const s of streams) s.start();
        const settled = await within(Promise.allSettled(streams.map((s) => s.finished)), 5000, 'finished');
        await sleep(20);
        for (const [i, r] of settled.entries()) {
          expect(r.status).toBe('rejected');
          expect(String((r as PromiseRejectedResult).reason)).toContain('processor failed on its first block');
          expect(emitted[i]).toHaveLength(1);
        }
        await Promise.all(streams.map((s) => s.close()));
      }
    });
    expect(reports).toBe(n);
  });

  it('an async callback whose promise rejects is reported like a throw, not as an unhandled rejection; an async processor is refused clearly', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await countingStderr(/Exception/, async () => {
        const failure = new Error('async callback rejected');
        const a = new sd.OutputStream({
          device: 'system',
          channels: 1,
          blockSize: 256,
          // 20 ms: the callbacks of the next three or four blocks start
          // before the first one's promise rejects; the stream reports only
          // that first failure, as it would a throw.
          callback: async () => {
            await sleep(20);
            throw failure;
          },
        });
        const errors: unknown[] = [];
        a.on('error', (e) => errors.push(e));
        try {
          a.start();
          await expect(within(a.finished, 3000, 'finished')).rejects.toBe(failure);
          expect(errors).toEqual([failure]);
        } finally {
          await a.close();
        }

        const b = new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, processor: fixture('processor-async-rejects.mjs') });
        await b.ready;
        b.start();
        // A processor's worker never runs its event loop: an async processor
        // is refused with a clear error instead of hanging.
        await expect(within(b.finished, 3000, 'finished')).rejects.toThrow(/returned a Promise: processors must be synchronous/);
        await b.close();
      });
      await sleep(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('callbacks that block for 1 s', () => {
  it('an output callback: underflow flags afterwards, the audio thread went on, no crash', async () => {
    let calls = 0;
    const flaggedAfter: number[] = [];
    let framesAtStall = 0;
    let framesAfterStall = 0;
    const s = new sd.RawOutputStream({
      device: 'system',
      channels: 1,
      blockSize: 256,
      callback: (_out, _frames, _time, status) => {
        calls++;
        if (calls > 10 && status.outputUnderflow) flaggedAfter.push(calls);
        if (calls === 10) {
          framesAtStall = s.framesProcessed;
          const end = Date.now() + 1000;
          while (Date.now() < end); // the main thread is stuck
          framesAfterStall = s.framesProcessed;
        }
      },
    });
    s.start();
    await waitFor(() => calls > 60, 5000, 'callbacks after the stall');
    expect(s.active).toBe(true);
    await s.close();
    // The audio thread kept running during the stall (~48,000 frames).
    expect(framesAfterStall - framesAtStall).toBeGreaterThan(30_000);
    expect(flaggedAfter.length).toBeGreaterThan(0);
    expect(flaggedAfter[0]).toBeLessThan(20);
  });

  it('an input callback: input overflow flags afterwards', async () => {
    let calls = 0;
    let overflowAfter = false;
    const s = new sd.InputStream({
      device: 'system',
      channels: 2,
      blockSize: 256,
      callback: (_in, _frames, _time, status) => {
        calls++;
        if (calls > 10 && status.inputOverflow) overflowAfter = true;
        if (calls === 10) {
          const end = Date.now() + 1000;
          while (Date.now() < end);
        }
      },
    });
    s.start();
    await waitFor(() => calls > 60, 5000, 'callbacks after the stall');
    expect(s.active).toBe(true);
    await s.close();
    expect(overflowAfter).toBe(true);
  });

  it('a processor: its worker stalls, the stream flags underflows and goes on', async () => {
    const calls = new Int32Array(new SharedArrayBuffer(4));
    const flagged = new Int32Array(new SharedArrayBuffer(4));
    const s = new sd.RawOutputStream({
      device: 'system',
      channels: 1,
      blockSize: 256,
      processor: fixture('processor-blocks.mjs'),
      processorData: { calls: calls.buffer, flagged: flagged.buffer },
    });
    await s.ready;
    s.start();
    await waitFor(() => calls[0]! > 60, 5000, 'blocks after the stall');
    expect(s.active).toBe(true);
    await s.close();
    expect(flagged[0]).toBeGreaterThan(0);
  });
});

describe('processor modules that fail', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['throws while being imported', 'processor-import-throws.mjs', /RangeError: this module refuses to load/],
    ['is not valid JavaScript', 'processor-syntax-error.mjs', /SyntaxError/],
    ['exports no function', 'processor-no-function.mjs', /must export a function as default or as "process"/],
    ['has an init() that throws', 'processor-init-throws.mjs', /TypeError: init could not set up/],
    ['has an async init() that rejects', 'processor-init-rejects.mjs', /async init failed/],
    ['does not exist', 'no-such-processor.mjs', /no-such-processor\.mjs/],
  ];

  it.each(cases)('a module that %s: ready rejects, one clear error on the main thread, start() refuses', async (_what, file, pattern) => {
    const errors: Error[] = [];
    const { text } = await countingStderr(/Exception/, async () => {
      const s = new sd.OutputStream({ device: 'system', channels: 1, blockSize: 256, processor: fixture(file) });
      s.on('error', (e: Error) => errors.push(e));
      await expect(within(s.ready, 5000, 'ready')).rejects.toThrow();
      await sleep(20);
      // Starting it cannot work: a clear PortAudioError with the cause.
      let startError: unknown;
      try {
        s.start();
      } catch (e) {
        startError = e;
      }
      expect(startError).toBeInstanceOf(sd.PortAudioError);
      expect(String((startError as Error).message)).toMatch(/processor cannot run/);
      await s.close();
    });
    expect(errors).toHaveLength(1);
    expect(`${errors[0]!.name}: ${errors[0]!.message}\n${errors[0]!.stack ?? ''}`).toMatch(pattern);
    expect(text).toMatch(pattern);
  });

  it('the main thread and PortAudio are fine afterwards', async () => {
    await collectGarbage();
    let blocks = 0;
    const s = new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void blocks++ });
    s.start();
    await waitFor(() => blocks > 5, 2000, 'a healthy stream');
    await s.close();
  });
});
