// The latency probe's block function, shared by the main-thread callback and
// the processor worker: output silence plus one impulse at frame state[1] of
// the callback's own frame count; note the input frame where it comes back.
// state: Float64Array [framesSeen, emitAt, foundAt (-1 until found)].
const CHANNELS = 2;

export function probeBlock(state) {
  return (input, output, frames) => {
    const inp = new Float32Array(input.buffer, input.byteOffset, frames * CHANNELS);
    const out = new Float32Array(output.buffer, output.byteOffset, frames * CHANNELS);
    out.fill(0);
    const first = state[0];
    for (let k = 0; k < frames; k++) {
      const f = first + k;
      if (f === state[1]) out[k * CHANNELS] = 1;
      if (state[2] < 0 && f >= state[1] && inp[k * CHANNELS] > 0.5) state[2] = f;
    }
    state[0] = first + frames;
  };
}
