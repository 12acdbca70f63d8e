// Processor module of bench/hotplug.mjs: plays silence, counts the blocks
// that report an output underflow ([0]) and the frames seen ([1]).
let control;

export function init(data) {
  control = new Int32Array(data.control);
}

export default function process(outdata, frames, _time, status) {
  outdata.fill(0);
  if (status.outputUnderflow) Atomics.add(control, 0, 1);
  Atomics.add(control, 1, frames);
}
