/**
 * Callback streams move bytes bit-exactly, in every dtype, mono and stereo,
 * through the ALSA file PCMs.
 *
 * The file PCMs are not paced: the audio thread outruns the JavaScript
 * callback, so on `vfile_out` whole blocks of underflow silence sit between
 * the callback's blocks, and on `vfile_in` blocks the callback could not take
 * in time are dropped (the next block it gets says `inputOverflow`). The
 * checks allow exactly that: every block the callback wrote appears intact,
 * in order, block-aligned; every block it read before the first overflow is
 * the file's content from sample 0.
 */
import { clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { CallbackFlags, CallbackStop, type DType, RawInputStream, RawOutputStream } from '../src/index.js';
import { ALL_DTYPES, BYTES, firstSoundFrame, isSilentFrame, makeSignal, silenceByte, testbed, within } from './helpers.js';

const CASES = ALL_DTYPES.flatMap((dtype) => [1, 2].map((channels) => [dtype, channels] as [DType, number]));
const RATE = 44100;
const BLOCK = 256;

function isSilentBlock(bytes: Uint8Array, frameBytes: number, silence: number): boolean {
  const frames = bytes.byteLength / frameBytes;
  for (let f = 0; f < frames; f++) if (!isSilentFrame(bytes, f, frameBytes, silence)) return false;
  return true;
}

describe.each(CASES)('%s, %i channel(s)', (dtype, channels) => {
  const frameBytes = BYTES[dtype] * channels;
  const silence = silenceByte(dtype);

  it('output: every block the callback wrote reaches vfile_out intact, in order', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const frames = 20 * BLOCK + BLOCK / 2; // the last block is half signal, half silence
    const signal = makeSignal(dtype, channels, frames, 21);
    let position = 0;
    let calls = 0;
    let underflows = 0;
    let finishedCalls = 0;
    const s = new RawOutputStream({
      device: 'vfile_out',
      dtype,
      channels,
      sampleRate: RATE,
      blockSize: BLOCK,
      callback: (outdata, n, _time, status) => {
        calls++;
        expect(status).toBeInstanceOf(CallbackFlags);
        if (status.outputUnderflow) underflows++;
        expect(n).toBe(BLOCK);
        expect(outdata.byteLength).toBe(BLOCK * frameBytes);
        // outdata comes pre-filled with silence.
        expect(isSilentBlock(outdata, frameBytes, silence)).toBe(true);
        const chunk = signal.subarray(position * frameBytes, (position + n) * frameBytes);
        outdata.set(chunk);
        position += n;
        if (position >= frames) throw new CallbackStop();
      },
      finishedCallback: () => finishedCalls++,
    });
    try {
      s.start();
      await within(s.finished, 5000, 'finished');
      expect(s.active).toBe(false);
    } finally {
      await s.close();
    }
    expect(calls).toBe(21);
    expect(finishedCalls).toBe(1);

    const file = Buffer.from(await readOutFile(tb));
    expect(file.byteLength % frameBytes).toBe(0);
    const first = firstSoundFrame(file, frameBytes, silence);
    expect(first).toBeGreaterThanOrEqual(0);
    // From the first sound on, blocks of BLOCK frames: silence or the next signal block.
    const expected = Buffer.concat([signal, Buffer.alloc((BLOCK / 2) * frameBytes, silence)]);
    let next = 0;
    let gaps = 0;
    for (let at = first * frameBytes; at < file.byteLength; at += BLOCK * frameBytes) {
      const block = file.subarray(at, at + BLOCK * frameBytes);
      if (next < 21 && block.equals(expected.subarray(next * BLOCK * frameBytes, (next + 1) * BLOCK * frameBytes))) {
        next++;
      } else {
        expect(isSilentBlock(block, frameBytes, silence), `block at byte ${at} is neither signal nor silence`).toBe(true);
        if (next < 21) gaps++;
      }
    }
    expect(next).toBe(21);
    // Silence between the callback's blocks is an underflow the callback was told about.
    if (gaps > 0) expect(underflows).toBeGreaterThan(0);
  });

  it('input: blocks are vfile_in from sample 0 until the first reported overflow', async () => {
    const tb = testbed();
    const signal = makeSignal(dtype, channels, 40 * BLOCK, 22);
    await writeInFile(tb, signal);
    const blocks: { data: Buffer; overflow: boolean }[] = [];
    const s = new RawInputStream({
      device: 'vfile_in',
      dtype,
      channels,
      sampleRate: RATE,
      blockSize: BLOCK,
      callback: (indata, n, _time, status) => {
        expect(n).toBe(BLOCK);
        blocks.push({ data: Buffer.from(indata), overflow: status.inputOverflow });
        if (blocks.length === 24) throw new CallbackStop();
      },
    });
    try {
      s.start();
      await within(s.finished, 5000, 'finished');
    } finally {
      await s.close();
    }
    expect(blocks).toHaveLength(24);
    const firstOverflow = blocks.findIndex((b) => b.overflow);
    const contiguous = firstOverflow < 0 ? blocks.length : firstOverflow;
    expect(contiguous).toBeGreaterThanOrEqual(8);
    const got = Buffer.concat(blocks.slice(0, contiguous).map((b) => b.data));
    expect(got.equals(signal.subarray(0, contiguous * BLOCK * frameBytes))).toBe(true);
    // Blocks after a loss are still whole blocks of the file, later in it.
    let last = contiguous - 1;
    for (const b of blocks.slice(contiguous)) {
      const at = signal.indexOf(b.data);
      if (at < 0) continue; // past the signal: the file's zero padding
      expect(at % (BLOCK * frameBytes)).toBe(0);
      expect(at / (BLOCK * frameBytes)).toBeGreaterThan(last);
      last = at / (BLOCK * frameBytes);
    }
  });
});

// With blockSize 0 PortAudio picks the block size; at a latency of 1 s on the
// file PCMs it is about 11025 frames, far above the 1024 frames the callback's
// buffers start with, so the native exchange reports each larger block before
// taking it and the buffers grow (the path a fixed block size never takes).
describe('blockSize 0: blocks larger than the buffers the callback started with', () => {
  const dtype: DType = 'int16';
  const channels = 2;
  const frameBytes = BYTES[dtype] * channels;
  const options = { dtype, channels, sampleRate: RATE, blockSize: 0, latency: 1 } as const;

  it('input: vfile_in arrives whole, from sample 0, in blocks above 1024 frames', async () => {
    const tb = testbed();
    const frames = 4 * 11025;
    const signal = makeSignal(dtype, channels, frames, 31);
    await writeInFile(tb, signal);
    const got: Buffer[] = [];
    const sizes = new Set<number>();
    let total = 0;
    const s = new RawInputStream({
      device: 'vfile_in',
      ...options,
      callback: (indata, n, _time, status) => {
        expect(status.inputOverflow).toBe(false);
        sizes.add(n);
        got.push(Buffer.from(indata));
        total += n;
        if (total >= frames / 2) throw new CallbackStop();
      },
    });
    try {
      s.start();
      await within(s.finished, 10000, 'finished');
    } finally {
      await s.close();
    }
    expect(Math.max(...sizes)).toBeGreaterThan(1024);
    const all = Buffer.concat(got);
    expect(all.equals(signal.subarray(0, all.byteLength))).toBe(true);
  });

  it('output: the callback\'s blocks reach vfile_out back to back', async () => {
    const tb = testbed();
    await clearOutFile(tb);
    const frames = 3 * 11025;
    const signal = makeSignal(dtype, channels, frames, 32);
    const sizes = new Set<number>();
    let position = 0;
    const s = new RawOutputStream({
      device: 'vfile_out',
      ...options,
      callback: (outdata, n) => {
        sizes.add(n);
        const chunk = signal.subarray(position * frameBytes, Math.min(frames, position + n) * frameBytes);
        outdata.set(chunk);
        position += n;
        if (position >= frames) throw new CallbackStop();
      },
    });
    try {
      s.start();
      await within(s.finished, 10000, 'finished');
    } finally {
      await s.close();
    }
    expect(Math.max(...sizes)).toBeGreaterThan(1024);
    const file = Buffer.from(await readOutFile(tb));
    const first = firstSoundFrame(file, frameBytes, 0);
    expect(first).toBeGreaterThanOrEqual(0);
    const played = file.subarray(first * frameBytes, (first + frames) * frameBytes);
    expect(played.equals(signal)).toBe(true);
  });
});
