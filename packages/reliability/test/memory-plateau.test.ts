/**
 * Memory over many stream cycles in a process with Node's and glibc's
 * default memory settings (the leak tests fix both, see vitest.config.ts):
 * what a user's long-running program sees. RSS rises during the first
 * thousands of cycles and then stays, for two reasons that are not leaks:
 *
 * - V8 grows its young generation (the semi-spaces, up to
 *   `--max-semi-space-size`, 16 MB by default on Node 20) under the
 *   allocation rate of thousands of stream objects: `heapTotal` rises in
 *   steps to ~40 MB and stays; with `--max-semi-space-size=1` RSS is flat.
 * - glibc's dynamic mmap threshold: once a ring buffer of a stream has been
 *   freed through `munmap`, buffers up to its size come from the heap, whose
 *   freed memory glibc keeps: a few MB of "native" RSS (RSS minus V8's
 *   resident heap, `total_physical_size`) early on, then nothing more.
 *
 * Asserted: native memory grows by at most a few MB and stops growing (the
 * last half of the samples), V8's heap stays under its young-generation
 * bound, and the RSS of the last half is flat.
 *
 * CI: 6,000 cycles (a sample every 1,000). Long: 24,000 (every 2,000).
 */
import { describe, expect, it } from 'vitest';
import { count, fixture, report, runNode } from './helpers.js';

interface Sample {
  cycle: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  native: number;
}

const spread = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);

describe('memory over many stream cycles, default memory settings', () => {
  it('rises early, then plateaus: native growth bounded and flat in the last half, V8 heap bounded', async () => {
    const cycles = count(6_000, 24_000);
    const every = count(1_000, 2_000);
    const child = await runNode(fixture('memory-plateau.mjs'), [String(cycles), String(every)], {
      unset: ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_ARENA_MAX', 'NODE_OPTIONS'],
      timeoutMs: cycles * 60,
    });
    expect(child.timedOut, child.stderr).toBe(false);
    expect(child.code, child.stderr).toBe(0);
    const samples = report<Sample[]>(child.stdout);
    console.log(`plateau: ${JSON.stringify(samples.map((s) => [s.cycle, +s.rss.toFixed(1), +s.heapTotal.toFixed(1), +s.native.toFixed(1)]))}`);
    const warm = samples[1]!;
    const last = samples[samples.length - 1]!;
    const lastHalf = samples.slice(Math.floor(samples.length / 2));
    expect(last.native - warm.native, 'native RSS growth after the first sample (MB)').toBeLessThan(8);
    expect(spread(lastHalf.map((s) => s.native)), 'native RSS in the last half (MB)').toBeLessThan(3);
    expect(last.heapTotal, 'V8 heap reservation (MB)').toBeLessThan(64);
    expect(last.heapUsed - warm.heapUsed, 'V8 heap in use (MB)').toBeLessThan(3);
    if (cycles >= 24_000) expect(spread(lastHalf.map((s) => s.rss)), 'RSS in the last half (MB)').toBeLessThan(3);
  });
});
