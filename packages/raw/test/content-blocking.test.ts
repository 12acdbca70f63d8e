/**
 * Blocking read/write move bytes bit-exactly, in every dtype, mono and
 * stereo, through the ALSA file PCMs (`vfile_out` writes what it plays to a
 * file, `vfile_in` records a file from its start).
 *
 * The file PCMs are not paced: the audio thread runs as fast as it can, so a
 * writer that falls behind leaves underflow silence between frames and a
 * reader that falls behind loses input (reported as overflow). The checks
 * below allow exactly that and nothing else.
 */
import { clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { type DType, RawInputStream, RawOutputStream } from '../src/index.js';
import {
  ALL_DTYPES,
  BYTES,
  commonPrefix,
  firstSoundFrame,
  makeSignal,
  silenceByte,
  soundFrames,
  testbed,
} from './helpers.js';

const CASES = ALL_DTYPES.flatMap((dtype) => [1, 2].map((channels) => [dtype, channels] as [DType, number]));
const RATE = 44100;

describe.each(CASES)('%s, %i channel(s)', (dtype, channels) => {
  const frameBytes = BYTES[dtype] * channels;
  const silence = silenceByte(dtype);

  it('write(): every frame reaches vfile_out bit-exact and in order', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const signal = makeSignal(dtype, channels, 20_000, 11);
    const s = new RawOutputStream({ device: 'vfile_out', dtype, channels, sampleRate: RATE });
    try {
      expect(s.sampleSize).toBe(BYTES[dtype]);
      s.start();
      // Two writes of uneven sizes (whole frames), then stop: stop() plays what is queued.
      expect(typeof (await s.write(signal.subarray(0, 7001 * frameBytes)))).toBe('boolean');
      s.writeSync(signal.subarray(7001 * frameBytes));
      s.stop();
    } finally {
      await s.close();
    }
    const file = Buffer.from(await readOutFile(tb));
    expect(file.byteLength % frameBytes).toBe(0);
    const first = firstSoundFrame(file, frameBytes, silence);
    expect(first).toBeGreaterThanOrEqual(0);
    // Before the signal: only PortAudio's priming silence. After it: only silence.
    expect(soundFrames(file, frameBytes, silence).equals(signal)).toBe(true);
  });

  it('write() before start(): queued frames play contiguously after the priming silence', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const s = new RawOutputStream({ device: 'vfile_out', dtype, channels, sampleRate: RATE });
    let signal: Buffer;
    try {
      const capacity = s.writeAvailable;
      expect(capacity).toBeGreaterThanOrEqual(2048);
      signal = makeSignal(dtype, channels, capacity - 3, 12);
      expect(s.writeSync(signal)).toBe(false);
      expect(s.writeAvailable).toBe(3);
      s.start();
      s.stop();
      expect(s.writeAvailable).toBe(capacity);
    } finally {
      await s.close();
    }
    const file = Buffer.from(await readOutFile(tb));
    const first = firstSoundFrame(file, frameBytes, silence);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(file.subarray(first * frameBytes, first * frameBytes + signal.byteLength).equals(signal)).toBe(true);
    expect(soundFrames(file, frameBytes, silence).byteLength).toBe(signal.byteLength);
  });

  it('read(), readSync(), readInto(): vfile_in is recorded bit-exact from sample 0', async () => {
    const tb = testbed();
    const signal = makeSignal(dtype, channels, 20_000, 13);
    await writeInFile(tb, signal);

    // The ring holds more than 2048 frames, so the first 2048 cannot be lost.
    const a = new RawInputStream({ device: 'vfile_in', dtype, channels, sampleRate: RATE, blockSize: 256 });
    try {
      a.start();
      const first = await a.read(1500);
      expect(first.data.byteLength).toBe(1500 * frameBytes);
      expect(first.data.equals(signal.subarray(0, 1500 * frameBytes))).toBe(true);
      // (`overflowed` may already be true: the unpaced PCM outruns any reader.)
      expect(typeof first.overflowed).toBe('boolean');
      const next = a.readSync(548);
      expect(next.data.equals(signal.subarray(1500 * frameBytes, 2048 * frameBytes))).toBe(true);
    } finally {
      await a.close();
    }

    // Each new stream reads the file from its start; readInto fills the caller's memory.
    const b = new RawInputStream({ device: 'vfile_in', dtype, channels, sampleRate: RATE, blockSize: 256 });
    try {
      b.start();
      const mine = new Uint8Array(2000 * frameBytes + 0).fill(0x55);
      const result = await b.readInto(mine);
      expect(result.frames).toBe(2000);
      expect(Buffer.from(mine).equals(signal.subarray(0, 2000 * frameBytes))).toBe(true);
    } finally {
      await b.close();
    }
  });

  it('read() longer than the ring: contiguous from sample 0 until input is lost, and the loss is reported', async () => {
    const tb = testbed();
    const signal = makeSignal(dtype, channels, 40_000, 14);
    await writeInFile(tb, signal);
    const s = new RawInputStream({ device: 'vfile_in', dtype, channels, sampleRate: RATE, blockSize: 256 });
    try {
      s.start();
      const { data, overflowed } = await s.read(40_000);
      const same = Math.floor(commonPrefix(data, signal) / frameBytes);
      expect(same).toBeGreaterThanOrEqual(2048);
      if (same < 40_000) expect(overflowed).toBe(true);
    } finally {
      await s.close();
    }
  });
});
