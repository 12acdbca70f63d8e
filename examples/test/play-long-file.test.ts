/**
 * play-long-file: every sample of the file reaches `vfile_out` bit-exact and
 * in order, in the file's own format, and memory stays bounded however long
 * the file is.
 *
 * `vfile_out` is not paced: it plays as fast as the CPU allows, much faster
 * than the callback can deliver blocks, so underflow silence sits between
 * the blocks (and the program says so, once). Nothing else may be there:
 * with the silent frames removed, what was played is exactly the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clearOutFile, readOutFile } from '@sounddevice/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { bytesOf, signal, soundFrames, writeLongWav, writeWav } from './audio.js';
import { newPorts, portsNow } from './jack.js';
import { EXAMPLES, hasStack, runExample, startExample, testbed } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'play-long-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ALLOWED_WARNINGS = /^(Output underflow: increase blocksize\?|Buffer is empty: increase buffersize\?)$/;

function expectOnlyWarnings(stderr: string): void {
  for (const line of stderr.split('\n').filter(Boolean)) expect(line).toMatch(ALLOWED_WARNINGS);
}

describe('play-long-file', () => {
  it('--help shows the options and their defaults, exit code 0', async () => {
    const r = await runExample('play-long-file', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: play-long-file \[options\] <filename>/);
    expect(r.stdout).toMatch(/-b, --blocksize <N>\s+block size in frames \(default: 2048\)/);
    expect(r.stdout).toMatch(/-q, --buffersize <N>\s+number of blocks kept in the queue \(default: 20\)/);
  });

  it('plays a 16 bit stereo WAV: every frame, bit-exact, in order', async () => {
    const samples = signal('int16', 3 * 48000 + 123, 2, 11); // not a whole number of blocks
    const file = join(dir, 'stereo16.wav');
    await writeWav(file, samples, 2, 48000, '16');
    await clearOutFile(testbed);
    const r = await runExample('play-long-file', [file, '-d', 'vfile_out', '-b', '1024', '-q', '8']);
    expect(r.code).toBe(0);
    expectOnlyWarnings(r.stderr);
    expect(soundFrames(await readOutFile(testbed), 4).equals(bytesOf(samples))).toBe(true);
  });

  it('plays 24 bit samples as they are (int24 stream)', async () => {
    const frames = 20_000;
    const values = new Int32Array(frames * 2);
    for (let k = 0; k < values.length; k++) values[k] = ((k * 7919 + 13) % 16_000_000) - 8_000_000 || 1;
    const file = join(dir, 'stereo24.wav');
    const wav = new wavefile.WaveFile();
    wav.fromScratch(2, 44100, '24', values);
    await writeFile(file, wav.toBuffer());
    const packed = Buffer.alloc(values.length * 3);
    values.forEach((v, k) => packed.writeIntLE(v, k * 3, 3));
    await clearOutFile(testbed);
    const r = await runExample('play-long-file', [file, '-d', 'vfile_out']);
    expect(r.code).toBe(0);
    expectOnlyWarnings(r.stderr);
    expect(soundFrames(await readOutFile(testbed), 6).equals(packed)).toBe(true);
  });

  it('streams a FLAC file through the decoder, bit-exact', async () => {
    await clearOutFile(testbed);
    const r = await runExample('play-long-file', [join(EXAMPLES, 'test/fixtures/stereo-16bit.flac'), '-d', 'vfile_out', '-b', '512']);
    expect(r.code).toBe(0);
    expectOnlyWarnings(r.stderr);
    expect(soundFrames(await readOutFile(testbed), 4).equals(bytesOf(signal('int16', 4800, 2, 3)))).toBe(true);
  });

  it('memory stays bounded: a 60 s file (92 MB) needs no more than a 1 s file, give or take noise', async () => {
    const channels = 8;
    const second = signal('float32', 48000, channels, 12);
    const long = join(dir, 'long.wav');
    const short = join(dir, 'short.wav');
    const longBytes = await writeLongWav(long, second, channels, 48000, 60);
    await writeLongWav(short, second, channels, 48000, 1);
    const preload = ['--import', pathToFileURL(join(EXAMPLES, 'test/fixtures/report-max-rss.mjs')).href];
    const peak = async (file: string): Promise<number> => {
      // vnull discards what it plays: no 92 MB output file.
      const r = await runExample('play-long-file', [file, '-d', 'vnull'], { nodeArgs: preload });
      expect(r.code, r.stderr).toBe(0);
      const match = /max-rss-kb (\d+)/.exec(r.stderr);
      expect(match, r.stderr).not.toBeNull();
      return Number(match![1]) * 1024;
    };
    const shortPeak = await peak(short);
    const longPeak = await peak(long);
    expect(longBytes).toBeGreaterThan(90e6);
    // Loading the file (as play-file does) would add at least its size.
    expect(longPeak - shortPeak).toBeLessThan(longBytes / 4);
  });

  it('Ctrl+C (SIGINT) during playback: "Interrupted by user", exit code 1', async () => {
    const file = join(dir, 'ten-seconds.wav');
    await writeWav(file, signal('int16', 10 * 48000, 2, 9), 2, 48000, '16');
    const before = await portsNow();
    const running = startExample('play-long-file', [file, '-d', 'system']); // JACK plays in real time
    // Playing (its JACK ports are there; its SIGINT handler came before), a while.
    await newPorts(before, { outs: 2 });
    await new Promise((r) => setTimeout(r, 500));
    running.child.kill('SIGINT');
    const r = await running.exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Interrupted by user');
    expect(hasStack(r.stderr)).toBe(false);
  });

  it('usage errors exit with code 2, a missing file with code 1', async () => {
    const zero = await runExample('play-long-file', ['x.wav', '-b', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('blocksize must be a positive number of frames');
    const none = await runExample('play-long-file', ['x.wav', '-q', '0']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('buffersize must be at least 1');
    const notInt = await runExample('play-long-file', ['x.wav', '-b', 'many']);
    expect(notInt.code).toBe(2);
    expect(notInt.stderr).toContain('not an integer');
    const missing = await runExample('play-long-file', [join(dir, 'missing.wav')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: ENOENT/);
    expect(hasStack(missing.stderr)).toBe(false);
  });
});
