/**
 * Worker threads: several workers use the addon at the same time, each with
 * its own streams of every kind (callback, array, processor — a worker of
 * the worker —, blocking, recording), while the main thread runs a stream
 * of its own and queries devices; then all workers are terminated at once
 * while they stream. The main thread's stream keeps running, and once it is
 * closed nothing is left: JACK ports, engine streams, threads and file
 * descriptors are back to their counts before.
 *
 * CI: 2 rounds of 4 workers. Long: 30 rounds of 6 workers.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import * as sd from '@sounddevice/numeric';
import { describe, expect, it } from 'vitest';
import { collectGarbage, count, fixture, portAudioPorts, settledCounts, waitFor, within } from './helpers.js';

describe('worker threads', () => {
  it('stream at once, are terminated while streaming, and the main thread is unharmed', async () => {
    const rounds = count(2, 30);
    const workers = count(4, 6);
    const names = sd.queryDevices().map((d) => d.name);
    // Warm-up, so that lazily created threads are counted in the baseline.
    {
      const w = new Worker(fixture('stream-worker.mjs'), { workerData: { processor: fixture('noop-processor.mjs') } });
      await within(once(w, 'message'), 10_000, 'the warm-up worker');
      await w.terminate();
    }
    await collectGarbage();
    const before = await settledCounts();
    const livesBefore = sd._native().liveStreams();
    const timings: number[] = [];

    // One round in a function of its own: a suspended async frame keeps its
    // locals (the main stream) alive, which the count of live streams sees.
    const round = async (): Promise<void> => {
      let mainCalls = 0;
      const main = new sd.RawOutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => void mainCalls++ });
      main.start();
      const pool = Array.from(
        { length: workers },
        () => new Worker(fixture('stream-worker.mjs'), { workerData: { processor: fixture('noop-processor.mjs') } }),
      );
      const errors: unknown[] = [];
      for (const w of pool) w.on('error', (e) => errors.push(e));
      const reports = await within(
        Promise.all(pool.map((w) => once(w, 'message').then(([m]) => m as { type: string; names: string[] }))),
        20_000,
        'all workers streaming',
      );
      for (const r of reports) expect(r.names).toEqual(names);
      // The main thread uses the addon meanwhile.
      expect(sd.queryDevices().map((d) => d.name)).toEqual(names);
      // 1 + 2 + 1 JACK ports per worker, 1 for the main stream (JACK may
      // list the last port a moment after the worker reported).
      let ports = await portAudioPorts();
      for (let t = 0; t < 40 && ports.length !== workers * 4 + 1; t++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ports = await portAudioPorts();
      }
      expect(ports.length).toBe(workers * 4 + 1);

      const t0 = performance.now();
      await within(Promise.all(pool.map((w) => w.terminate())), 10_000, 'terminating the workers');
      timings.push(Math.round(performance.now() - t0));
      expect(errors).toEqual([]);

      // The main stream still runs.
      const calls = mainCalls;
      await waitFor(() => mainCalls > calls + 5, 2000, 'the main stream after the workers ended');
      expect(main.active).toBe(true);
      await main.close();
      expect(await portAudioPorts()).toEqual([]);
    };
    for (let i = 0; i < rounds; i++) await round();

    await collectGarbage();
    const after = await settledCounts();
    console.log(`workers: ${rounds} rounds of ${workers}, terminate() took ${JSON.stringify(timings)} ms`);
    expect(sd._native().liveStreams()).toBe(livesBefore);
    expect(after.threads).toBe(before.threads);
    expect(after.fds).toBe(before.fds);
    // PortAudio is still initialized and usable on the main thread.
    let blocks = 0;
    const again = new sd.OutputStream({ device: 'system', channels: 2, blockSize: 256, callback: () => void blocks++ });
    again.start();
    await waitFor(() => blocks > 5, 2000, 'a new main-thread stream');
    await again.close();
  });
});
