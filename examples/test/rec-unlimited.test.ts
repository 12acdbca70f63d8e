/**
 * rec-unlimited: records until SIGINT (Ctrl+C) and leaves a valid WAV file
 * holding everything recorded before it.
 *
 * On JACK (real time) a signal played into its inputs and interrupted half
 * way is in the file without a single frame missing, up to where it was
 * interrupted. `vfile_in` is not paced (it delivers audio thousands of times
 * faster than real time, so any JavaScript reader loses blocks to input
 * overflow, which the program reports): there the file starts with the
 * input's own samples and the WAV header matches what was written.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sd from '@sounddevice/numeric';
import { jackLogMark, jackXrunsSince, writeInFile } from '@sounddevice/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import wavefile from 'wavefile';
import { bytesOf, commonPrefix, signal } from './audio.js';
import { connectAll, newPorts, portsNow } from './jack.js';
import { type Running, hasStack, runExample, startExample, testbed } from './run.js';

const RATE = 48000;
let dir: string;
let running: Running | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rec-unlimited-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  sd.stop();
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

/** Reads a WAV file with `wavefile` and checks that its header sizes match the file. */
async function readWav(path: string): Promise<{ wav: InstanceType<typeof wavefile.WaveFile>; fmt: { numChannels: number; sampleRate: number; audioFormat: number; bitsPerSample: number }; dataBytes: number }> {
  const bytes = await readFile(path);
  expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
  expect(bytes.readUInt32LE(4) + 8).toBe(bytes.length);
  const wav = new wavefile.WaveFile(bytes);
  const data = wav.data as { chunkSize: number };
  return { wav, fmt: wav.fmt as never, dataBytes: data.chunkSize };
}

describe('rec-unlimited', () => {
  it('--help and --list-devices, exit code 0', async () => {
    const help = await runExample('rec-unlimited', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rec-unlimited \[options\] \[filename\]/);
    for (const option of ['-l, --list-devices', '-d, --device <DEVICE>', '-r, --samplerate <RATE>', '-c, --channels <N>', '-t, --subtype <SUBTYPE>']) {
      expect(help.stdout).toContain(option);
    }
    const list = await runExample('rec-unlimited', ['-l']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {2}\d+ vfile_in, ALSA \(128 in, 128 out\)$/m);
    expect(list.stdout).toMatch(/system, JACK Audio Connection Kit \(2 in, 2 out\)/);
  });

  it('JACK: interrupted half way through a signal, the file holds all of it up to there, not a frame missing', async () => {
    const file = join(dir, 'jack.wav');
    const before = await portsNow();
    running = startExample('rec-unlimited', [file, '-d', 'system', '-c', '2', '-t', 'FLOAT']);
    await running.waitFor('press Ctrl+C to stop the recording');
    const rec = await newPorts(before, { ins: 2 });

    // 0.3 s of silence, then 4 s of signal, played into rec-unlimited's inputs.
    const lead = Math.round(0.3 * RATE);
    const sig = signal('float32', 4 * RATE, 2, 31);
    const data = new Float32Array(sig.length + lead * 2);
    data.set(sig, lead * 2);
    const mark = jackLogMark(testbed);
    const beforePlay = await portsNow();
    sd.play(ndarray(data, [data.length / 2, 2]), { device: 'system', sampleRate: RATE });
    const mine = await newPorts(beforePlay, { outs: 2 });
    await connectAll(mine.outs, rec.ins, 2);
    await sd.sleep(2000); // interrupt in the middle of the signal
    running.child.kill('SIGINT');
    const r = await running.exited;
    sd.stop();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nRecording finished: '.*jack\.wav' \(\d+ frames, [\d.]+ s\)\n$/);

    const { wav, fmt, dataBytes } = await readWav(file);
    expect(fmt).toMatchObject({ numChannels: 2, sampleRate: RATE, audioFormat: 3, bitsPerSample: 32 });
    const frames = Number(/\((\d+) frames/.exec(r.stdout)![1]);
    expect(dataBytes).toBe(frames * 8);
    const recorded = wav.getSamples(true, Float32Array) as unknown as Float32Array;
    expect(recorded.length).toBe(frames * 2);
    const first = recorded.findIndex((v) => v !== 0);
    expect(first, 'the signal was recorded').toBeGreaterThan(0);
    const got = recorded.subarray(first - (first % 2));
    // Over a second of the signal, up to the interruption, and not all of it.
    expect(got.length / 2).toBeGreaterThan(RATE);
    expect(got.length).toBeLessThan(sig.length);
    // From the first sound to the end of the file: the signal, every frame, in order.
    const exact = bytesOf(got).equals(bytesOf(sig.subarray(0, got.length)));
    // JACK skipped a cycle on a busy machine: reported to the program (on its
    // stderr) or only in jackd's log when the player was the late client.
    const xruns = r.stderr.includes('<CallbackFlags') || jackXrunsSince(testbed, mark).length > 0;
    if (!exact && xruns) {
      // Nothing lost by the program up to there at least.
      expect(commonPrefix(got, sig)).toBeGreaterThan(RATE / 10);
    } else {
      expect(exact, 'the recording is the signal, every frame in order (no JACK xrun was logged)').toBe(true);
    }
  });

  it('vfile_in: a valid 16 bit WAV that starts with the input, bit-exact', async () => {
    const input = signal('int16', 4 * RATE, 1, 41);
    await writeInFile(testbed, bytesOf(input));
    const file = join(dir, 'vfile.wav');
    running = startExample('rec-unlimited', [file, '-d', 'vfile_in', '-r', String(RATE)]);
    await running.waitFor('press Ctrl+C to stop the recording');
    running.child.kill('SIGINT'); // at once: vfile_in fills the disk fast
    const r = await running.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(hasStack(r.stderr)).toBe(false);
    const frames = Number(/\((\d+) frames/.exec(r.stdout)![1]);
    expect((await stat(file)).size).toBe(44 + frames * 2);

    const { wav, fmt, dataBytes } = await readWav(file);
    expect(fmt).toMatchObject({ numChannels: 1, sampleRate: RATE, audioFormat: 1, bitsPerSample: 16 });
    expect(dataBytes).toBe(frames * 2);
    const recorded = wav.getSamples(false, Int16Array) as unknown as Int16Array;
    // The stream's ring holds more than 2048 frames: those cannot be lost
    // even to an unpaced device, later ones can (reported as overflow).
    expect(recorded.length).toBeGreaterThan(2048);
    expect(bytesOf(recorded.subarray(0, 2048)).equals(bytesOf(input.subarray(0, 2048)))).toBe(true);
  });

  it('PCM_24 from vfile_in: 24 bit samples in the file, as recorded', async () => {
    const frames = 1500;
    const input = Buffer.alloc(frames * 2 * 3);
    for (let k = 0; k < frames * 2; k++) input.writeIntLE(((k * 7919 + 5) % 16_000_000) - 8_000_000 || 1, k * 3, 3);
    await writeInFile(testbed, input);
    const file = join(dir, 'pcm24.wav');
    running = startExample('rec-unlimited', [file, '-d', 'vfile_in', '-c', '2', '-t', 'pcm_24']);
    await running.waitFor('press Ctrl+C to stop the recording');
    running.child.kill('SIGINT');
    const r = await running.exited;
    expect(r.code, r.stderr).toBe(0);
    const bytes = await readFile(file);
    const { fmt } = await readWav(file);
    expect(fmt).toMatchObject({ numChannels: 2, sampleRate: 44100, bitsPerSample: 24 });
    const header = bytes.indexOf('data') + 8;
    expect(bytes.subarray(header, header + input.length).equals(input)).toBe(true);
  });

  it('mistakes: an existing file, an unknown device, too many channels: exit code 1 with one line; a bad subtype: exit code 2', async () => {
    const existing = join(dir, 'exists.wav');
    await writeFile(existing, 'precious');
    const r = await runExample('rec-unlimited', [existing, '-d', 'vfile_in']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: EEXIST: file already exists/);
    expect(await readFile(existing, 'utf8')).toBe('precious');

    const device = await runExample('rec-unlimited', [join(dir, 'x.wav'), '-d', 'nowhere']);
    expect(device.code).toBe(1);
    expect(device.stderr).toMatch(/^DeviceNotFoundError: No input device matching 'nowhere'/);
    expect(hasStack(device.stderr)).toBe(false);

    // A stream the device cannot open: no file is left behind.
    const tooMany = await runExample('rec-unlimited', [join(dir, 'z.wav'), '-d', 'system', '-c', '5']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/^PortAudioError: Error opening RawInputStream: Invalid number of channels: device \d+ 'system' \(input\) cannot take 5; channels must be at most 2 \[PaErrorCode -9998\]$/m);
    await expect(stat(join(dir, 'z.wav'))).rejects.toThrow(/ENOENT/);

    const subtype = await runExample('rec-unlimited', [join(dir, 'y.wav'), '-t', 'MP3']);
    expect(subtype.code).toBe(2);
    expect(subtype.stderr).toContain('Allowed subtypes are PCM_U8, PCM_16, PCM_24, PCM_32, FLOAT.');
  });
});
