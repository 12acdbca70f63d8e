/**
 * Data: a recording interrupted by SIGINT keeps every frame captured so far.
 * A child records a known signal (a ramp, played natively into its JACK
 * input, so it has no gaps of its own) with `rec()`, and with a
 * rec-unlimited-style InputStream whose callback appends every block to a
 * file; at SIGINT its handler stops and saves. What was saved must be the
 * ramp, without a missing or extra frame, from the moment the signal
 * arrived at the input up to the last frame the audio thread captured.
 *
 * (The recording is real-time paced on JACK: `vfile_in` is not paced — a
 * minute of it records in a fraction of a second, nothing to interrupt.)
 *
 * CI: each way twice. Long: each way 20 times.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRASH_PATTERN, count, fixture, prng, report, runNode } from './helpers.js';

const RATE = 48_000;
const dir = mkdtempSync(join(tmpdir(), 'sounddevice-reliability-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Checks that `samples[start, end)` continue the ramp without a gap; returns the first frame that does not. */
function firstBreak(samples: Float32Array, start: number, end: number): number {
  let n = Math.round(samples[start]! * 8388608) - 1;
  for (let j = start; j < end; j++, n++) {
    if (samples[j] !== ((n % 8388607) + 1) / 8388608) return j;
  }
  return -1;
}

describe('a recording interrupted by SIGINT', () => {
  const random = prng(7);
  it.each(['rec', 'stream'] as const)('%s: every frame captured before the interruption is kept', async (mode) => {
    const runs = count(2, 20);
    let done = 0;
    let xruns = 0;
    for (let run = 0; done < runs; run++) {
      expect(run, 'too many runs with a JACK xrun').toBeLessThan(runs * 3);
      const out = join(dir, `${mode}-${run}.f32`);
      const child = await runNode(fixture('rec-sigint.mjs'), [mode, out], {
        timeoutMs: 20_000,
        onReady: (c) => setTimeout(() => c.kill('SIGINT'), 200 + (random() % 600)),
      });
      const what = `${JSON.stringify({ code: child.code, signal: child.signal })}\n${child.stderr}`;
      expect(child.timedOut, what).toBe(false);
      expect(child.stderr, what).not.toMatch(CRASH_PATTERN);
      expect(child.code, what).toBe(130);
      const r = report<{ framesProcessed: number; written?: number; status: string }>(child.stdout);
      const bytes = readFileSync(out);
      const samples = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      // Captured: from the start until the interruption, 0.7 to 1.5 s here.
      expect(r.framesProcessed).toBeGreaterThan(RATE * 0.5);
      if (/output underflow/.test(r.status)) {
        // A JACK xrun (JACK without real-time priority on a shared machine;
        // PortAudio flags it as input overflow + output underflow, which an
        // input stream never flags otherwise): not this test's subject.
        xruns++;
        continue;
      }
      // No input overflow: the callback kept up, nothing was dropped.
      expect(r.status).toBe(''); // String(flags) is Python's str(): '' when no flag is set
      if (mode === 'stream') {
        // The callback received every block the audio thread captured.
        expect(r.written).toBe(r.framesProcessed);
        expect(samples.length).toBe(r.framesProcessed);
      } else {
        // Untouched after the last captured frame.
        expect(samples.subarray(r.framesProcessed).every((v) => v === 0)).toBe(true);
      }
      const start = samples.findIndex((v) => v !== 0);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThan(RATE / 2); // the connection is made before the player starts
      expect(firstBreak(samples, start, r.framesProcessed), 'the ramp goes on without a gap up to the last captured frame').toBe(-1);
      done++;
    }
    if (xruns > 0) console.log(`data ${mode}: ${xruns} run(s) with a JACK xrun retried`);
  });
});
