// Case 8: the known signal of the exactness case and its checks (the Python
// side has the same in py_case.py). Stereo float32; frame k holds
// ((k + 1) * 2^-22, -(k + 1) * 2^-22): never zero (so leading silence is
// recognizable), exact in float32 up to 2^24 frames (5.8 minutes at 48 kHz),
// and unique per frame (so an offset can be located).
export const EXACT_CHANNELS = 2;
export const EXACT_FRAME_BYTES = EXACT_CHANNELS * 4;
const SCALE = 2 ** -22;

/** The signal's first `frames` frames as a Buffer of interleaved float32. */
export function exactSignal(frames) {
  if (frames >= 2 ** 24) throw new RangeError('the exactness signal is unique for up to 2^24 frames');
  const samples = new Float32Array(frames * EXACT_CHANNELS);
  for (let k = 0; k < frames; k++) {
    samples[2 * k] = (k + 1) * SCALE;
    samples[2 * k + 1] = -(k + 1) * SCALE;
  }
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** The frame index a sample pair of the signal belongs to (or -1). */
function frameOf(bytes, at) {
  if (at + EXACT_FRAME_BYTES > bytes.length) return -1;
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, EXACT_FRAME_BYTES).getFloat32(0, true);
  const k = Math.round(v / SCALE) - 1;
  return k >= 0 && v === (k + 1) * SCALE ? k : -1;
}

function firstMismatchFrame(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return Math.floor(i / EXACT_FRAME_BYTES);
  return a.length === b.length ? -1 : Math.floor(n / EXACT_FRAME_BYTES);
}

function allZero(bytes) {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * What `vfile_out` received for `data`: leading silence (whole zero frames),
 * then the data byte for byte, then nothing but zeros (PortAudio's last
 * partial period, if any).
 */
export function checkExactOutput(file, data) {
  let first = 0;
  while (first < file.length && file[first] === 0) first++;
  const lead = Math.floor(first / EXACT_FRAME_BYTES);
  const start = lead * EXACT_FRAME_BYTES;
  const body = file.subarray(start, start + data.length);
  const rest = file.subarray(start + data.length);
  const same = body.length === data.length && Buffer.compare(body, data) === 0;
  const tailZero = allZero(rest);
  return {
    exact: same && tailZero,
    fileFrames: Math.floor(file.length / EXACT_FRAME_BYTES),
    dataFrames: data.length / EXACT_FRAME_BYTES,
    leadingSilenceFrames: lead,
    trailingFrames: Math.floor(rest.length / EXACT_FRAME_BYTES),
    trailingZero: tailZero,
    firstFrame: frameOf(file, start),
    mismatchAtFrame: same ? -1 : firstMismatchFrame(body, data),
  };
}

/** Whether the frames read equal the infile's first frames (or where they start instead). */
export function checkExactInput(read, frames) {
  const expected = exactSignal(frames);
  const same = read.length === expected.length && Buffer.compare(read, expected) === 0;
  const firstFrame = frameOf(read, 0);
  let shiftedExact;
  if (!same && firstFrame > 0 && firstFrame + frames <= 2 ** 24 - 1) {
    const shifted = exactSignal(firstFrame + frames).subarray(firstFrame * EXACT_FRAME_BYTES);
    shiftedExact = Buffer.compare(read, shifted) === 0;
  }
  return {
    exact: same,
    frames: read.length / EXACT_FRAME_BYTES,
    firstFrame,
    mismatchAtFrame: same ? -1 : firstMismatchFrame(read, expected),
    shiftedExact,
  };
}
