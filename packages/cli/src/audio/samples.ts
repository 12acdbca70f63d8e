/** Sample formats as bytes: sizes, conversion to and from float, levels. */
import type { DType } from '@sounddevice/raw';

/** Bytes per sample of each stream dtype. */
export const SAMPLE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  int32: 4,
  int24: 3,
  int16: 2,
  int8: 1,
  uint8: 1,
};

/** Full scale of each integer format (the value that maps to 1.0). */
const _FULL: Readonly<Record<Exclude<DType, 'float32'>, number>> = {
  int32: 2147483648,
  int24: 8388608,
  int16: 32768,
  int8: 128,
  uint8: 128,
};

const _view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Little-endian samples of `dtype` as floats (integers divided by their full
 * scale: int16 -32768…32767 → -1…0.99997).
 *
 * @param bytes - Whole samples of `dtype`.
 * @param out - Optional destination with room for every sample.
 */
export function toFloat32(bytes: Uint8Array, dtype: DType, out?: Float32Array): Float32Array {
  const size = SAMPLE_BYTES[dtype];
  const n = Math.floor(bytes.byteLength / size);
  const dst = out ?? new Float32Array(n);
  const v = _view(bytes);
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) dst[i] = v.getFloat32(4 * i, true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) dst[i] = v.getInt32(4 * i, true) / 2147483648;
      break;
    case 'int24':
      for (let i = 0; i < n; i++) {
        const x = bytes[3 * i]! | (bytes[3 * i + 1]! << 8) | (bytes[3 * i + 2]! << 16);
        dst[i] = ((x << 8) >> 8) / 8388608;
      }
      break;
    case 'int16':
      for (let i = 0; i < n; i++) dst[i] = v.getInt16(2 * i, true) / 32768;
      break;
    case 'int8':
      for (let i = 0; i < n; i++) dst[i] = v.getInt8(i) / 128;
      break;
    case 'uint8':
      for (let i = 0; i < n; i++) dst[i] = (bytes[i]! - 128) / 128;
      break;
  }
  return dst;
}

/**
 * Floats to little-endian samples of `dtype`: integers are `round(x * S)`
 * with `S` the format's largest value (32767 for int16), clipped to the
 * format's range; float32 is stored as is.
 */
export function fromFloat32(samples: ArrayLike<number>, dtype: DType): Buffer {
  const size = SAMPLE_BYTES[dtype];
  const out = Buffer.alloc(samples.length * size);
  if (dtype === 'float32') {
    for (let i = 0; i < samples.length; i++) out.writeFloatLE(samples[i]!, 4 * i);
    return out;
  }
  const full = _FULL[dtype];
  const max = full - 1;
  for (let i = 0; i < samples.length; i++) {
    const x = Math.max(-full, Math.min(max, Math.round(samples[i]! * max)));
    switch (dtype) {
      case 'int32':
        out.writeInt32LE(x, 4 * i);
        break;
      case 'int24':
        out.writeIntLE(x, 3 * i, 3);
        break;
      case 'int16':
        out.writeInt16LE(x, 2 * i);
        break;
      case 'int8':
        out.writeInt8(x, i);
        break;
      case 'uint8':
        out.writeUInt8(x + 128, i);
        break;
    }
  }
  return out;
}

/**
 * Copies interleaved frames into frames of another channel layout:
 * destination channel `c` takes source channel `map[c]`, or silence for -1.
 *
 * @param src - Interleaved frames with `srcChannels` channels.
 * @param srcChannels - Channels per source frame.
 * @param map - One entry per destination channel.
 * @param sampleBytes - Bytes per sample.
 * @param silence - The byte of silence (0x80 for uint8, else 0).
 */
export function remapFrames(src: Uint8Array, srcChannels: number, map: readonly number[], sampleBytes: number, silence = 0): Buffer {
  const frames = Math.floor(src.byteLength / (srcChannels * sampleBytes));
  const dstFrame = map.length * sampleBytes;
  const srcFrame = srcChannels * sampleBytes;
  const out = Buffer.alloc(frames * dstFrame, silence);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < map.length; c++) {
      const m = map[c]!;
      if (m < 0) continue;
      const from = f * srcFrame + m * sampleBytes;
      out.set(src.subarray(from, from + sampleBytes), f * dstFrame + c * sampleBytes);
    }
  }
  return out;
}

/** Per-channel peak (largest magnitude) and sum of squares, accumulated over blocks. */
export class LevelMeter {
  readonly peak: Float64Array;
  readonly sumSquares: Float64Array;
  count = 0;

  constructor(readonly channels: number) {
    this.peak = new Float64Array(channels);
    this.sumSquares = new Float64Array(channels);
  }

  /** Adds interleaved float samples (whole frames). */
  add(samples: ArrayLike<number>): void {
    const ch = this.channels;
    const frames = Math.floor(samples.length / ch);
    for (let f = 0; f < frames; f++) {
      for (let c = 0; c < ch; c++) {
        const x = samples[f * ch + c]!;
        const a = Math.abs(x);
        if (a > this.peak[c]!) this.peak[c] = a;
        this.sumSquares[c]! += x * x;
      }
    }
    this.count += frames;
  }

  /** RMS of channel `c` over what was added (0 before anything). */
  rms(c: number): number {
    return this.count === 0 ? 0 : Math.sqrt(this.sumSquares[c]! / this.count);
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.peak.fill(0);
    this.sumSquares.fill(0);
    this.count = 0;
  }
}

/** A level (0…1 of full scale) in dBFS; -Infinity for silence. */
export function dbfs(level: number): number {
  return level > 0 ? 20 * Math.log10(level) : Number.NEGATIVE_INFINITY;
}
