/** The test tone's samples. */
import type { DType } from '@sounddevice/raw';

/** What {@link sineSamples} computes. */
export interface SineSpec {
  /** Hz. */
  frequency: number;
  /** Peak level, 0…1 of full scale. */
  amplitude: number;
  /** Hz. */
  sampleRate: number;
  /** Number of frames. */
  frames: number;
  /** Sample format of the bytes. */
  dtype: DType;
}

/** Full-scale factor of each integer format (`amplitude` 1 reaches it). */
export const INT_SCALE: Readonly<Record<Exclude<DType, 'float32'>, number>> = {
  int32: 2147483647,
  int24: 8388607,
  int16: 32767,
  int8: 127,
  uint8: 127,
};

/**
 * One channel of a sine, as raw little-endian bytes of `dtype`. Frame `i` is
 *
 * ```text
 * x = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate)
 * float32: Math.fround(x)
 * int32 / int24 / int16 / int8: Math.round(x * S), S = 2147483647 / 8388607 / 32767 / 127
 * uint8: Math.round(x * 127) + 128
 * ```
 *
 * (int24 is 3 bytes per sample). Starts at phase 0, no fade in or out.
 *
 * @param spec - Frequency, amplitude, rate, length and format.
 * @returns `frames` samples, `frames * sampleSize(dtype)` bytes.
 */
export function sineSamples(spec: SineSpec): Buffer {
  const { frequency, amplitude, sampleRate, frames, dtype } = spec;
  const size = dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'int24' ? 3 : dtype === 'int16' ? 2 : 1;
  const out = Buffer.alloc(frames * size);
  for (let i = 0; i < frames; i++) {
    const x = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    const at = i * size;
    switch (dtype) {
      case 'float32':
        out.writeFloatLE(x, at);
        break;
      case 'int32':
        out.writeInt32LE(Math.round(x * INT_SCALE.int32), at);
        break;
      case 'int24':
        out.writeIntLE(Math.round(x * INT_SCALE.int24), at, 3);
        break;
      case 'int16':
        out.writeInt16LE(Math.round(x * INT_SCALE.int16), at);
        break;
      case 'int8':
        out.writeInt8(Math.round(x * INT_SCALE.int8), at);
        break;
      case 'uint8':
        out.writeUInt8(Math.round(x * INT_SCALE.uint8) + 128, at);
        break;
    }
  }
  return out;
}
