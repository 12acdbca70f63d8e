/**
 * Deterministic test signals, written by the TypeScript side and read by
 * both sides, in every sample format. No sample is silence, so a signal's
 * first and last frames can be found in what a device captured.
 */
import { DTYPES, type ArrayDType, sampleSize } from '@sounddevice/raw';

/** Every sample format of the two libraries (float64 only where arrays are converted). */
export type AnyDType = ArrayDType;

/** Bytes per sample of each format (the library's own table, plus float64). */
export const BYTES: Readonly<Record<AnyDType, number>> = Object.freeze(
  Object.fromEntries([...DTYPES.map((d) => [d, sampleSize(d)]), ['float64', 8]]) as Record<AnyDType, number>,
);

/** The byte silence is made of (uint8 is offset binary). */
export function silenceByte(dtype: AnyDType): number {
  return dtype === 'uint8' ? 0x80 : 0;
}

/** mulberry32, a small deterministic PRNG of 32-bit values. */
function _prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function _writeSample(out: Buffer, at: number, dtype: AnyDType, r: number): void {
  // Floats: ±k/2^23 with 0 < k < 2^23, exact in float32 (so float64 → float32 is exact), never ±0.
  const magnitude = ((r & 0x7fffff) | 1) / 0x800000;
  const float = r & 0x80000000 ? -magnitude : magnitude;
  if (dtype === 'float32') out.writeFloatLE(float, at);
  else if (dtype === 'float64') out.writeDoubleLE(float, at);
  else {
    const size = BYTES[dtype];
    const silence = silenceByte(dtype);
    for (let b = 0; b < size; b++) out[at + b] = (r >>> (8 * b)) & 0xff;
    if (out.subarray(at, at + size).every((x) => x === silence)) out[at] = silence ^ 1;
  }
}

/** `frames` frames of `channels` pseudo-random samples in `dtype`, interleaved, little-endian. */
export function makeSignal(dtype: AnyDType, channels: number, frames: number, seed = 1): Buffer {
  const next = _prng(seed);
  const size = BYTES[dtype];
  const out = Buffer.alloc(frames * channels * size);
  for (let i = 0; i < frames * channels; i++) _writeSample(out, i * size, dtype, next());
  return out;
}

/** `lead` frames of silence, then `frames` of signal (float32). */
export function withLeadIn(channels: number, lead: number, frames: number, seed = 1): Buffer {
  return Buffer.concat([Buffer.alloc(lead * channels * 4), makeSignal('float32', channels, frames, seed)]);
}

/** A typed array over a copy of `bytes` (for ndarrays). */
export function typed(dtype: Exclude<AnyDType, 'int24'>, bytes: Uint8Array): Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array {
  const copy = bytes.slice().buffer;
  switch (dtype) {
    case 'float64':
      return new Float64Array(copy);
    case 'float32':
      return new Float32Array(copy);
    case 'int32':
      return new Int32Array(copy);
    case 'int16':
      return new Int16Array(copy);
    case 'int8':
      return new Int8Array(copy);
    case 'uint8':
      return new Uint8Array(copy);
  }
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
