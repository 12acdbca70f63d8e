import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type TestbedInfo, clearOutFile, jackPorts, readOutFile, writeInFile } from '@sounddevice/testbed';
import { JackFeed, expectContinuousRamp, ramp, waitForPorts } from './jack-feed.js';
import { BIN, hasStack, runBin } from './run-bin.js';
import { afterSilence, bytesOf, int16Signal, parseWav, tempDir, wavFile } from './wav-files.js';

const testbed = inject('sounddeviceTestbed' as never) as TestbedInfo;
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('sounddevice wire', () => {
  // Real time through a second process's main-thread callback: on a loaded
  // machine one late block breaks the ramp, so a failed run is repeated.
  it('passes every input frame to the output, unchanged (JACK: feed → wire → feed)', { retry: 2 }, async () => {
    // This process plays a looping ramp into wire's inputs and records wire's outputs.
    const period = 48000;
    const feed = await JackFeed.open(ramp(period), 2, { loop: true, recordFrames: 48000 });
    const before = await jackPorts();
    const child = spawn(process.execPath, [BIN, 'wire', '--device', 'system', '--blocksize', '256'], { env: process.env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const wire = await waitForPorts(before, { ins: 2, outs: 2 });
      await feed.feed(wire);
      await feed.listenTo(wire);
      feed.stream.start();
      await new Promise((r) => setTimeout(r, 1500));
      // The recording (one second, full by now) continues the ramp frame after frame.
      expect(expectContinuousRamp(feed.rec!, period)).toBeGreaterThan(0.8 * 48000);
    } finally {
      child.kill('SIGINT');
      await feed.close();
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/^Wiring device \d+ 'system, JACK Audio Connection Kit' to device \d+ 'system, JACK Audio Connection Kit' \(2 channels, float32, 48000 Hz, block size 256, latency [\d.]+ \+ [\d.]+ ms\); press Ctrl\+C to stop\n/);
    expect(stderr).toMatch(/\nStopped(;.*)?\n$/);
    expect(hasStack(stderr)).toBe(false);
  });

  it('--duration stops by itself; a bad pair of devices is one line', async () => {
    const r = await runBin(['wire', '-d', 'system', '--duration', '0.5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\nStopped/);
    const bad = await runBin(['wire', '--device', 'a,b,c']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("sounddevice: error: option '-d, --device <device>' argument 'a,b,c' is invalid. device must be one device or IN,OUT, got 'a,b,c'.\n");
  });
});

describe('sounddevice playrec', () => {
  it('plays IN into vfile_out and records vfile_in into OUT, frame for frame', async () => {
    const played = int16Signal(11025, 2, 44100);
    const input = int16Signal(11025, 2, 44100).map((v) => -v);
    await writeInFile(testbed, bytesOf(input));
    await clearOutFile(testbed);
    const inFile = tmp.path('in.wav');
    const outFile = tmp.path('out.wav');
    writeFileSync(inFile, wavFile(2, 44100, 'int16', bytesOf(played)));
    const r = await runBin(['playrec', '--device', 'vfile_in,vfile_out', inFile, outFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Played '.*in\.wav' on device \d+ 'vfile_out, ALSA' and recorded 11025 frames \(0:00\.2, 2 channels\) from device \d+ 'vfile_in, ALSA' to '.*out\.wav' \(WAV PCM_16, 44100 Hz\)\n$/);
    const wav = parseWav(readFileSync(outFile));
    expect(wav).toMatchObject({ tag: 1, channels: 2, rate: 44100, bits: 16 });
    expect(wav.data.equals(bytesOf(input))).toBe(true);
    const out = await readOutFile(testbed);
    expect(afterSilence(new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength)), played.length)).toEqual(played);
  });

  it('--input-mapping picks the recorded channels; --subtype FLOAT', async () => {
    // vfile_in hands out its bytes in the stream's own format: float32 here.
    const input = Float32Array.from(int16Signal(4410, 2, 44100), (v) => v / 32768);
    await writeInFile(testbed, bytesOf(input));
    const inFile = tmp.path('in2.wav');
    const outFile = tmp.path('out2.wav');
    writeFileSync(inFile, wavFile(1, 44100, 'int16', bytesOf(int16Signal(4410, 1, 44100))));
    const r = await runBin(['playrec', '-d', 'vfile_in,vfile_out', '--input-mapping', '2', '--subtype', 'FLOAT', inFile, outFile]);
    expect(r.code).toBe(0);
    const wav = parseWav(readFileSync(outFile));
    expect(wav).toMatchObject({ tag: 3, channels: 1, rate: 44100, bits: 32 });
    const got = new Float32Array(wav.data.buffer.slice(wav.data.byteOffset, wav.data.byteOffset + wav.data.length));
    expect(got).toEqual(Float32Array.from({ length: 4410 }, (_, i) => input[2 * i + 1]!));
  });
});
