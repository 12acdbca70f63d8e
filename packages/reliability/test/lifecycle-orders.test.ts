/**
 * Every order of calls works or fails clearly. Each stream kind goes through
 * every sequence of three of start/stop/abort/close (64 sequences), checked
 * against a model of what PortAudio allows: a call either works or throws a
 * PortAudioError with the reason (stream not stopped, stream stopped, stream
 * closed), `finished` always settles, and nothing is left behind. Then the
 * orders that involve a second party: close inside the callback and inside
 * `finishedCallback`, restart from the 'finished' event, abort/stop/close
 * while `await write()` or `await read()` is pending, concurrent closes,
 * `await using` with an exception, play()/rec() interrupted at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as sd from '@sounddevice/numeric';
import { afterAll, describe, expect, it } from 'vitest';
import { collectGarbage, fixture, portAudioPorts, waitFor, within } from './helpers.js';

type Op = 'start' | 'stop' | 'abort' | 'close';
type State = 'stopped' | 'active' | 'closed';
type AnyStream = sd.StreamBase<unknown, unknown>;

const OPS: readonly Op[] = ['start', 'stop', 'abort', 'close'];

/**
 * What the model expects: the next state, or the error the call must throw.
 * As in Python: start() of a running stream does nothing, stop()/abort()
 * ignore PortAudio's errors (a stopped or closed stream stays as it is);
 * with `strict`, stop()/abort() are called with `ignoreErrors: false` and
 * throw them.
 */
function model(state: State, op: Op, strict: boolean): { next: State; error?: RegExp } {
  if (op === 'close') return { next: 'closed' };
  if (state === 'closed') return op === 'start' || strict ? { next: 'closed', error: /Stream is closed/ } : { next: 'closed' };
  if (op === 'start') return { next: 'active' };
  return state === 'stopped' && strict ? { next: 'stopped', error: /Stream is stopped.*-9983/ } : { next: 'stopped' };
}

const KINDS: Record<string, () => AnyStream> = {
  'raw callback (JACK)': () => new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => {} }),
  'raw duplex callback (JACK)': () => new sd.RawStream({ device: 'system', channels: 2, blockSize: 256, callback: () => {} }),
  'raw blocking (ALSA)': () => new sd.RawOutputStream({ device: 'vnull', channels: 2, sampleRate: 44100 }),
  'array input callback (ALSA)': () =>
    new sd.InputStream({ device: 'vzero', channels: 1, sampleRate: 44100, blockSize: 256, callback: () => {} }),
  'array output callback (JACK)': () => new sd.OutputStream({ device: 'system', channels: 2, blockSize: 256, callback: () => {} }),
  'processor (ALSA)': () =>
    new sd.RawOutputStream({ device: 'vnull', channels: 1, sampleRate: 44100, blockSize: 256, processor: fixture('noop-processor.mjs') }),
};

function sequences(length: number): Op[][] {
  if (length === 0) return [[]];
  return sequences(length - 1).flatMap((s) => OPS.map((op) => [...s, op]));
}

afterAll(async () => {
  await collectGarbage();
  // Only the (closed) stream of the last play()/rec()/playrec() is left:
  // `getStream()` returns it until the next call.
  expect(sd.getStream().closed).toBe(true);
  expect(sd._native().liveStreams()).toBe(1);
});

describe('every sequence of three calls, for every kind of stream', () => {
  it.each(Object.keys(KINDS).flatMap((kind) => [[kind, false] as const, [kind, true] as const]))('%s (ignoreErrors: false %s): 64 sequences follow the model', async (kind, strict) => {
    const failures: string[] = [];
    for (const seq of sequences(3)) {
      const s = KINDS[kind]!();
      await s.ready;
      let state: State = 'stopped';
      let started = false;
      const settled: Array<Promise<unknown>> = [];
      for (const [i, op] of seq.entries()) {
        const expected = model(state, op, strict);
        let thrown: unknown;
        try {
          if ((op === 'stop' || op === 'abort') && strict) s[op]({ ignoreErrors: false });
          else await s[op]();
        } catch (e) {
          thrown = e;
        }
        const where = `${seq.join(' → ')}: call ${i + 1} (${op}) in state ${state}`;
        if (expected.error === undefined && thrown !== undefined) failures.push(`${where} threw ${String(thrown)}`);
        if (expected.error !== undefined) {
          if (!(thrown instanceof sd.PortAudioError)) failures.push(`${where} should throw a PortAudioError, got ${String(thrown)}`);
          else if (!expected.error.test(thrown.message)) failures.push(`${where} threw an unclear error: ${thrown.message}`);
        }
        if (op === 'start' && expected.error === undefined) {
          started = true;
          settled.push(s.finished.catch(() => {}));
        }
        state = expected.next;
        expect(s.closed).toBe(state === 'closed');
        expect(s.active).toBe(state === 'active');
        await sleep(i % 2 === 0 ? 0 : 8); // sometimes let blocks flow in between
      }
      await s.close();
      expect(s.closed).toBe(true);
      expect(s.stopped).toBe(true);
      // Every activation ends: `finished` settles.
      if (started) await within(Promise.all(settled), 2000, `finished after ${seq.join(' → ')}`);
    }
    expect(failures).toEqual([]);
    expect(await portAudioPorts()).toEqual([]);
  });
});

describe('orders that involve the callback', () => {
  it.each([
    ['RawOutputStream', (cb: () => void) => new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: cb })],
    ['RawStream', (cb: () => void) => new sd.RawStream({ device: 'system', channels: 1, blockSize: 256, callback: cb })],
    ['InputStream', (cb: () => void) => new sd.InputStream({ device: 'system', channels: 2, blockSize: 256, callback: cb })],
    ['Stream', (cb: () => void) => new sd.Stream({ device: 'system', channels: 2, blockSize: 256, callback: cb })],
  ] as const)('%s: close() inside the callback ends the stream at once, cleanly', async (_name, make) => {
    let calls = 0;
    let finishedCalls = 0;
    let callsAfterClose = 0;
    let closed = false;
    let closing: Promise<void> | undefined;
    const s: AnyStream = make(() => {
      if (closed) callsAfterClose++;
      calls++;
      if (calls === 4) {
        closed = true;
        closing = s.close();
      }
    });
    s.on('finished', () => finishedCalls++);
    s.start();
    await within(s.finished, 2000, 'finished');
    await closing;
    await sleep(50);
    expect(calls).toBe(4);
    expect(callsAfterClose).toBe(0);
    expect(finishedCalls).toBe(1);
    expect(s.closed).toBe(true);
    expect(() => s.start()).toThrow(/Stream is closed/);
  });

  it('close() inside finishedCallback, and a restart from the finished event', async () => {
    let finishedCalls = 0;
    let restarted = 0;
    let calls = 0;
    const a: sd.RawOutputStream = new sd.RawOutputStream({
      device: 'system',
      channels: 1,
      blockSize: 256,
      callback: () => void calls++,
      finishedCallback: () => {
        finishedCalls++;
        void a.close();
      },
    });
    a.start();
    await waitFor(() => calls > 3, 2000, 'callbacks');
    a.stop();
    await within(a.finished, 2000, 'finished');
    await sleep(20);
    expect(a.closed).toBe(true);
    expect(finishedCalls).toBe(1);

    let bCalls = 0;
    const b = new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void bCalls++ });
    b.on('finished', () => {
      if (restarted++ === 0) b.start(); // restart once, from the event
    });
    b.start();
    await waitFor(() => bCalls > 3, 2000, 'callbacks');
    b.stop();
    await waitFor(() => restarted === 1 && b.active, 2000, 'the restart');
    const before = bCalls;
    await waitFor(() => bCalls > before + 3, 2000, 'callbacks after the restart');
    await b.close();
    expect(restarted).toBe(2); // the close ended the second activation
  });

  it('CallbackStop then stop(), start(), close(): each works once the stream finished by itself', async () => {
    let calls = 0;
    const s = new sd.OutputStream({
      device: 'system',
      channels: 1,
      blockSize: 256,
      callback: () => {
        if (++calls === 5) throw new sd.CallbackStop();
      },
    });
    s.start();
    await within(s.finished, 2000, 'finished');
    expect(s.active).toBe(false);
    expect(s.stopped).toBe(false); // as in Python: inactive, not stopped
    s.start(); // as in Python, "Stream is not stopped" is ignored: nothing happens
    expect(s.active).toBe(false);
    s.stop();
    s.start();
    await waitFor(() => calls >= 5, 2000, 'callbacks');
    await s.close();
  });
});

describe('orders that involve a pending read or write', () => {
  const makeOutput = (): sd.RawOutputStream => new sd.RawOutputStream({ device: 'system', channels: 2, blockSize: 256 });
  const makeInput = (): sd.RawInputStream => new sd.RawInputStream({ device: 'system', channels: 2, blockSize: 256 });
  const tenSeconds = Buffer.alloc(48_000 * 10 * 8);

  it.each(['abort', 'stop', 'close'] as const)('%s() during `await write()`: the write rejects at once, clearly', async (op) => {
    const s = makeOutput();
    s.start();
    const writing = s.write(tenSeconds);
    const outcome = writing.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await sleep(60);
    const t0 = performance.now();
    await s[op]();
    const result = await within(outcome, 1500, 'the pending write');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(result).toBeInstanceOf(sd.PortAudioError);
    expect((result as Error).message).toMatch(op === 'close' ? /closed/ : /Stream is stopped/);
    if (op !== 'close') {
      // The stream is usable again.
      s.start();
      await within(s.write(Buffer.alloc(256 * 8)), 1000, 'a write after restarting');
    }
    await s.close();
  });

  it.each(['abort', 'stop', 'close'] as const)('%s() during `await read()`: the read rejects at once, clearly', async (op) => {
    const s = makeInput();
    s.start();
    const outcome = s.read(48_000 * 10).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await sleep(60);
    await s[op]();
    const result = await within(outcome, 1500, 'the pending read');
    expect(result).toBeInstanceOf(sd.PortAudioError);
    expect((result as Error).message).toMatch(op === 'close' ? /closed/ : /Stream is stopped/);
    await s.close();
  });

  it('reads and writes after close() reject with PortAudioError; readSync/writeSync throw it', async () => {
    const s = new sd.RawStream({ device: 'system', channels: 1, blockSize: 256 });
    await s.close();
    await expect(s.read(16)).rejects.toThrow(sd.PortAudioError);
    await expect(s.write(Buffer.alloc(64))).rejects.toThrow(sd.PortAudioError);
    expect(() => s.readSync(16)).toThrow(sd.PortAudioError);
    expect(() => s.writeSync(Buffer.alloc(64))).toThrow(sd.PortAudioError);
  });

  it('write() before start() is queued, and close() right after it drops it without waiting', async () => {
    const s = makeOutput();
    const queued = await within(s.write(Buffer.alloc(1024 * 8)), 1000, 'a write before start');
    expect(typeof queued).toBe('boolean');
    const t0 = performance.now();
    await s.close();
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('orders around close()', () => {
  it('concurrent close() calls all resolve, once closed', async () => {
    const s = new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, processor: fixture('noop-processor.mjs') });
    await s.ready;
    s.start();
    await within(Promise.all([s.close(), s.close(), s.close()]), 3000, 'three closes');
    s.closeSync();
    expect(s.closed).toBe(true);
  });

  it('`await using` closes the stream when the scope exits by an exception', async () => {
    let outer: sd.RawOutputStream | undefined;
    await expect(
      (async () => {
        await using s = new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => {} });
        outer = s;
        s.start();
        throw new Error('leaving the scope');
      })(),
    ).rejects.toThrow('leaving the scope');
    expect(outer?.closed).toBe(true);
  });

  it('play()/rec()/playrec() stopped at once, twice in a row, and wait() without a call', async () => {
    expect(await sd.wait()).toBeNull();
    const data = new Float32Array(48_000).fill(0.25);
    sd.play(data, { device: 'system', sampleRate: 48_000 });
    sd.stop();
    sd.stop();
    sd.play(data, { device: 'system', sampleRate: 48_000 });
    sd.play(data, { device: 'system', sampleRate: 48_000 }); // stops the first
    const recording = sd.rec(48_000, { device: 'system', channels: 1, sampleRate: 48_000 }); // stops the play
    sd.stop();
    expect(recording.shape).toEqual([48_000, 1]);
    sd.playrec(data, { device: 'system', channels: 1, sampleRate: 48_000 });
    await sleep(20);
    sd.stop();
    // wait() settles at once. Its value is null, or (as Python's) the flags
    // of a JACK xrun the loaded machine caused during the playrec: input
    // overflow and output underflow, nothing else.
    const status = await within(sd.wait(), 1000, 'wait after stop');
    const xrun = sd.CallbackFlags.INPUT_OVERFLOW | sd.CallbackFlags.OUTPUT_UNDERFLOW;
    expect(status === null || (status.bits & ~xrun) === 0).toBe(true);
    expect(sd.getStream().closed).toBe(true);
  });
});
