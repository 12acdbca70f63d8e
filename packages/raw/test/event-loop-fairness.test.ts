/**
 * A callback stream on an unpaced device (`vnull` plays as fast as the CPU
 * allows) must not starve the event loop: each notification runs the
 * callback only for the blocks that were ready when it came, so timers, file
 * reads and other I/O get their turns between batches.
 *
 * Before this was so, one drain kept running while the audio thread kept
 * making blocks ready, and a program that read its audio from a file
 * (play-long-file) waited seconds for each read.
 */
import { describe, expect, it } from 'vitest';
import { RawOutputStream, RawStream } from '../src/index.js';

/**
 * A drain takes at most the blocks the ring of ready blocks holds (32 plus
 * the cushion of 2); between two turns of the test's own setImmediate come
 * at most a notification's drain and two re-arm drains. Without the bound
 * it was thousands.
 */
const MOST_PER_TURN = 3 * (32 + 2);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Largest number of callbacks seen between two event-loop turns while the stream runs for `ms`. */
async function callbacksPerTurn(stream: { start(): void }, counter: () => number, ms: number): Promise<number> {
  stream.start();
  const end = Date.now() + ms;
  let most = 0;
  while (Date.now() < end) {
    const before = counter();
    await turn();
    most = Math.max(most, counter() - before);
  }
  return most;
}

describe('event-loop fairness on an unpaced device', () => {
  it('output stream on vnull: each turn runs a bounded batch of callbacks, and timers fire', async () => {
    let calls = 0;
    const s = new RawOutputStream({
      device: 'vnull',
      channels: 8,
      dtype: 'float32',
      sampleRate: 48000,
      blockSize: 2048,
      callback: (outdata) => {
        calls++;
        outdata.fill(1); // some work per block, as a real callback has
      },
    });
    try {
      const most = await callbacksPerTurn(s, () => calls, 500);
      expect(most).toBeLessThanOrEqual(MOST_PER_TURN);
      const before = calls;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(calls).toBeGreaterThan(before); // the stream kept running meanwhile
    } finally {
      await s.close();
    }
  });

  it('duplex stream on vnull: the same bound', async () => {
    let calls = 0;
    const s = new RawStream({
      device: 'vnull',
      channels: 2,
      dtype: 'int16',
      sampleRate: 48000,
      blockSize: 1024,
      callback: (indata, outdata) => {
        calls++;
        outdata.set(indata);
      },
    });
    try {
      const most = await callbacksPerTurn(s, () => calls, 500);
      expect(most).toBeLessThanOrEqual(MOST_PER_TURN);
      expect(calls).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
