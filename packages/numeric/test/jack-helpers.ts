// JACK helpers of the tests: find a newly opened stream's ports and loop its
// outputs back to inputs.
import { jackConnect, jackPorts } from '@sounddevice/testbed';
import { expect } from 'vitest';

/** The JACK ports that exist now. */
export const portsNow = async (): Promise<Set<string>> => new Set(await jackPorts());

function _byNumber(ports: string[], kind: 'in' | 'out'): string[] {
  const number = (p: string): number => Number(p.slice(p.lastIndexOf('_') + 1));
  const pattern = new RegExp(`^PortAudio[^:]*:${kind}_\\d+$`);
  return ports.filter((p) => pattern.test(p)).sort((a, b) => number(a) - number(b));
}

/**
 * Connects the outputs of streams opened since `before` to their inputs,
 * k-th new output to k-th new input. PortAudio's JACK client may be named
 * `PortAudio-NN` and numbers ports across streams, hence the comparison
 * with the ports that existed `before`.
 */
export async function loopback(before: Set<string>, channels: number): Promise<void> {
  const fresh = (await jackPorts()).filter((p) => !before.has(p));
  const outs = _byNumber(fresh, 'out');
  const ins = _byNumber(fresh, 'in');
  expect(outs.length, `new output ports in ${fresh.join(', ')}`).toBeGreaterThanOrEqual(channels);
  expect(ins.length, `new input ports in ${fresh.join(', ')}`).toBeGreaterThanOrEqual(channels);
  await Promise.all(Array.from({ length: channels }, (_, c) => jackConnect(outs[c]!, ins[c]!)));
}
