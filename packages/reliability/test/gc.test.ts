/**
 * Garbage collection: streams of every kind (raw callback, duplex, blocking,
 * array, array input, processor) dropped without close() — the callback
 * kinds while running (they must run to their end, CallbackStop, through the
 * collections: a running stream is rooted), the others after stop() — are
 * closed by their finalizers — in a child process run with
 * `--expose-gc`: no crash, every JACK port of the process gone (no leaked
 * PortAudio stream), threads and file descriptors back to their count
 * before, no engine stream alive, and the process exits by itself.
 *
 * CI: 2 rounds of 4 streams per kind. Long: 50 rounds of 8 per kind.
 */
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, count, fixture, report, runNode } from './helpers.js';

interface GcReport {
  rounds: number;
  perKind: number;
  dropped: number;
  portsWhileRunning: number;
  liveWhileRunning: number[];
  cutShort: number;
  maxCollectMs: number;
  leftAfterRound: number[];
  live: number;
  base: { threads: number; fds: number; ports: number };
  after: { threads: number; fds: number; ports: number };
}

describe('dropped streams', () => {
  it('run to their end if running, then are closed by their finalizers: no JACK port, thread, fd or engine stream left, and the process exits', async () => {
    const rounds = count(2, 50);
    const perKind = count(4, 8);
    const child = await runNode(fixture('gc-dropped.mjs'), [String(perKind), String(rounds), fixture('noop-processor.mjs')], {
      nodeArgs: ['--expose-gc'],
      timeoutMs: count(60_000, 1_200_000),
    });
    expect(child.stderr).not.toMatch(CRASH_PATTERN);
    expect(child.timedOut, `the child did not exit by itself\n${child.stderr}`).toBe(false);
    expect(child.signal).toBeNull();
    expect(child.code, child.stderr).toBe(0);
    const r = report<GcReport>(child.stdout);
    console.log(`gc: ${JSON.stringify(r)}`);
    expect(r.dropped).toBe(rounds * perKind * 6);
    // JACK ports of the running callback kinds: raw callback 1, duplex 2,
    // array 2 (the array input stream is on ALSA; blocking and processor
    // streams were stopped, their ports stay until they are closed: 2 + 1).
    expect(r.portsWhileRunning).toBe(perKind * 8);
    // After collections, the dropped callback streams still ran (at least the
    // JACK ones) and every one of them played all its blocks.
    expect(r.liveWhileRunning.every((n) => n >= perKind * 3)).toBe(true);
    expect(r.cutShort).toBe(0);
    expect(r.leftAfterRound.every((n) => n === 0)).toBe(true);
    expect(r.live).toBe(0);
    expect(r.after.ports).toBe(r.base.ports);
    expect(r.after.threads).toBe(r.base.threads);
    expect(r.after.fds).toBe(r.base.fds);
  });
});
