import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type TestbedInfo, jackPorts, writeInFile } from '@sounddevice/testbed';
import { JackFeed, expectContinuousRamp, ramp, sine, waitForPorts } from './jack-feed.js';
import { BIN, hasStack, runBin } from './run-bin.js';
import { TmuxRun } from './tty.js';
import { bytesOf, parseWav, tempDir } from './wav-files.js';

const testbed = inject('sounddeviceTestbed' as never) as TestbedInfo;
const tmp = tempDir();
afterAll(() => tmp.remove());

/** Distinct non-zero test bytes: `frames` stereo frames of `size`-byte samples from a counter. */
function knownBytes(frames: number, size: number): Buffer {
  const b = Buffer.alloc(frames * 2 * size);
  for (let i = 0; i < b.length; i++) b[i] = (i * 37 + 11) % 251;
  return b;
}

/** Stereo float32 test samples in -0.9…0.9 (the FLOAT subtype records them unchanged). */
function knownFloats(frames: number): Buffer {
  const f = new Float32Array(frames * 2);
  for (let i = 0; i < f.length; i++) f[i] = Math.fround(0.9 * Math.sin(i * 0.01234) + 0.001);
  return bytesOf(f);
}

/** Spawns `sounddevice …`, collecting its output; `exited` resolves with the exit code. */
function start(args: string[]): { child: ReturnType<typeof spawn>; out: () => string; err: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: process.env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

describe('sounddevice rec', () => {
  it.each([
    ['PCM_16', 2, 1, 16],
    ['PCM_24', 3, 1, 24],
    ['PCM_32', 4, 1, 32],
    ['FLOAT', 4, 3, 32],
  ] as const)('--duration from vfile_in: the %s WAV holds exactly the input', async (subtype, size, tag, bits) => {
    const frames = 22050;
    const input = subtype === 'FLOAT' ? knownFloats(frames) : knownBytes(frames, size);
    await writeInFile(testbed, input);
    const file = tmp.path(`in-${subtype}.wav`);
    const r = await runBin(['rec', '--device', 'vfile_in', '--channels', '2', '--samplerate', '44100', '--duration', '0.5', '--subtype', subtype, file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Recorded 22050 frames \\(0:00\\.5\\) to '.*in-${subtype}\\.wav' \\(WAV ${subtype}, 2 channels, 44100 Hz\\) from device \\d+ 'vfile_in, ALSA'\\n$`));
    const wav = parseWav(readFileSync(file));
    expect({ tag: wav.tag, channels: wav.channels, rate: wav.rate, bits: wav.bits }).toEqual({ tag, channels: 2, rate: 44100, bits });
    expect(wav.data.equals(input)).toBe(true);
  });

  it.each([
    ['PCM_16', 16],
    ['PCM_24', 24],
  ] as const)('writes %s FLAC that decodes to exactly the input', async (subtype, bits) => {
    const frames = 30000;
    const size = bits / 8;
    const input = knownBytes(frames, size);
    await writeInFile(testbed, input);
    const file = tmp.path(`in-${bits}.flac`);
    const r = await runBin(['rec', '-d', 'vfile_in', '-c', '2', '-r', '48000', '-t', '0.625', '--subtype', subtype, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(FLAC ${subtype}, 2 channels, 48000 Hz)`);
    const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
    const decoder = new FLACDecoder();
    await decoder.ready;
    const decoded = await decoder.decodeFile(readFileSync(file));
    decoder.free();
    expect(decoded.samplesDecoded).toBe(frames);
    expect(decoded.bitDepth).toBe(bits);
    const scale = 2 ** (bits - 1) - 1;
    const got = Buffer.alloc(frames * 2 * size);
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < 2; c++) got.writeIntLE(Math.round(decoded.channelData[c]![i]! * scale), (2 * i + c) * size, size);
    }
    expect(got.equals(input)).toBe(true);
    // STREAMINFO was finalized: total samples and MD5 are set.
    const file_ = readFileSync(file);
    expect(Number(file_.readBigUInt64BE(18) & 0xfffffffffn)).toBe(frames);
    expect(file_.subarray(26, 42).some((b) => b !== 0)).toBe(true);
  });

  it.each([
    ['until Ctrl+C (streaming)', [], 0],
    ['with --duration cut short (captured in memory)', ['--duration', '30'], 130],
  ] as const)('SIGINT while recording %s keeps every frame in a valid WAV', async (_name, extra, code) => {
    // A looping ramp from this process is connected to the recorder's inputs on JACK:
    // any dropped or repeated frame breaks the ramp. An xrun of the JACK server
    // itself (it runs without real-time scheduling here, so a busy machine
    // causes them) skips a period on both sides: such a run, which the recorder
    // reports as an input overflow or the feed as an output underflow, is run
    // again, three times at most.
    const period = 48000;
    for (let attempt = 1; ; attempt++) {
      const feed = await JackFeed.open(ramp(period), 2, { loop: true });
      const file = tmp.path(`sigint-${code}-${attempt}.wav`);
      try {
        feed.stream.start();
        const before = await jackPorts();
        const rec = start(['rec', '--device', 'system', '--subtype', 'FLOAT', ...extra, file]);
        await feed.feed(await waitForPorts(before, { ins: 2 }));
        // Flags raised before the feed reached the recorder cannot break the
        // ramp: JACK2 reports an xrun to every client when one activates
        // (seen on slow VMs at each PortAudio client start). Count from here.
        feed.stream.takeStatus();
        await new Promise((r) => setTimeout(r, 1200));
        rec.child.kill('SIGINT');
        expect(await rec.exited).toBe(code);
        const text = code === 0 ? rec.out() : rec.err();
        const m = /^(?:Recorded|Interrupted: recorded) (\d+) frames \(0:0\d\.\d\) to '.*' \(WAV FLOAT, 2 channels, 48000 Hz\) from device \d+ 'system, JACK Audio Connection Kit'$/m.exec(text);
        const xrun = /Input overflowed/.test(rec.err()) || feed.stream.takeStatus().outputUnderflow;
        const check = (): void => {
          expect(m, text + rec.err()).not.toBeNull();
          const wav = parseWav(readFileSync(file));
          expect(wav).toMatchObject({ tag: 3, channels: 2, rate: 48000, bits: 32 });
          expect(wav.data.length).toBe(Number(m![1]) * 8);
          const samples = new Float32Array(wav.data.buffer.slice(wav.data.byteOffset, wav.data.byteOffset + wav.data.length));
          const rampFrames = expectContinuousRamp(samples, period);
          // About a second of the ramp made it, up to the very last frame of the file.
          expect(rampFrames).toBeGreaterThan(0.5 * 48000);
          expect(hasStack(rec.err())).toBe(false);
        };
        try {
          check();
        } catch (e) {
          // A flagged xrun excuses a broken ramp (it skips a period on both
          // sides); a flag alone does not fail the test, since JACK2 also
          // reports one to every client when the graph changes, which breaks
          // nothing that was recorded.
          if (xrun && attempt < 3) continue;
          if (xrun) throw new Error(`the JACK server had an xrun in each of 3 runs: the machine is too busy for this test (${String(e)})`);
          throw e;
        }
        return;
      } finally {
        await feed.close();
      }
    }
  });

  it.each([
    ['streaming', []],
    ['with --duration (captured in memory)', ['--duration', '30']],
  ] as const)('says so when input was lost while recording %s (a JACK xrun)', async (_name, extra) => {
    // Pausing the JACK server makes it miss cycles: on resuming it reports an
    // xrun, which PortAudio passes on as an input overflow.
    const jackd = testbed.jack.pid;
    if (jackd === undefined) throw new Error('needs the JACK server the testbed started (its pid)');
    const before = await jackPorts();
    const rec = start(['rec', '--device', 'system', ...extra, tmp.path(`xrun-${extra.length}.wav`)]);
    await waitForPorts(before, { ins: 2 });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(jackd, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 200));
    process.kill(jackd, 'SIGCONT');
    await new Promise((r) => setTimeout(r, 300));
    rec.child.kill('SIGINT');
    await rec.exited;
    expect(rec.err()).toMatch(/^Input overflowed \d+ times?: some input was lost before it could be written$/m);
  });

  it('shows a live level meter on a terminal', async () => {
    const feed = await JackFeed.open(sine(1000, 0.5, 48000, 2), 2, { loop: true });
    const before = await jackPorts();
    const tty = new TmuxRun(['rec', '--device', 'system', '--duration', '20', tmp.path('meter.wav')], { cols: 100, rows: 8 });
    try {
      feed.stream.start();
      await feed.feed(await waitForPorts(before, { ins: 2 }));
      const screen = await tty.waitFor(/● REC 0:0[1-9]\.\d 1\[█+[^\]]*\] -6\.0 dB 2\[█+[^\]]*\] -6\.0 dB/, 10_000);
      // -6 dBFS fills 54 of 60 dB: nine tenths of the bar.
      const bars = /1\[([^\]]*)\]/.exec(screen[0]!)![1]!;
      expect(bars.trimEnd().length / bars.length).toBeGreaterThan(0.85);
      tty.send('C-c');
      await tty.waitFor(/Interrupted: recorded \d+ frames/, 5000);
    } finally {
      await tty.kill();
      await feed.close();
    }
  });

  // (Retried: an xrun on this shared machine adds a warning to stderr.)
  it('--samplerate 16000 on the 48 kHz JACK device: converted by default, exactly the frames asked for', { retry: 3 }, async () => {
    const file = tmp.path('16k.wav');
    const r = await runBin(['rec', '--device', 'system', '--channels', '1', '--samplerate', '16000', '--duration', '0.5', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Recorded 8000 frames \(0:00\.5\) to '.*16k\.wav' \(WAV PCM_16, 1 channel, 16000 Hz\) from device \d+ 'system, JACK/);
    const wav = parseWav(readFileSync(file));
    expect({ rate: wav.rate, channels: wav.channels, bytes: wav.data.length }).toEqual({ rate: 16000, channels: 1, bytes: 16000 });
  });

  it('user mistakes are one line', async () => {
    for (const [args, code, text] of [
      [['rec', '--subtype', 'FLOAT', tmp.path('x.flac')], 2, 'FLAC files hold 16- or 24-bit integer samples'],
      [['rec', tmp.path('x.mp3')], 2, "cannot tell the format of '"],
      [['rec', '--subtype', 'PCM_8', tmp.path('x.wav')], 2, 'subtype must be PCM_16, PCM_24, PCM_32 or FLOAT'],
      [['rec', '-d', 'vfile_in', '-t', '0.1', '/nonexistent-folder/x.wav'], 1, "cannot write '/nonexistent-folder/x.wav': no such folder"],
      [['rec', '-d', 'system', '-r', '44100', '-t', '0.1', '--no-resample', tmp.path('y.wav')], 1, 'Invalid sample rate: 44100 Hz'],
    ] as const) {
      const r = await runBin(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr.split('\n'), args.join(' ')).toHaveLength(2);
      expect(r.stderr).toContain(text);
      expect(hasStack(r.stderr)).toBe(false);
    }
  });
});
