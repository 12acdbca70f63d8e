/**
 * How a stream tells JavaScript of blocks: the audio thread wakes the event
 * loop itself (a libuv async handle, design.md "Threads"), with the pump and
 * a thread-safe function as the fallback where libuv cannot be found. What is
 * checked: the direct path is used and really skips the pump; the fallback
 * gives the same output; the handle never outlives its environment (a
 * terminated worker, process exit).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { clearOutFile, readOutFile } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { RawOutputStream, RawStream } from '../src/index.js';
import { fixture, runNode, testbed, waitFor, within } from './helpers.js';

/** The `notifyPath` of a stream's native handle ("event-loop", "pump" or "none"). */
function notifyPath(stream: object): string {
  return (stream as unknown as { _native: { notifyPath: string } })._native.notifyPath;
}

/** This process's `sounddevice-pump` threads and their context switches so far. */
function pumpThreads(): Map<string, number> {
  const found = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'sounddevice-pum') continue; // (comm keeps 15 characters)
      const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
      const switches = (name: string) => Number(/^(\w+_ctxt_switches):\s+(\d+)/gm.exec(status.slice(status.indexOf(name)))?.[2] ?? 0);
      found.set(tid, switches('voluntary_ctxt_switches') + switches('nonvoluntary_ctxt_switches'));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return found;
}

/** [value, length] runs of a mono int16 file, without the silence around the sound. */
function runsOfSound(bytes: Buffer): number[][] {
  const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  const runs: number[][] = [];
  for (const x of samples) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === x) last[1]!++;
    else runs.push([x, 1]);
  }
  while (runs[0]?.[0] === 0) runs.shift();
  while (runs[runs.length - 1]?.[0] === 0) runs.pop();
  return runs;
}

describe('the audio thread wakes the event loop itself', () => {
  it('a main-thread callback stream on JACK is notified without waking the pump per block', async () => {
    const before = pumpThreads();
    let blocks = 0;
    const stream = new RawStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void blocks++ });
    try {
      expect(notifyPath(stream)).toBe('event-loop');
      // The pump names itself once it runs: wait for the name to show.
      let ours: string[] = [];
      await waitFor(() => (ours = [...pumpThreads().keys()].filter((tid) => !before.has(tid))).length > 0, 2000, 'the pump thread');
      expect(ours).toHaveLength(1);
      const tid = ours[0]!;
      stream.start();
      await waitFor(() => blocks > 10, 5000, 'first callbacks');
      const blocks0 = blocks;
      const switches0 = pumpThreads().get(tid)!;
      await new Promise((r) => setTimeout(r, 1000));
      const delivered = blocks - blocks0;
      const pumpWakes = pumpThreads().get(tid)! - switches0;
      // 187.5 blocks per second at 256 frames; the pump only runs its
      // watchdog (every 100 ms). Through the pump it would wake per block.
      expect(delivered).toBeGreaterThan(100);
      expect(pumpWakes).toBeLessThan(delivered / 4);
    } finally {
      await stream.close();
    }
  });

  it('blocking, processor-less output and input streams use it for their end, and close it', async () => {
    const stream = new RawOutputStream({ device: 'vnull', channels: 1 });
    expect(notifyPath(stream)).toBe('event-loop');
    stream.start();
    await stream.write(Buffer.alloc(2048 * 4));
    await stream.close();
    expect(stream.closed).toBe(true);
  });

  it('gives the same exact output as the fallback (the pump), and "finished" after the last callback', async () => {
    const tb = testbed();
    const outputs: Buffer[] = [];
    const variants: Record<string, string>[] = [{}, { SOUNDDEVICE_EVENT_LOOP_WAKE: '0' }];
    for (const env of variants) {
      await clearOutFile(tb);
      const child = await runNode(fixture('wake-path.mjs'), [], { env, timeoutMs: 15_000 });
      expect(child.stderr).toBe('');
      expect(child.code).toBe(0);
      const report = JSON.parse(child.stdout) as { path: string; calls: number; callsAtFinished: number };
      expect(report).toEqual({ path: 'SOUNDDEVICE_EVENT_LOOP_WAKE' in env ? 'pump' : 'event-loop', calls: 20, callsAtFinished: 20 });
      outputs.push(Buffer.from(await readOutFile(tb)));
    }
    // 20 blocks of 256 frames numbered 1..20, back to back (mono int16),
    // between PortAudio's leading and trailing silence.
    const expected = Array.from({ length: 20 }, (_, b) => [b + 1, 256]);
    for (const out of outputs) expect(runsOfSound(out)).toEqual(expected);
  });

  it('a worker terminated while its callback streams run closes its loop cleanly; the process goes on', async () => {
    for (const cushion of [0, 2]) {
      const worker = new Worker(fixture('callback-worker.mjs'), { workerData: { cushion } });
      const errors: unknown[] = [];
      worker.on('error', (e) => errors.push(e));
      const running = new Promise<{ blocks: number; path: string }>((resolve) => {
        worker.on('message', (m: { blocks: number; path: string }) => {
          if (m.blocks > 20) resolve(m);
        });
      });
      const report = await within(running, 10_000, 'worker callbacks');
      expect(report.path).toBe('event-loop');
      expect(await within(worker.terminate(), 5000, 'terminate')).toBe(1);
      expect(errors).toEqual([]);
    }
    // The main thread still opens and runs streams.
    let blocks = 0;
    const stream = new RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void blocks++ });
    try {
      stream.start();
      await waitFor(() => blocks > 5, 5000, 'main-thread callbacks');
    } finally {
      await stream.close();
    }
  });

  it('streams that fail to open in PortAudio release their handle: the process still exits by itself', async () => {
    const child = await runNode(fixture('open-fails.mjs'), [], { timeoutMs: 15_000 });
    expect(child.timedOut).toBe(false);
    expect(child.code).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ failures: 4 });
  });
});
