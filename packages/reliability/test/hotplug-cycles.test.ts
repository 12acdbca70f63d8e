/**
 * Refreshing the device list while streams run leaves nothing behind:
 * open a stream → start → first block → refresh (the stream's PortAudio
 * instance is retired, another takes over) → close, over and over. After a
 * warm-up nothing may grow: RSS under 5 MB, not one file descriptor or
 * thread, no engine stream; and the number of PortAudio instances stays
 * bounded (a retired instance is terminated and reused once its last stream
 * is closed, so two copies of the library alternate).
 *
 * Every refresh initializes and terminates PortAudio once, and PortAudio
 * 19.6 with alsa-lib keeps about 2.5 KB of each such cycle: 2,500 cycles of
 * "close, then refresh" (plain terminate and initialize of one instance, no
 * copy involved) grew RSS by 6.2 MB, the same as 2,500 cycles of "refresh
 * under a running stream, then close" (6.3 MB). The RSS bound applies to
 * what is left after that allowance.
 *
 * ALSA only (`vnull`): this file's process hides the JACK server from
 * PortAudio (a name nobody serves), so every refresh initializes ALSA alone
 * and the cycles are fast; refreshes with a JACK server are covered by
 * raw's hotplug test.
 *
 * CI: 1000 cycles. Long (`SOUNDDEVICE_LONG=1`): 10,000.
 */
process.env.JACK_DEFAULT_SERVER = 'sounddevice-no-such-server';
process.env.JACK_NO_START_SERVER = '1';

import { setTimeout as sleep } from 'node:timers/promises';
import { RawOutputStream, _native, queryHostApis, refreshDevices } from '@sounddevice/numeric';
import { describe, expect, it } from 'vitest';
import { LONG, MB, type ResourceCounts, count, growth, settledCounts } from './helpers.js';

/** What PortAudio 19.6 and alsa-lib keep per initialize/terminate cycle (see above), rounded up. */
const PORTAUDIO_INIT_BYTES = 3 * 1024;

async function cycle(): Promise<void> {
  const s = new RawOutputStream({ device: 'vnull', channels: 2, sampleRate: 44100, blockSize: 256, callback: (out) => void out.fill(0) });
  try {
    s.start();
    for (let i = 0; s.framesProcessed === 0; i++) {
      if (i > 2000) throw new Error('no block within 2 s');
      await sleep(1);
    }
    await refreshDevices();
  } finally {
    await s.close();
  }
}

describe('open → refresh → close cycles leave nothing behind', () => {
  const cycles = count(1000, 10_000);
  it(`${cycles} cycles on ALSA`, { timeout: LONG ? 3_600_000 : 300_000 }, async () => {
    expect(queryHostApis().map((a) => a.name)).not.toContain('JACK Audio Connection Kit');
    for (let i = 0; i < 100; i++) await cycle();
    const before: ResourceCounts = await settledCounts();
    const copiesBefore = _native().instanceCounts().copies;
    const t0 = performance.now();
    for (let i = 0; i < cycles; i++) await cycle();
    const msPerCycle = (performance.now() - t0) / cycles;
    const after = await settledCounts();
    const instances = _native().instanceCounts();
    const grown = growth(before, after);
    console.log(
      `hotplug cycles${LONG ? ' (long)' : ''}: ${JSON.stringify({ cycles, msPerCycle: Number(msPerCycle.toFixed(2)), growth: grown, fdGrowth: after.fds - before.fds, threadGrowth: after.threads - before.threads, instances })}`,
    );
    expect(_native().liveStreams(), 'engine streams still alive').toBe(0);
    // The last stream's instance was terminated (no stream runs on it) and kept for reuse.
    expect(instances.retired).toBe(0);
    expect(instances.copies, 'library copies loaded').toBe(copiesBefore);
    expect(instances.copies, 'library copies loaded').toBeLessThanOrEqual(2);
    expect(after.fds, 'open file descriptors').toBe(before.fds);
    expect(after.threads, 'threads').toBe(before.threads);
    const allowance = (cycles * PORTAUDIO_INIT_BYTES) / MB;
    expect(grown.rss - allowance, "RSS growth beyond PortAudio's own per refresh (MB)").toBeLessThan(5);
    expect(grown.heapUsed, 'V8 heap growth (MB)').toBeLessThan(5);
  });
});
