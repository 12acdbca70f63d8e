// Measures a recorded sine: least-squares fit at a known frequency (gain,
// phase, the rms of everything else), and the frequency itself from how the
// phase moves between the two halves of a recording.

/** Fit of `a·sin + b·cos` at `freq`. */
export interface SineFit {
  /** Amplitude of the fitted sine. */
  amplitude: number;
  /** Phase at the first sample (radians). */
  phase: number;
  /** RMS of what is not the sine (aliases, images, noise). */
  rest: number;
}

/** Fits a sine of frequency `freq` (Hz) to `x` sampled at `rate`. */
export function fitSine(x: ArrayLike<number>, freq: number, rate: number): SineFit {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  const w = (2 * Math.PI * freq) / rate;
  for (let i = 0; i < x.length; i++) {
    const s = Math.sin(w * i), c = Math.cos(w * i), y = x[i]!;
    ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let rest = 0;
  for (let i = 0; i < x.length; i++) {
    const e = x[i]! - a * Math.sin(w * i) - b * Math.cos(w * i);
    rest += e * e;
  }
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a), rest: Math.sqrt(rest / x.length) };
}

/**
 * The frequency of the sine in `x` (near `guess`), from the phase advance
 * between its two halves: precise to far below 0.01 % over a second.
 */
export function measureFrequency(x: ArrayLike<number>, guess: number, rate: number): number {
  const half = Math.floor(x.length / 2);
  const first = fitSine(Array.prototype.slice.call(x, 0, half) as number[], guess, rate);
  const second = fitSine(Array.prototype.slice.call(x, half, 2 * half) as number[], guess, rate);
  const expected = (2 * Math.PI * guess * half) / rate;
  let drift = second.phase - first.phase - expected;
  drift = ((drift % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI) - Math.PI;
  return guess + (drift * rate) / (2 * Math.PI * half);
}

/** Decibels of a ratio of amplitudes. */
export const dB = (ratio: number): number => 20 * Math.log10(ratio);

/** Interleaved float32 sine, the same on every channel, `cycles` whole cycles long (it loops cleanly). */
export function loopingSine(cycles: number, frames: number, amplitude: number, channels = 1): Float32Array {
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) out.fill(amplitude * Math.sin((2 * Math.PI * cycles * i) / frames), i * channels, (i + 1) * channels);
  return out;
}

/** One channel of interleaved data. */
export function channelOf(data: ArrayLike<number>, channels: number, c: number): Float64Array {
  const out = new Float64Array(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels + c]!;
  return out;
}
