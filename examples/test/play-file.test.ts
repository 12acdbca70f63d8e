/**
 * play-file: a generated WAV (and a FLAC fixture) played to `vfile_out`
 * lands there bit-exact, right after PortAudio's priming silence.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearOutFile, readOutFile } from '@sounddevice/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, firstSoundFrame, signal, writeWav } from './audio.js';
import { newPorts, portsNow } from './jack.js';
import { EXAMPLES, hasStack, runExample, startExample, testbed } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'play-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What vfile_out holds from the first sound on; checks that only silence follows `expected`. */
async function expectPlayed(expected: Buffer, frameBytes: number): Promise<void> {
  const out = Buffer.from(await readOutFile(testbed));
  const first = firstSoundFrame(out, frameBytes);
  expect(first, 'something was played').toBeGreaterThanOrEqual(0);
  const played = out.subarray(first * frameBytes);
  expect(played.length).toBeGreaterThanOrEqual(expected.length);
  expect(played.subarray(0, expected.length).equals(expected), 'the file, bit for bit').toBe(true);
  expect(played.subarray(expected.length).every((b) => b === 0), 'then only silence').toBe(true);
}

describe('play-file', () => {
  it('--help describes the program and its options, exit code 0', async () => {
    const r = await runExample('play-file', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: play-file \[options\] <filename>/);
    expect(r.stdout).toContain('-d, --device <DEVICE>');
    expect(r.stdout).toContain('output device (numeric ID or substring)');
    expect(r.stdout).toContain('play-long-file');
  });

  it.each([
    ['16 bit stereo', '16', 'int16', 2],
    ['32 bit float mono', '32f', 'float32', 1],
  ] as const)('plays a %s WAV bit-exact into vfile_out', async (_name, bitDepth, kind, channels) => {
    const samples = kind === 'int16' ? signal('int16', 24_000, channels, 5) : signal('float32', 24_000, channels, 6);
    const file = join(dir, `${bitDepth}-${channels}.wav`);
    await writeWav(file, samples, channels, 44100, bitDepth);
    await clearOutFile(testbed);
    const r = await runExample('play-file', [file, '-d', 'vfile_out']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expectPlayed(bytesOf(samples), samples.BYTES_PER_ELEMENT * channels);
  });

  it('plays a FLAC file in its own 16 bit samples, bit-exact', async () => {
    await clearOutFile(testbed);
    const r = await runExample('play-file', [join(EXAMPLES, 'test/fixtures/stereo-16bit.flac'), '--device', 'vfile_out']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The fixture was encoded (flac 1.4.2) from this very signal.
    await expectPlayed(bytesOf(signal('int16', 4800, 2, 3)), 4);
  });

  it('a relative file name is found where the command was typed (INIT_CWD under pnpm)', async () => {
    const samples = signal('int16', 1000, 1, 7);
    await writeWav(join(dir, 'relative.wav'), samples, 1, 48000, '16');
    await clearOutFile(testbed);
    const r = await runExample('play-file', ['relative.wav', '-d', 'vfile_out'], { env: { INIT_CWD: dir } });
    expect(r.code).toBe(0);
    await expectPlayed(bytesOf(samples), 2);
  });

  it('Ctrl+C (SIGINT) during playback: "Interrupted by user", exit code 1', async () => {
    const file = join(dir, 'ten-seconds.wav');
    await writeWav(file, signal('int16', 10 * 48000, 1, 8), 1, 48000, '16');
    const before = await portsNow();
    const running = startExample('play-file', [file, '-d', 'system']); // JACK plays in real time
    // Playing (its JACK port is there; its SIGINT handler came before), a while.
    await newPorts(before, { outs: 1 });
    await new Promise((r) => setTimeout(r, 500));
    running.child.kill('SIGINT');
    const r = await running.exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('\nInterrupted by user\n');
  });

  it('user mistakes: one line on stderr, no stack trace, exit code 1 (2 for usage)', async () => {
    const missing = await runExample('play-file', [join(dir, 'missing.wav')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: ENOENT: no such file or directory/);
    expect(hasStack(missing.stderr)).toBe(false);

    const notAudio = join(dir, 'not-audio.wav');
    await writeWav(join(dir, 'ok.wav'), signal('int16', 10, 1), 1, 48000, '16');
    await writeFile(notAudio, 'hello, world');
    const bad = await runExample('play-file', [notAudio]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a WAV or FLAC file');

    const device = await runExample('play-file', [join(dir, 'ok.wav'), '-d', 'no such device']);
    expect(device.code).toBe(1);
    expect(device.stderr).toMatch(/^DeviceNotFoundError: No output device matching 'no such device'/);
    expect(hasStack(device.stderr)).toBe(false);

    const usage = await runExample('play-file', []);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'filename'");
  });
});
