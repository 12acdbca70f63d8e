import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { type TestbedInfo, clearOutFile, readOutFile } from '@sounddevice/testbed';
import { readFileSync } from 'node:fs';
import { BIN, hasStack, runBin } from './run-bin.js';

const testbed = inject('sounddeviceTestbed' as never) as TestbedInfo;

/**
 * The expected samples, computed independently of the implementation with
 * the formula its README documents: frame i of every channel is
 * x = amplitude * sin(2π · frequency · i / sampleRate), stored as
 * Math.round(x * 32767) for int16 and Math.fround(x) for float32.
 */
function expectedSine(frequency: number, amplitude: number, sampleRate: number, seconds: number): number[] {
  const frames = Math.round(seconds * sampleRate);
  return Array.from({ length: frames }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
}

/**
 * Finds the played signal in `got` (after PortAudio's leading priming
 * silence, whose length varies) and checks it sample by sample, then that
 * only silence follows.
 */
function expectPlayed(got: ArrayLike<number>, expected: number[]): void {
  const firstGot = Array.prototype.findIndex.call(got, (v: number) => v !== 0);
  const firstExpected = expected.findIndex((v) => v !== 0);
  expect(firstGot).toBeGreaterThanOrEqual(firstExpected);
  const start = firstGot - firstExpected;
  expect(got.length).toBeGreaterThanOrEqual(start + expected.length);
  const played = Array.from({ length: expected.length }, (_, i) => got[start + i]);
  expect(played).toEqual(expected);
  for (let i = start + expected.length; i < got.length; i++) {
    if (got[i] !== 0) expect.fail(`sample ${i} after the tone is ${got[i]}, not silence`);
  }
}

describe('sounddevice tone', () => {
  it('plays an exact int16 sine into vfile_out and says what it played where', async () => {
    await clearOutFile(testbed);
    const r = await runBin(['tone', '--device', 'vfile_out', '--dtype', 'int16', '--duration', '0.1', '--frequency', '1000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Played a 1000 Hz sine at amplitude 0.2 for 0.1 s on device " +
        `${r.stdout.match(/device (\d+)/)?.[1]} 'vfile_out, ALSA' (2 channels, int16, 44100 Hz)\n`,
    );
    const bytes = await readOutFile(testbed);
    const got = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    // Stereo: both channels carry the same sample, interleaved.
    const expected = expectedSine(1000, 0.2, 44100, 0.1).flatMap((x) => {
      const v = Math.round(x * 32767) + 0; // + 0: int16 has no -0
      return [v, v];
    });
    expect(expected).toHaveLength(2 * 4410);
    expectPlayed(got, expected);
  });

  it('plays an exact float32 sine with the given channels, rate and amplitude', async () => {
    await clearOutFile(testbed);
    const r = await runBin([
      'tone', '-d', 'vfile_out', '--channels', '3', '--samplerate', '48000',
      '--frequency', '441', '--amplitude', '0.5', '--duration', '0.25',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/for 0\.25 s on device \d+ 'vfile_out, ALSA' \(3 channels, float32, 48000 Hz\)\n$/);
    const bytes = await readOutFile(testbed);
    const got = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const expected = expectedSine(441, 0.5, 48000, 0.25).flatMap((x) => {
      const v = Math.fround(x);
      return [v, v, v];
    });
    expectPlayed(got, expected);
  });

  it('plays in real time on the JACK system device', async () => {
    const t0 = performance.now();
    const r = await runBin(['tone', '--device', 'system', '--duration', '0.5']);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/on device \d+ 'system, JACK Audio Connection Kit' \(2 channels, float32, 48000 Hz\)\n$/);
    expect(seconds).toBeGreaterThanOrEqual(0.45);
  });

  it('Ctrl+C stops a long tone cleanly with exit code 130', async () => {
    const child = spawn(process.execPath, [BIN, 'tone', '--device', 'system', '--duration', '20'], { env: process.env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const t0 = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(code).toBe(130);
    expect(stderr).toMatch(/^Interrupted a 440 Hz sine at amplitude 0\.2 on device \d+ 'system, JACK Audio Connection Kit'/);
  });

  it('computes the tone as it plays: a 100000 s tone starts at once and uses no more memory than a 2 s one', async () => {
    /** Peak resident memory (VmHWM, kB) of a tone after it has played for a second, then Ctrl+C. */
    const peakKb = async (seconds: string): Promise<{ kb: number; code: number | null; stderr: string }> => {
      const child = spawn(process.execPath, [BIN, 'tone', '--device', 'system', '--duration', seconds], { env: process.env });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((r) => setTimeout(r, 1500));
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      child.kill('SIGINT');
      const code = await exited;
      return { kb: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]), code, stderr };
    };
    const short = await peakKb('2');
    const long = await peakKb('100000');
    // Built whole, 100000 s of float32 at 48 kHz would be 19.2 GB (Node refused it).
    expect(long.code, long.stderr).toBe(130);
    expect(long.stderr).toMatch(/^Interrupted a 440 Hz sine/);
    expect(short.code).toBe(130);
    expect(long.kb - short.kb).toBeLessThan(30_000);
  });

  it('a duration too long to count exactly, or shorter than a frame, is one clear error line', async () => {
    const long = await runBin(['tone', '--device', 'vfile_out', '--duration', '1e12']);
    expect(long.code).toBe(1);
    expect(long.stdout).toBe('');
    expect(long.stderr).toBe(
      'sounddevice: error: duration must be at most 204244881059 s at 44100 Hz (9007199254740991 frames, the most the tone counts exactly), got 1000000000000\n',
    );
    const short = await runBin(['tone', '--device', 'vfile_out', '--duration', '1e-9']);
    expect(short.code).toBe(1);
    expect(short.stderr).toBe('sounddevice: error: duration must be at least one frame (1/44100 s), got 1e-9\n');
    expect(hasStack(long.stderr + short.stderr)).toBe(false);
  });
});
