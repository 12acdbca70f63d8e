/**
 * Lifecycle churn: open → start → (first block) → stop → close, over and
 * over, for each stream kind (raw callback stream, array stream, processor
 * stream) on an ALSA device (`vnull`, not real-time paced: fast) and on JACK
 * (real time, with ports and a process thread). After a warm-up, nothing may
 * grow: RSS under 5 MB, and not one file descriptor or thread left behind.
 *
 * On JACK, PortAudio 19.6 itself keeps about 450 bytes of every stream it
 * opens until it is terminated (`pa_jack.c` takes the buffers for the port
 * names of each `Pa_OpenStream` from its host API's device-list memory):
 * 4.6 MB per 10,000 streams, which no caller can free short of terminating
 * PortAudio. The RSS bound applies to what is left after that allowance,
 * counted per JACK stream actually opened (`jackOpens()`).
 *
 * CI: 1000 cycles per kind on ALSA (200 for processors, each starts a
 * worker thread), 100 on JACK (60 for processors).
 * Long (`SOUNDDEVICE_LONG=1`): 10,000 cycles of every kind on both.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OutputStream, RawOutputStream, type StreamBase, _native } from '@sounddevice/numeric';
import { afterAll, describe, expect, it } from 'vitest';
import { LONG, MB, type ResourceCounts, count, fixture, growth, portAudioPorts, settledCounts } from './helpers.js';

type Kind = 'raw' | 'array' | 'processor';
type Backend = 'alsa' | 'jack';

const BLOCK = 256;
/**
 * What PortAudio 19.6 keeps per JACK stream opened (see above), rounded up:
 * a C program opening and closing streams straight on PortAudio grows by
 * 0.47 KB per stream; heaptrack shows 461 bytes requested per stream (plus
 * malloc's headers), all from pa_jack.c's OpenStream.
 */
const PORTAUDIO_JACK_BYTES_PER_OPEN = 512;

function open(kind: Kind, backend: Backend): StreamBase<unknown, unknown> {
  const device = backend === 'jack' ? { device: 'system', channels: 1 } : { device: 'vnull', channels: 2, sampleRate: 44100 };
  const common = { ...device, blockSize: BLOCK };
  switch (kind) {
    case 'raw':
      return new RawOutputStream({ ...common, callback: (out) => void out.fill(0) });
    case 'array':
      return new OutputStream({ ...common, callback: () => {} });
    case 'processor':
      return new RawOutputStream({ ...common, processor: fixture('noop-processor.mjs') });
  }
}

/** One full cycle; returns the frames the audio thread processed. */
async function cycle(kind: Kind, backend: Backend): Promise<number> {
  const s = open(kind, backend);
  try {
    await s.ready;
    s.start();
    // At least one block went through the audio thread (and, for callback
    // streams, the notification path).
    for (let i = 0; s.framesProcessed === 0; i++) {
      if (i > 2000) throw new Error(`${kind}/${backend}: no block within 2 s`);
      await sleep(1);
    }
    s.stop();
    return s.framesProcessed;
  } finally {
    await s.close();
  }
}

interface Figures {
  kind: Kind;
  backend: Backend;
  cycles: number;
  msPerCycle: number;
  /** MB: RSS as measured, RSS outside V8's heap reservation, V8 heap in use. */
  growth: { rss: number; native: number; heapUsed: number };
  /** JACK streams PortAudio opened meanwhile (1 per cycle unless a close had to probe the server). */
  jackOpens: number;
  /** MB PortAudio 19.6 keeps of those (allowed for; see above). */
  portAudioAllowance: number;
  fdGrowth: number;
  threadGrowth: number;
}

const figures: Figures[] = [];

afterAll(() => {
  // The figures docs/reliability.md quotes (printed by the long run).
  console.log(`lifecycle figures${LONG ? ' (long)' : ''}:\n${figures.map((f) => JSON.stringify(f)).join('\n')}`);
});

const cases: Array<[Kind, Backend, number]> = [
  ['raw', 'alsa', count(1000, 10_000)],
  ['array', 'alsa', count(1000, 10_000)],
  ['processor', 'alsa', count(200, 10_000)],
  ['raw', 'jack', count(100, 10_000)],
  ['array', 'jack', count(100, 10_000)],
  ['processor', 'jack', count(60, 10_000)],
];

describe('open/start/stop/close cycles leave nothing behind', () => {
  it.each(cases)('%s streams on %s: %i cycles', async (kind, backend, cycles) => {
    // Warm-up: first use of every code path, V8's heap and malloc's arenas
    // reaching their working size.
    const warmup = Math.max(backend === 'alsa' && kind !== 'processor' ? 300 : 30, Math.round(cycles / 5));
    for (let i = 0; i < warmup; i++) await cycle(kind, backend);
    const before: ResourceCounts = await settledCounts();
    const opensBefore = _native().jackOpens();
    const t0 = performance.now();
    let frames = 0;
    for (let i = 0; i < cycles; i++) frames += await cycle(kind, backend);
    const msPerCycle = (performance.now() - t0) / cycles;
    const after = await settledCounts();
    const jackOpens = _native().jackOpens() - opensBefore;
    const portAudioAllowance = (jackOpens * PORTAUDIO_JACK_BYTES_PER_OPEN) / MB;
    const grown = growth(before, after);
    figures.push({
      kind,
      backend,
      cycles,
      msPerCycle: Number(msPerCycle.toFixed(2)),
      growth: grown,
      jackOpens,
      portAudioAllowance: Number(portAudioAllowance.toFixed(2)),
      fdGrowth: after.fds - before.fds,
      threadGrowth: after.threads - before.threads,
    });
    expect(frames).toBeGreaterThanOrEqual(cycles * BLOCK);
    // Every stream object of the engine was dropped (nothing holds one).
    expect(_native().liveStreams(), 'engine streams still alive').toBe(0);
    expect(after.fds, 'open file descriptors').toBe(before.fds);
    expect(after.threads, 'threads').toBe(before.threads);
    if (backend === 'alsa') expect(jackOpens).toBe(0);
    else {
      // One JACK stream per cycle: closing right after stop() needs no
      // probe of the server (a busy machine may make a few closes probe).
      expect(jackOpens).toBeGreaterThanOrEqual(cycles);
      expect(jackOpens, 'JACK streams opened (probes included)').toBeLessThan(cycles * 1.1);
    }
    expect(grown.rss - portAudioAllowance, 'RSS growth beyond PortAudio 19.6\'s own (MB)').toBeLessThan(5);
    expect(grown.heapUsed, 'V8 heap growth (MB)').toBeLessThan(5);
    if (backend === 'jack') expect(await portAudioPorts()).toEqual([]);
  });
});
