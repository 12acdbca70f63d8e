import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type TestbedInfo, clearOutFile, readOutFile } from '@sounddevice/testbed';
import { BIN, hasStack, runBin } from './run-bin.js';
import { TmuxRun } from './tty.js';
import { afterSilence, bytesOf, int16Signal, tempDir, wavFile } from './wav-files.js';

const testbed = inject('sounddeviceTestbed' as never) as TestbedInfo;
const tmp = tempDir();
afterAll(() => tmp.remove());

async function outInt16(): Promise<Int16Array> {
  const b = await readOutFile(testbed);
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
async function outFloat32(): Promise<Float32Array> {
  const b = await readOutFile(testbed);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** FLAC bytes of interleaved integer samples, encoded with libFLAC (libflac.js). */
async function flacFile(samples: Int32Array<ArrayBuffer>, channels: number, rate: number, bits: 16 | 24): Promise<Buffer> {
  const Flac = createRequire(import.meta.url)('libflacjs')() as ReturnType<typeof import('libflacjs')>;
  if (!Flac.isReady()) await new Promise<void>((r) => Flac.on('ready', () => r()));
  const enc = Flac.create_libflac_encoder(rate, channels, bits, 5, samples.length / channels, false, 0);
  const parts: Buffer[] = [];
  Flac.init_encoder_stream(enc, (d: Uint8Array) => {
    parts.push(Buffer.from(d));
  });
  Flac.FLAC__stream_encoder_process_interleaved(enc, samples, samples.length / channels);
  Flac.FLAC__stream_encoder_finish(enc);
  Flac.FLAC__stream_encoder_delete(enc);
  return Buffer.concat(parts);
}

/** MP3 or Ogg Vorbis of a mono 440 Hz sine, amplitude 0.5, encoded with LAME / libvorbis (wasm-media-encoders). */
async function lossyFile(kind: 'mp3' | 'ogg', seconds: number, rate: number): Promise<Buffer> {
  const { createMp3Encoder, createOggEncoder } = await import('wasm-media-encoders');
  const encoder = kind === 'mp3' ? await createMp3Encoder() : await createOggEncoder();
  encoder.configure({ sampleRate: rate, channels: 1, vbrQuality: kind === 'mp3' ? 2 : 6 });
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate);
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i += 4096) parts.push(Buffer.from(encoder.encode([x.subarray(i, i + 4096)])));
  parts.push(Buffer.from(encoder.finalize()));
  return Buffer.concat(parts);
}

describe('sounddevice play', () => {
  it('plays a 16-bit WAV bit-exact into vfile_out', async () => {
    const signal = int16Signal(22050, 2, 44100);
    const file = tmp.path('stereo16.wav');
    writeFileSync(file, wavFile(2, 44100, 'int16', bytesOf(signal)));
    await clearOutFile(testbed);
    const r = await runBin(['play', '--device', 'vfile_out', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Played '.*stereo16\.wav' \(WAV, 2 channels, int16, 44100 Hz, 0:00\.5\) on device \d+ 'vfile_out, ALSA'\n$/);
    const got = await outInt16();
    const played = afterSilence(got, signal.length);
    expect(played).toEqual(signal);
    // Only silence after it.
    expect(got.subarray(got.indexOf(played[0]!) + signal.length).every((v) => v === 0)).toBe(true);
  });

  it('streams a file longer than --preload: every sample arrives, in order', async () => {
    // vfile_out takes audio faster than real time, so a streaming writer leaves gaps of
    // silence between chunks; the signal itself has no zero sample, so dropping the
    // zeros must give back exactly the file (nothing lost, repeated or reordered).
    const signal = int16Signal(3 * 44100, 2, 44100);
    const file = tmp.path('long.wav');
    writeFileSync(file, wavFile(2, 44100, 'int16', bytesOf(signal)));
    await clearOutFile(testbed);
    const r = await runBin(['play', '--device', 'vfile_out', '--preload', '0.5', file]);
    expect(r.code).toBe(0);
    const got = (await outInt16()).filter((v) => v !== 0);
    expect(got).toEqual(signal);
  });

  it.each([16, 24] as const)('plays a %i-bit FLAC bit-exact (decoded integers restored exactly)', async (bits) => {
    const frames = 20000;
    const s16 = int16Signal(frames, 2, 44100);
    const samples = Int32Array.from(s16, (v) => (bits === 24 ? v * 256 + 0x55 : v));
    const file = tmp.path(`x${bits}.flac`);
    writeFileSync(file, await flacFile(samples, 2, 44100, bits));
    await clearOutFile(testbed);
    const r = await runBin(['play', '-d', 'vfile_out', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(FLAC, 2 channels, int${bits}, 44100 Hz, 0:00.4)`);
    const raw = await readOutFile(testbed);
    let got: Int32Array;
    if (bits === 16) got = Int32Array.from(new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
    else got = Int32Array.from({ length: raw.length / 3 }, (_, i) => Buffer.from(raw.buffer, raw.byteOffset).readIntLE(3 * i, 3));
    expect(afterSilence(got, samples.length)).toEqual(samples);
  });

  it('streams a FLAC file (--preload 0) without losing a sample', async () => {
    const s16 = int16Signal(2 * 44100, 2, 44100);
    const file = tmp.path('stream.flac');
    writeFileSync(file, await flacFile(Int32Array.from(s16), 2, 44100, 16));
    await clearOutFile(testbed);
    const r = await runBin(['play', '-d', 'vfile_out', '--preload', '0', file]);
    expect(r.code).toBe(0);
    expect((await outInt16()).filter((v) => v !== 0)).toEqual(s16);
  });

  it.each(['mp3', 'ogg'] as const)('decodes %s and plays a mono file on both channels as float32', async (kind) => {
    const file = tmp.path(`sine.${kind}`);
    writeFileSync(file, await lossyFile(kind, 1, 44100));
    await clearOutFile(testbed);
    const r = await runBin(['play', '-d', 'vfile_out', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\((${kind === 'mp3' ? 'MP3' : 'Ogg Vorbis'}), 1 channel, float32, 44100 Hz, 0:01\\.\\d\\)`));
    const got = await outFloat32();
    const left = got.filter((_, i) => i % 2 === 0);
    const right = got.filter((_, i) => i % 2 === 1);
    expect(right).toEqual(left);
    // The lossy codecs keep a 440 Hz sine of amplitude 0.5: check its level and frequency
    // over the middle half second.
    const first = left.findIndex((v) => Math.abs(v) > 0.01);
    const mid = left.subarray(first + 11025, first + 33075);
    const rms = Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
    expect(rms).toBeGreaterThan(0.5 / Math.SQRT2 - 0.02);
    expect(rms).toBeLessThan(0.5 / Math.SQRT2 + 0.02);
    let crossings = 0;
    for (let i = 1; i < mid.length; i++) if (mid[i - 1]! < 0 !== mid[i]! < 0) crossings++;
    expect(crossings / 2 / (mid.length / 44100)).toBeCloseTo(440, -1);
  });

  it('--mapping and --volume: channels swapped, samples scaled exactly (float32)', async () => {
    const signal = int16Signal(4410, 2, 44100);
    const file = tmp.path('map.wav');
    writeFileSync(file, wavFile(2, 44100, 'int16', bytesOf(signal)));
    await clearOutFile(testbed);
    const r = await runBin(['play', '-d', 'vfile_out', '--mapping', '2,1', '--volume', '0.5', file]);
    expect(r.code).toBe(0);
    const expected = new Float32Array(signal.length);
    for (let i = 0; i < signal.length; i += 2) {
      expected[i] = (signal[i + 1]! / 32768) * 0.5;
      expected[i + 1] = (signal[i]! / 32768) * 0.5;
    }
    expect(afterSilence(await outFloat32(), expected.length)).toEqual(expected);
  });

  it('--mapping 3 plays a mono file on the third channel only', async () => {
    const mono = int16Signal(2000, 1, 44100);
    const file = tmp.path('mono.wav');
    writeFileSync(file, wavFile(1, 44100, 'int16', bytesOf(mono)));
    await clearOutFile(testbed);
    const r = await runBin(['play', '-d', 'vfile_out', '--mapping', '3', file]);
    expect(r.code).toBe(0);
    const got = await outInt16();
    const expected = new Int16Array(mono.length * 3);
    mono.forEach((v, i) => (expected[3 * i + 2] = v));
    const first = got.findIndex((v) => v !== 0);
    expect(first % 3).toBe(2);
    expect(got.subarray(first - 2, first - 2 + expected.length)).toEqual(expected);
  });

  it('shows a progress bar with elapsed and total time on a terminal', async () => {
    const file = tmp.path('jack.wav');
    writeFileSync(file, wavFile(2, 48000, 'int16', bytesOf(int16Signal(96000, 2, 48000))));
    const tty = new TmuxRun(['play', '--device', 'system', file], { cols: 100, rows: 10 });
    try {
      const mid = await tty.waitFor(/▶ 0:00\.[5-9] \/ 0:02\.0 \[█+[▏▎▍▌▋▊▉]? +\] +[2-4]\d%  jack\.wav/, 5000);
      expect(mid[0]).toMatch(/^▶ 0:00\.\d \/ 0:02\.0 \[.{40}\] +\d+%  jack\.wav$/);
      const end = await tty.waitFor(/\[exit 0\]/, 5000);
      expect(end[0]).toBe(`▶ 0:02.0 / 0:02.0 [${'█'.repeat(40)}] 100%  jack.wav`);
      expect(end[1]).toMatch(/^Played '.*jack\.wav' \(WAV, 2 channels, int16, 48000 Hz, 0:02\.0\)/);
    } finally {
      await tty.kill();
    }
  });

  it('keeps the progress bar on one line with a wide-character (CJK) file name in a narrow terminal', async () => {
    // 13 characters that take 2 columns each, plus '.wav'.
    const file = tmp.path('東京の夜の雨の音楽と街の記憶.wav');
    writeFileSync(file, wavFile(2, 48000, 'int16', bytesOf(int16Signal(72000, 2, 48000))));
    const tty = new TmuxRun(['play', '--device', 'system', file], { cols: 60, rows: 12 });
    try {
      const mid = await tty.waitFor(/▶ 0:00\.[5-9] \/ 0:01\.5/, 5000);
      await new Promise((r) => setTimeout(r, 400)); // several redraws (every 100 ms)
      const screen = tty.screen();
      // One progress line, redrawn in place: no copies left on the lines below.
      expect(screen.filter((l) => l.startsWith('▶')), screen.join('\n')).toHaveLength(1);
      expect(mid[0]).toMatch(/^▶ 0:00\.\d \/ 0:01\.5 \[[█▏▎▍▌▋▊▉ ]{10,}\] +\d+%  東京.*….*\.wav$/);
      // It fits in 59 columns (one left free so the terminal never wraps).
      const width = (await import('string-width')).default;
      for (const l of screen) expect(width(l), l).toBeLessThanOrEqual(59);
      const end = await tty.waitFor(/\[exit 0\]/, 5000);
      expect(end[0]).toMatch(/^▶ 0:01\.5 \/ 0:01\.5 \[█{10,}\] 100%  東京.*\.wav$/);
      expect(end.slice(1).join('')).toMatch(/^Played '.*東京の夜の雨の音楽と街の記憶\.wav'/); // the path wraps: it is no live line
    } finally {
      await tty.kill();
    }
  });

  it('Ctrl+C stops --loop cleanly with exit code 130', async () => {
    const file = tmp.path('loop.wav');
    writeFileSync(file, wavFile(2, 48000, 'int16', bytesOf(int16Signal(12000, 2, 48000))));
    const child = spawn(process.execPath, [BIN, 'play', '--loop', '--device', 'system', file], { env: process.env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^Interrupted '.*loop\.wav' \(WAV, 2 channels, int16, 48000 Hz, 0:00\.2\) at 0:0\d\.\d on device \d+ 'system, JACK/);
    expect(hasStack(stderr)).toBe(false);
  });

  it('plays a 44.1 kHz file on the 48 kHz JACK device (converted by default)', async () => {
    const file = tmp.path('cd-rate.wav');
    writeFileSync(file, wavFile(2, 44100, 'int16', bytesOf(int16Signal(44100 / 4, 2, 44100))));
    const r = await runBin(['play', '--device', 'system', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Played '.*cd-rate\.wav' \(WAV, 2 channels, int16, 44100 Hz, 0:00\.2\) on device \d+ 'system, JACK/);
  });

  it('user mistakes are one line: missing file, not audio, wrong mapping, unsupported rate', async () => {
    const notAudio = tmp.path('notes.txt');
    writeFileSync(notAudio, 'hello, this is not audio\n');
    const stereo = tmp.path('s.wav');
    writeFileSync(stereo, wavFile(2, 44100, 'int16', bytesOf(int16Signal(100, 2, 44100))));
    for (const [args, code, text] of [
      [['play', tmp.path('missing.wav')], 1, "cannot read '"],
      [['play', notAudio], 1, 'is not a WAV, FLAC, MP3 or Ogg Vorbis file'],
      [['play', '-d', 'vfile_out', '--mapping', '1,2,3', stereo], 2, 'mapping lists 3 channels, but'],
      [['play', '-d', 'vfile_out', '--mapping', '0,1', stereo], 2, 'mapping must list channel numbers from 1'],
      [['play', '-d', 'vfile_out', '--mapping', '1,1', stereo], 2, 'must not name a channel twice'],
      [['play', '-d', 'vfile_out', '--volume', '-1', stereo], 2, 'volume must be 0 or more'],
      [['play', '-d', 'system', '--no-resample', stereo], 1, 'Invalid sample rate: 44100 Hz; the device supports 48000 Hz'],
    ] as const) {
      const r = await runBin(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr.split('\n'), args.join(' ')).toHaveLength(2);
      expect(r.stderr).toContain(text);
      expect(r.stderr).toMatch(/^sounddevice: error: /);
      expect(hasStack(r.stderr)).toBe(false);
    }
  });
});
