/** The addon is context-aware: it loads and plays in several worker_threads at once. */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { clearOutFile, readOutFile } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { RawOutputStream, queryDevices } from '../src/index.js';
import { fixture, makeSignal, portAudioPorts, soundFrames, testbed, within } from './helpers.js';

interface WorkerReport {
  names: string[];
  wasActive: boolean;
  closed: boolean;
  underflowedType: string;
}

function startWorker(data: Record<string, unknown>): { worker: Worker; report: Promise<WorkerReport>; exit: Promise<number> } {
  const worker = new Worker(fixture('device-worker.mjs'), { workerData: data });
  const report = new Promise<WorkerReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const exit = once(worker, 'exit').then(([code]) => code as number);
  return { worker, report, exit };
}

describe('worker_threads', () => {
  it('two workers list devices and play at the same time; the main thread keeps working', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const barrier = new SharedArrayBuffer(8);
    const signal = makeSignal('int16', 2, 4096, 7);
    const a = startWorker({ device: 'vfile_out', dtype: 'int16', channels: 2, signal, barrier, leaveRunning: false });
    const b = startWorker({ device: 'vzero', dtype: 'float32', channels: 1, signal: makeSignal('float32', 1, 4096, 8), barrier, leaveRunning: true });

    // The main thread uses the addon while the workers do.
    const mainNames = queryDevices().map((d) => d.name);
    const [ra, rb] = await within(Promise.all([a.report, b.report]), 15_000, 'worker reports');
    for (const r of [ra, rb]) {
      expect(r.names).toEqual(mainNames);
      expect(r.wasActive).toBe(false);
      expect(r.closed).toBe(true);
      expect(r.underflowedType).toBe('boolean');
    }
    // Worker A closed everything and exits by itself.
    expect(await within(a.exit, 5000, 'worker A exit')).toBe(0);
    // Worker B still runs a stream it never closed (its keep-alive holds it):
    // terminating it must close that stream without harming anybody else.
    await b.worker.terminate();

    const written = await readOutFile(tb);
    expect(written.byteLength % 4).toBe(0);
    // Everything worker A wrote was played (stop() plays what is queued).
    expect(soundFrames(written, 4, 0).equals(signal)).toBe(true);

    // PortAudio is still initialized and usable on the main thread.
    expect(queryDevices().map((d) => d.name)).toEqual(mainNames);
    let blocks = 0;
    const before = await portAudioPorts();
    const s = new RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void blocks++ });
    try {
      expect((await portAudioPorts()).length).toBe(before.length + 1);
      s.start();
      await new Promise((r) => setTimeout(r, 100));
      expect(blocks).toBeGreaterThan(2);
    } finally {
      await s.close();
    }
  });
});
