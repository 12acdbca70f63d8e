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

/** Bytes per sample of each format. */
const _SIZE: Readonly<Record<DType, number>> = { float32: 4, int32: 4, int24: 3, int16: 2, int8: 1, uint8: 1 };

/**
 * Writes frames `first … first + frames - 1` of the sine into `out` as raw
 * little-endian bytes of `dtype`, the same sample on each of `channels`
 * interleaved channels. Frame `i` is
 *
 * ```text
 * x = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate)
 * float32: Math.fround(x)
 * int32 / int24 / int16 / int8: Math.round(x * S), S = 2147483647 / 8388607 / 32767 / 127
 * uint8: Math.round(x * 127) + 128
 * ```
 *
 * (int24 is 3 bytes per sample): the value depends only on `i`, so a tone
 * written block by block equals one computed whole. Starts at phase 0, no
 * fade in or out.
 *
 * @param out - At least `frames * channels * sampleSize(dtype)` bytes.
 * @param spec - Frequency, amplitude, rate and format (`spec.frames` is not used).
 * @param first - Index of the first frame.
 * @param frames - How many frames to write.
 * @param channels - Interleaved channels per frame (default 1).
 */
export function writeSine(out: Buffer, spec: Omit<SineSpec, 'frames'>, first: number, frames: number, channels = 1): void {
  const { frequency, amplitude, sampleRate, dtype } = spec;
  const size = _SIZE[dtype];
  for (let f = 0; f < frames; f++) {
    const i = first + f;
    const x = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    const at0 = f * channels * size;
    for (let c = 0; c < channels; c++) {
      const at = at0 + c * size;
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
  }
}

/**
 * One channel of a sine, as raw little-endian bytes of `dtype`: frames
 * `0 … spec.frames - 1` of {@link writeSine}.
 *
 * @param spec - Frequency, amplitude, rate, length and format.
 * @returns `frames` samples, `frames * sampleSize(dtype)` bytes.
 */
export function sineSamples(spec: SineSpec): Buffer {
  const out = Buffer.alloc(spec.frames * _SIZE[spec.dtype]);
  writeSine(out, spec, 0, spec.frames);
  return out;
}
