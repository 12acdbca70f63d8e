/** What a channel mapping makes of interleaved data (as play() and rec() apply it). */

/**
 * Output frames of `outChannels` channels where data channel `k` goes to
 * channel `mapping[k]` (1-based) and the other channels hold silence.
 */
export function mapOut(
  data: Uint8Array,
  dataChannels: number,
  mapping: readonly number[],
  outChannels: number,
  sampleBytes: number,
  silence: number,
): Buffer {
  const frames = data.byteLength / (dataChannels * sampleBytes);
  const out = Buffer.alloc(frames * outChannels * sampleBytes, silence);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < dataChannels; k++) {
      const from = (f * dataChannels + k) * sampleBytes;
      const to = (f * outChannels + mapping[k]! - 1) * sampleBytes;
      out.set(data.subarray(from, from + sampleBytes), to);
    }
  }
  return out;
}

/** The recorded columns: column `k` is device channel `mapping[k]` (1-based) of `deviceChannels`. */
export function mapIn(
  data: Uint8Array,
  deviceChannels: number,
  mapping: readonly number[],
  sampleBytes: number,
): Buffer {
  const frames = data.byteLength / (deviceChannels * sampleBytes);
  const out = Buffer.alloc(frames * mapping.length * sampleBytes);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < mapping.length; k++) {
      const from = (f * deviceChannels + mapping[k]! - 1) * sampleBytes;
      out.set(data.subarray(from, from + sampleBytes), (f * mapping.length + k) * sampleBytes);
    }
  }
  return out;
}

/** float64 samples as float32 (exact for the test signals). */
export function toFloat32(float64: Uint8Array): Buffer {
  const src = new Float64Array(float64.slice().buffer);
  return Buffer.from(Float32Array.from(src).buffer);
}

/** float32 samples as float64. */
export function toFloat64(float32: Uint8Array): Buffer {
  const src = new Float32Array(float32.slice().buffer);
  return Buffer.from(Float64Array.from(src).buffer);
}
