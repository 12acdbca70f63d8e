// Signals and their analysis, shared by the checks (run by node.exe under Wine).
// Wine's mixer converts format and rate, so content is checked by frequency
// and level per channel, never byte for byte.

/** Frequencies (Hz, left and right) each playing case uses, distinct so each is found in the output file. */
export const CASE_FREQS = {
  play: [440, 660],
  playrec: [520, 780],
  callback: [600, 900],
  blocking: [680, 1020],
  processor: [760, 1140],
};
/** Frequencies (Hz, left and right) of the testbed's input file (run.sh writes it). */
export const IN_FREQS = [1000, 1500];
export const OUT_AMP = 0.5;
export const IN_AMP = 0.25;
/** The ALSA side of Wine's devices (the plug's slave in the run's asound.conf). */
export const DEVICE_RATE = 48000;

/** `frames` frames of a stereo sine (OUT_FREQS, OUT_AMP), channel c as a Float64Array, starting at frame `from`. */
export function sineChannels(frames, rate, freqs, amp = OUT_AMP, from = 0) {
  return freqs.map((f) => Float64Array.from({ length: frames }, (_, i) => amp * Math.sin((2 * Math.PI * f * (i + from)) / rate)));
}

/** Interleaves per-channel float samples into `dtype` bytes. */
export function interleave(channels, dtype) {
  const n = channels[0].length;
  const k = channels.length;
  const Ctor = { float32: Float32Array, int16: Int16Array, int32: Int32Array }[dtype];
  const scale = { float32: 1, int16: 32767, int32: 2147483647 }[dtype];
  const out = new Ctor(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = dtype === 'float32' ? channels[c][i] : Math.round(channels[c][i] * scale);
  }
  return Buffer.from(out.buffer);
}

/** Splits interleaved `dtype` bytes into per-channel float arrays in [-1, 1]. */
export function deinterleave(bytes, dtype, k) {
  const Ctor = { float32: Float32Array, int16: Int16Array, int32: Int32Array, float64: Float64Array }[dtype];
  const scale = { float32: 1, float64: 1, int16: 32768, int32: 2147483648 }[dtype];
  const all = new Ctor(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / Ctor.BYTES_PER_ELEMENT));
  const n = Math.floor(all.length / k);
  return Array.from({ length: k }, (_, c) => Float64Array.from({ length: n }, (_, i) => all[i * k + c] / scale));
}

/**
 * Frequency (zero crossings), RMS level and length (seconds) of the part of
 * `x` between its first and last sample above 1 % of full scale.
 */
export function measure(x, rate) {
  let first = -1;
  let last = -1;
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]) > 0.01) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0 || last - first < 100) return { freq: 0, rms: 0, seconds: 0 };
  const seg = x.subarray(first, last + 1);
  let crossings = 0;
  let sum = 0;
  for (let i = 0; i < seg.length; i++) {
    sum += seg[i] * seg[i];
    if (i > 0 && seg[i - 1] < 0 !== seg[i] < 0) crossings++;
  }
  return { freq: crossings / 2 / (seg.length / rate), rms: Math.sqrt(sum / seg.length), seconds: seg.length / rate };
}

/**
 * Checks per-channel content: frequency within `tolerance` (2 %), RMS within
 * 5 % of a sine of amplitude `amp`, at least `minSeconds` long. Returns a list
 * of problems (empty: fine) and the measurements.
 */
export function checkContent(channels, rate, freqs, amp, minSeconds, tolerance = 0.02) {
  const problems = [];
  const measured = channels.map((x) => measure(x, rate));
  freqs.forEach((f, c) => {
    const m = measured[c];
    if (!m || Math.abs(m.freq - f) > tolerance * f) problems.push(`channel ${c}: ${m?.freq.toFixed(1)} Hz, expected ${f} Hz`);
    const rms = amp / Math.SQRT2;
    if (!m || Math.abs(m.rms - rms) > 0.05 * rms) problems.push(`channel ${c}: RMS ${m?.rms.toFixed(4)}, expected ${rms.toFixed(4)}`);
    if (!m || m.seconds < minSeconds) problems.push(`channel ${c}: ${m?.seconds.toFixed(3)} s of signal, expected >= ${minSeconds} s`);
  });
  return { ok: problems.length === 0, problems, measured: measured.map((m) => ({ freq: +m.freq.toFixed(1), rms: +m.rms.toFixed(4), seconds: +m.seconds.toFixed(3) })) };
}

/**
 * The stretches of sound in `x`: maximal runs without 5 ms of silence (below
 * 1 % of full scale), each with its frequency, RMS and length.
 */
export function regions(x, rate) {
  const gap = Math.round(rate * 0.005);
  const out = [];
  let start = -1;
  let lastLoud = -1;
  const close = () => {
    if (start >= 0 && lastLoud - start > rate * 0.02) out.push({ from: start / rate, ...measure(x.subarray(start, lastLoud + 1), rate) });
    start = -1;
  };
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]) > 0.01) {
      if (start < 0) start = i;
      lastLoud = i;
    } else if (start >= 0 && i - lastLoud > gap) close();
  }
  close();
  return out;
}

/**
 * Finds the tone pair `freqs` (left, right) at amplitude `amp` in stereo
 * `channels`: the stretches whose frequency is within 2 % and RMS within 5 %
 * must add up to `minSeconds` on both channels.
 */
export function findTone(channels, rate, freqs, amp, minSeconds) {
  const rms = amp / Math.SQRT2;
  const problems = [];
  const found = freqs.map((f, c) => {
    const match = regions(channels[c], rate).filter((r) => Math.abs(r.freq - f) <= 0.02 * f && Math.abs(r.rms - rms) <= 0.05 * rms);
    const seconds = match.reduce((s, r) => s + r.seconds, 0);
    if (seconds < minSeconds) problems.push(`channel ${c}: ${seconds.toFixed(3)} s of ${f} Hz at RMS ${rms.toFixed(3)}, expected >= ${minSeconds} s`);
    return { freq: f, seconds: +seconds.toFixed(3), stretches: match.length, rms: match.length ? +(match.reduce((s, r) => s + r.rms * r.seconds, 0) / seconds).toFixed(4) : 0 };
  });
  return { ok: problems.length === 0, problems, measured: found };
}
