/**
 * JACK helpers for tests of commands that listen: a feed that plays a known
 * signal on the testbed's JACK server from this test process (an output or
 * full-duplex buffer stream on `system`), connected by `jack_connect` to the
 * ports of the command under test, found by the ports its stream created.
 */
import { RawBufferStream } from '@sounddevice/raw';
import { jackConnect, jackPorts } from '@sounddevice/testbed';

/** The ports of one JACK client that a stream created. */
export interface StreamPorts {
  client: string;
  /** `client:in_N` ports in channel order. */
  ins: string[];
  /** `client:out_N` ports in channel order. */
  outs: string[];
}

const _byNumber = (a: string, b: string): number => Number(a.split('_').at(-1)) - Number(b.split('_').at(-1));

/**
 * Waits until ports appear that were not in `before` (PortAudio creates a
 * stream's ports when it opens; their numbers count on across the streams of
 * one process), `ins` inputs and `outs` outputs of one client.
 */
export async function waitForPorts(before: readonly string[], want: { ins?: number; outs?: number }, timeoutMs = 15_000): Promise<StreamPorts> {
  const old = new Set(before);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const fresh = (await jackPorts()).filter((p) => !old.has(p));
    const clients = new Map<string, StreamPorts>();
    for (const p of fresh) {
      const m = /^(.*):(in|out)_\d+$/.exec(p);
      if (!m) continue;
      const entry = clients.get(m[1]!) ?? { client: m[1]!, ins: [], outs: [] };
      (m[2] === 'in' ? entry.ins : entry.outs).push(p);
      clients.set(m[1]!, entry);
    }
    for (const e of clients.values()) {
      if (e.ins.length >= (want.ins ?? 0) && e.outs.length >= (want.outs ?? 0)) return { ...e, ins: e.ins.sort(_byNumber), outs: e.outs.sort(_byNumber) };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no JACK client with ${want.ins ?? 0} new inputs and ${want.outs ?? 0} new outputs appeared within ${timeoutMs} ms`);
}

/** A stream in this process playing `signal` (interleaved float32) on JACK's `system` device. */
export class JackFeed {
  private constructor(
    readonly stream: RawBufferStream,
    readonly ports: StreamPorts,
    readonly channels: number,
    readonly rec: Float32Array | undefined,
  ) {}

  /**
   * Opens the feed (not started). With `recordFrames`, it is full duplex and
   * also records that many frames of its own inputs (`rec`).
   */
  static async open(signal: Float32Array, channels: number, options: { loop?: boolean; recordFrames?: number } = {}): Promise<JackFeed> {
    const before = await jackPorts();
    const play = { bytes: new Uint8Array(signal.buffer, signal.byteOffset, signal.byteLength), channels, map: Array.from({ length: channels }, (_, i) => i), loop: options.loop ?? false };
    const rec = options.recordFrames ? new Float32Array(options.recordFrames * channels) : undefined;
    const stream = rec
      ? new RawBufferStream('duplex', { device: 'system', channels, dtype: 'float32', sampleRate: 48000 }, { play, rec: { bytes: new Uint8Array(rec.buffer), map: play.map } })
      : new RawBufferStream('output', { device: 'system', channels, dtype: 'float32', sampleRate: 48000 }, { play });
    const ports = await waitForPorts(before, { outs: channels, ins: rec ? channels : 0 }, 5000);
    return new JackFeed(stream, ports, channels, rec);
  }

  /** Connects this feed's outputs to `to`'s inputs, channel by channel. */
  async feed(to: StreamPorts, channels = this.channels): Promise<void> {
    for (let c = 0; c < channels; c++) await jackConnect(this.ports.outs[c]!, to.ins[c]!);
  }

  /** Connects `from`'s outputs to this feed's inputs (duplex feeds). */
  async listenTo(from: StreamPorts, channels = this.channels): Promise<void> {
    for (let c = 0; c < channels; c++) await jackConnect(from.outs[c]!, this.ports.ins[c]!);
  }

  async close(): Promise<void> {
    await this.stream.close();
  }
}

/** Interleaved float32 sine, the same on every channel. */
export function sine(frequency: number, amplitude: number, frames: number, channels: number, rate = 48000): Float32Array {
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) out.fill(amplitude * Math.sin((2 * Math.PI * frequency * i) / rate), i * channels, (i + 1) * channels);
  return out;
}

/**
 * A float32 ramp whose every sample tells its position: channel 0 of frame
 * i is ((i mod period) + 1) / 65536 (exact in float32), channel 1 its
 * negative. Loop it, and any lost or repeated frame breaks the count.
 */
export function ramp(period: number, channels = 2): Float32Array {
  const out = new Float32Array(period * channels);
  for (let i = 0; i < period; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = ((c % 2 === 0 ? 1 : -1) * (i + 1)) / 65536;
  return out;
}

/**
 * Checks that from its first non-zero frame on, `got` (interleaved, like
 * {@link ramp}) continues the ramp frame after frame to its end. Returns
 * the number of ramp frames found.
 */
export function expectContinuousRamp(got: Float32Array, period: number, channels = 2): number {
  // Start where every channel is connected (jack_connect links them one by one).
  let frame = 0;
  const connected = (f: number): boolean => Array.from({ length: channels }, (_, c) => got[f * channels + c]).every((v) => v !== 0);
  while (frame * channels < got.length && !connected(frame)) frame++;
  const frames = got.length / channels;
  if (frame >= frames) throw new Error('the ramp never arrived (only silence)');
  let expected = Math.round(got[frame * channels]! * 65536) - 1;
  const start = frame;
  for (; frame < frames; frame++, expected = (expected + 1) % period) {
    for (let c = 0; c < channels; c++) {
      const want = ((c % 2 === 0 ? 1 : -1) * (expected + 1)) / 65536;
      const v = got[frame * channels + c];
      if (v !== want) throw new Error(`frame ${frame} channel ${c}: got ${(v ?? Number.NaN) * 65536}/65536, want ${want * 65536}/65536 (ramp broken after ${frame - start} frames)`);
    }
  }
  return frames - start;
}
