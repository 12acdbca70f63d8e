/** Reading a loopback recording: the delay of the played signal and whether it came back exact. */

/** Index of the first frame with a non-zero sample of interleaved float32 bytes, or -1. */
export function firstSoundFrame(bytes: Uint8Array, channels: number): number {
  const samples = new Float32Array(bytes.slice().buffer);
  const first = samples.findIndex((v) => v !== 0);
  return first < 0 ? -1 : Math.floor(first / channels);
}

/** What came back: the delay in frames of `recorded` behind `played`, and whether it is exact. */
export interface Loop {
  delay: number;
  /** Every recorded frame from the delay on equals the played frame `delay` earlier, and nothing came before. */
  exact: boolean;
  /** Frames compared. */
  compared: number;
}

/**
 * Measures the delay from the first sound of `played` to the first sound of
 * `recorded` (both interleaved float32 of the same length) and checks that
 * the recording is the played data shifted by it, bit for bit.
 */
export function measureLoop(played: Uint8Array, recorded: Uint8Array, channels: number): Loop {
  const frameBytes = 4 * channels;
  const start = firstSoundFrame(played, channels);
  const heard = firstSoundFrame(recorded, channels);
  if (start < 0 || heard < 0) return { delay: -1, exact: false, compared: 0 };
  const delay = heard - start;
  if (delay < 0) return { delay, exact: false, compared: 0 };
  const n = recorded.byteLength - delay * frameBytes;
  const same = Buffer.compare(recorded.subarray(delay * frameBytes), played.subarray(0, n)) === 0;
  return { delay, exact: same, compared: n / frameBytes };
}
