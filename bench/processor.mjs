// The `processor` of cases 1 and 2: copy input to output and count, in the
// stream's worker. Counters live in a SharedArrayBuffer the main thread reads:
// [callbacks, output underflows, input overflows].
let counts;

export function init(data) {
  counts = new Int32Array(data.counts);
}

export default function process(input, output, frames, time, status) {
  output.set(input);
  Atomics.add(counts, 0, 1);
  if (status.outputUnderflow) Atomics.add(counts, 1, 1);
  if (status.inputOverflow) Atomics.add(counts, 2, 1);
}
