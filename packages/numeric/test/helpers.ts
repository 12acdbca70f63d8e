// Shared helpers of the tests: the testbed's files, test signals per dtype,
// and finding a played signal in what vfile_out captured.
import { inject } from 'vitest';
import { clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import type { SampleArray, SampleDType } from '../src/index.js';

export const testbed = inject('sounddeviceTestbed' as never) as { outFile: string; inFile: string };

export const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

/** Stream formats with typed arrays. */
export const STREAM_DTYPES = ['float32', 'int32', 'int16', 'int8', 'uint8'] as const;

/** Silence of a format (uint8 is offset binary). */
export const silenceOf = (dtype: SampleDType): number => (dtype === 'uint8' ? 128 : 0);

/**
 * A deterministic signal of `frames * channels` samples in `dtype`, never
 * silent (so its start can be found after PortAudio's priming silence), and
 * different in every channel.
 */
export function signal(dtype: SampleDType, frames: number, channels = 1, seed = 1): SampleArray {
  const out = new CTORS[dtype](frames * channels);
  for (let k = 0; k < out.length; k++) {
    const r = ((k + seed) * 7919 + seed * 104729) % 251; // 0..250
    const v = r - 125 === 0 ? 1 : r - 125; // -125..125, never 0
    switch (dtype) {
      case 'float32':
      case 'float64':
        out[k] = v / 128;
        break;
      case 'int32':
        out[k] = v * 16777216 + (k % 7);
        break;
      case 'int16':
        out[k] = v * 256 + (k % 5);
        break;
      case 'int8':
        out[k] = v;
        break;
      case 'uint8':
        out[k] = v + 128 === 128 ? 129 : v + 128;
        break;
    }
  }
  return out;
}

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export async function clearOut(): Promise<void> {
  await clearOutFile(testbed);
}

/** What vfile_out captured, as samples of `dtype`, from the first non-silent frame on. */
export async function capturedFrom(dtype: SampleDType, channels: number): Promise<{ samples: SampleArray; lead: number }> {
  const bytes = await readOutFile(testbed);
  const size = CTORS[dtype].BYTES_PER_ELEMENT;
  const all = new CTORS[dtype](bytes.slice().buffer, 0, Math.floor(bytes.byteLength / size));
  const silence = silenceOf(dtype);
  let first = all.findIndex((v) => v !== silence);
  if (first < 0) first = all.length;
  const frame = first - (first % channels);
  return { samples: all.subarray(frame), lead: frame / channels };
}

/** Writes samples as what vfile_in will record (padded with zeros). */
export async function setInFile(samples: ArrayBufferView): Promise<void> {
  await writeInFile(testbed, bytesOf(samples));
}

/** Interleaves per-channel arrays. */
export function interleave(channels: ArrayLike<number>[], Ctor: new (n: number) => SampleArray): SampleArray {
  const frames = channels[0]!.length;
  const out = new Ctor(frames * channels.length);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels.length; c++) out[i * channels.length + c] = channels[c]![i]!;
  return out;
}

/** Channel c of interleaved samples. */
export function channel(samples: ArrayLike<number>, channels: number, c: number, frames?: number): number[] {
  const n = frames ?? Math.floor(samples.length / channels);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(samples[i * channels + c]!);
  return out;
}
