/** Test signals, WAV files and what the testbed's devices captured. */
import { open, writeFile } from 'node:fs/promises';
import wavefile from 'wavefile';

const { WaveFile } = wavefile;

/**
 * A deterministic signal of `frames × channels` interleaved samples, never
 * zero (so that it can be told from silence), different in every channel.
 */
export function signal(kind: 'int16', frames: number, channels: number, seed?: number): Int16Array;
export function signal(kind: 'float32', frames: number, channels: number, seed?: number): Float32Array;
export function signal(kind: 'int16' | 'float32', frames: number, channels: number, seed = 1): Int16Array | Float32Array {
  const out = kind === 'int16' ? new Int16Array(frames * channels) : new Float32Array(frames * channels);
  for (let k = 0; k < out.length; k++) {
    const r = (((k + seed) * 7919 + seed * 104729) % 251) - 125; // -125..125
    const v = r === 0 ? 1 : r;
    out[k] = kind === 'int16' ? v * 256 + (k % 5) : v / 128;
  }
  return out;
}

/** Writes a WAV file (`'16'`, `'32f'`, ...) with `wavefile`. */
export async function writeWav(path: string, samples: Int16Array | Float32Array, channels: number, sampleRate: number, bitDepth: string): Promise<void> {
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, bitDepth, samples);
  await writeFile(path, wav.toBuffer());
}

/** The frames of `bytes` that are not all silence (zero bytes), concatenated. */
export function soundFrames(bytes: Uint8Array, frameBytes: number): Buffer {
  const parts: Buffer[] = [];
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let runStart = -1;
  const frames = Math.floor(b.length / frameBytes);
  const silent = (f: number): boolean => {
    for (let i = f * frameBytes; i < (f + 1) * frameBytes; i++) if (b[i] !== 0) return false;
    return true;
  };
  for (let f = 0; f <= frames; f++) {
    const sound = f < frames && !silent(f);
    if (sound && runStart < 0) runStart = f;
    if (!sound && runStart >= 0) {
      parts.push(b.subarray(runStart * frameBytes, f * frameBytes));
      runStart = -1;
    }
  }
  return Buffer.concat(parts);
}

/** The index of the first frame that is not all zero bytes, or -1. */
export function firstSoundFrame(bytes: Uint8Array, frameBytes: number): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return Math.floor(i / frameBytes);
  return -1;
}

/** The bytes of a typed array. */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Writes a long WAV without holding it in memory: `wavefile`'s header for
 * the format, then `seconds` copies of `second` (one second of interleaved
 * samples).
 */
export async function writeLongWav(
  path: string,
  second: Float32Array,
  channels: number,
  sampleRate: number,
  seconds: number,
): Promise<number> {
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, '32f', new Float32Array(0));
  const header = Buffer.from(wav.toBuffer());
  const dataBytes = second.byteLength * seconds;
  header.writeUInt32LE(header.length - 8 + dataBytes, 4);
  header.writeUInt32LE(dataBytes, header.length - 4);
  const file = await open(path, 'w');
  try {
    await file.write(header);
    for (let s = 0; s < seconds; s++) await file.write(bytesOf(second));
  } finally {
    await file.close();
  }
  return header.length + dataBytes;
}

/** The number of leading samples that `a` and `b` have in common. */
export function commonPrefix(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
