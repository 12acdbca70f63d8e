/**
 * JACK helpers: find the ports of a stream that was just opened (in this
 * process or in an example's process) and connect them. PortAudio's JACK
 * client may be named `PortAudio-NN` and numbers its ports on across the
 * streams of one process, so streams are told apart by which ports are new.
 */
import { jackConnect, jackPorts } from '@sounddevice/testbed';

/**
 * `jack_lsp`, tried again if it fails: while other clients open and close
 * (more so on a busy machine) it sometimes cannot connect at once.
 */
async function _ports(): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await jackPorts();
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** The JACK ports that exist now. */
export const portsNow = async (): Promise<Set<string>> => new Set(await _ports());

function _byNumber(ports: Iterable<string>, kind: 'in' | 'out'): string[] {
  const number = (p: string): number => Number(p.slice(p.lastIndexOf('_') + 1));
  const pattern = new RegExp(`^PortAudio[^:]*:${kind}_\\d+$`);
  return [...ports].filter((p) => pattern.test(p)).sort((a, b) => number(a) - number(b));
}

/** A stream's PortAudio ports. */
export interface StreamPorts {
  ins: string[];
  outs: string[];
}

/**
 * Waits until ports that did not exist `before` appear (`ins` input and
 * `outs` output ports of PortAudio), and returns them in channel order.
 */
export async function newPorts(before: Set<string>, { ins = 0, outs = 0 }, timeoutMs = 15_000): Promise<StreamPorts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await _ports()).filter((p) => !before.has(p));
    const found = { ins: _byNumber(fresh, 'in'), outs: _byNumber(fresh, 'out') };
    if (found.ins.length >= ins && found.outs.length >= outs) return found;
    if (Date.now() > deadline) throw new Error(`no new PortAudio ports (${ins} in, ${outs} out) among ${fresh.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Connects `from[k]` to `to[k]` for each channel k. */
export async function connectAll(from: string[], to: string[], channels: number): Promise<void> {
  await Promise.all(Array.from({ length: channels }, (_, c) => jackConnect(from[c]!, to[c]!)));
}
