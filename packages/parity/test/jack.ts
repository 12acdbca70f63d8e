/**
 * JACK loopback for either side: the ports of a stream opened since a
 * snapshot (ours, or the Python child's PortAudio client, whatever its
 * name) are connected output k → input k.
 */
import { jackConnect, jackPorts } from '@sounddevice/testbed';
import { testbed } from './context.js';

/** The JACK ports that exist now (take this before the stream opens). */
export async function portsNow(): Promise<Set<string>> {
  return new Set(await jackPorts());
}

function _byNumber(ports: string[], kind: 'in' | 'out'): string[] {
  const number = (p: string): number => Number(p.slice(p.lastIndexOf('_') + 1));
  const pattern = new RegExp(`^PortAudio[^:]*:${kind}_\\d+$`);
  return ports.filter((p) => pattern.test(p)).sort((a, b) => number(a) - number(b));
}

/** Connects the k-th new PortAudio output to the k-th new input, for `channels` channels. */
export async function loopNewPorts(before: Set<string>, channels: number): Promise<void> {
  const fresh = (await jackPorts()).filter((p) => !before.has(p));
  const outs = _byNumber(fresh, 'out');
  const ins = _byNumber(fresh, 'in');
  if (outs.length !== channels || ins.length !== channels) {
    throw new Error(`expected ${channels} new PortAudio inputs and outputs, got ${fresh.join(', ') || 'none'}`);
  }
  await Promise.all(outs.map((out, k) => jackConnect(out, ins[k]!)));
}

/** The JACK server's rate and period (the testbed's). */
export function jackClock(): { rate: number; period: number } {
  const { rate, period, running } = testbed().jack;
  if (!running) throw new Error('the testbed has no JACK server (SOUNDDEVICE_TESTBED_JACK=0?)');
  return { rate, period };
}
