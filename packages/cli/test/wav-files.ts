/**
 * WAV files for the tests, written and parsed here independently of the
 * implementation (src/audio/wav.ts), so a bug there cannot hide itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sample formats of the test files. */
export type TestFormat = 'int16' | 'int24' | 'int32' | 'float32';

const SIZE: Record<TestFormat, number> = { int16: 2, int24: 3, int32: 4, float32: 4 };

/** A canonical 44-byte-header WAV file (format 1 PCM, or 3 IEEE float) around `data`. */
export function wavFile(channels: number, rate: number, format: TestFormat, data: Uint8Array): Buffer {
  const size = SIZE[format];
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(format === 'float32' ? 3 : 1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * size, 28);
  h.writeUInt16LE(channels * size, 32);
  h.writeUInt16LE(size * 8, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** What {@link parseWav} found. */
export interface ParsedWav {
  tag: number;
  channels: number;
  rate: number;
  bits: number;
  data: Buffer;
}

/**
 * Parses a WAV file and checks it is well formed: RIFF size = file size - 8,
 * the `data` chunk's size is exactly what follows it (plus a pad byte for an
 * odd size), and the header fields agree with each other.
 */
export function parseWav(file: Buffer): ParsedWav {
  if (file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not RIFF/WAVE');
  if (file.readUInt32LE(4) !== file.length - 8) throw new Error(`RIFF size ${file.readUInt32LE(4)} != file size - 8 (${file.length - 8})`);
  let at = 12;
  let fmt: Omit<ParsedWav, 'data'> | undefined;
  while (at + 8 <= file.length) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = { tag: file.readUInt16LE(at + 8), channels: file.readUInt16LE(at + 10), rate: file.readUInt32LE(at + 12), bits: file.readUInt16LE(at + 22) };
      const blockAlign = file.readUInt16LE(at + 20);
      if (blockAlign !== (fmt.channels * fmt.bits) / 8) throw new Error('block align disagrees with channels × bits');
      if (file.readUInt32LE(at + 16) !== fmt.rate * blockAlign) throw new Error('byte rate disagrees');
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      const end = at + 8 + size + (size % 2);
      if (end !== file.length) throw new Error(`data chunk of ${size} bytes does not end the file (${file.length - at - 8} bytes follow)`);
      return { ...fmt, data: file.subarray(at + 8, at + 8 + size) };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sd-cli-test-'));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Interleaved int16 test samples that are never 0 (so PortAudio's silence
 * is easy to tell apart): channel c, frame i is a sine of 300·(c+1) Hz,
 * amplitude 12000, with the lowest bit set.
 */
export function int16Signal(frames: number, channels: number, rate: number): Int16Array {
  const out = new Int16Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = Math.round(12000 * Math.sin((2 * Math.PI * 300 * (c + 1) * i) / rate)) | 1;
  }
  return out;
}

/** The samples of `got` after its leading zeros, cut to `length` (the played signal). */
export function afterSilence<T extends { findIndex(p: (v: number) => boolean): number; subarray(a: number, b?: number): T; length: number }>(
  got: T,
  length: number,
): T {
  const first = got.findIndex((v) => v !== 0);
  if (first < 0) throw new Error('only silence');
  return got.subarray(first, first + length);
}

/** Bytes of a typed array. */
export const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
