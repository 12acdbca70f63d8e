// The latency probe run as a `processor` (see lib/probe.mjs).
import { probeBlock } from './lib/probe.mjs';

let block;

export function init(data) {
  block = probeBlock(new Float64Array(data.state));
}

export default function process(input, output, frames) {
  block(input, output, frames);
}
