/**
 * async-coroutines: records a buffer, then plays it, printing what it does.
 * From `vfile_in` to `vfile_out` the buffer played is the input, bit-exact;
 * on JACK it runs in real time and ends by itself.
 */
import { clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { bytesOf, signal, soundFrames } from './audio.js';
import { runExample, startExample, testbed } from './run.js';

/** A status line: Python's `print(status)`, i.e. `str(CallbackFlags)` (`input overflow, output underflow`). */
const STATUS = /^(?:input underflow|input overflow|output underflow|output overflow|priming output)(?:, (?:input underflow|input overflow|output underflow|output overflow|priming output))*$/;
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !STATUS.test(l));

describe('async-coroutines', () => {
  it('--help, exit code 0', async () => {
    const r = await runExample('async-coroutines', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: async-coroutines \[options\]/);
    expect(r.stdout).toMatch(/-f, --frames <N>\s+length of the buffer in frames \(default: 150000\)/);
  });

  it('vfile_in to vfile_out: prints its steps, and what it plays is what it recorded', async () => {
    // 4000 frames fit in the stream's ring: vfile_in (not paced) cannot overrun it.
    const input = signal('float32', 4000, 2, 51);
    await writeInFile(testbed, bytesOf(input));
    await clearOutFile(testbed);
    const r = await runExample('async-coroutines', ['-i', 'vfile_in', '-o', 'vfile_out', '-f', '4000', '-c', '2', '-r', '48000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(['recording buffer ...', 'playing buffer ...', 'done']);
    // vfile_out is not paced either: underflow silence between the blocks (and status lines).
    expect(soundFrames(await readOutFile(testbed), 8).equals(bytesOf(input))).toBe(true);
  });

  it('JACK, real time, Python\'s default of 150000 frames: about 3 s each way, then done', async () => {
    const started = Date.now();
    const r = await runExample('async-coroutines', ['-i', 'system', '-o', 'system']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(['recording buffer ...', 'playing buffer ...', 'done']);
    expect(Date.now() - started).toBeGreaterThan((2 * 150_000 * 1000) / 48000);
  });

  it('Ctrl+C (SIGINT) while recording: "Interrupted by user", exit code 1', async () => {
    const running = startExample('async-coroutines', ['-i', 'system', '-o', 'system']);
    await running.waitFor('recording buffer ...');
    running.child.kill('SIGINT');
    const r = await running.exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('\nInterrupted by user\n');
  });

  it('usage errors: exit code 2', async () => {
    const r = await runExample('async-coroutines', ['-f', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('frames must be at least 1');
    const t = await runExample('async-coroutines', ['-t', 'float64']);
    expect(t.code).toBe(2);
  });
});
