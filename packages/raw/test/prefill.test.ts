// Blocking output written before start() is played, not discarded; abort()
// discards what was queued.
import { readFileSync } from 'node:fs';
import { clearOutFile } from '@sounddevice/testbed';
import { inject, describe, expect, it } from 'vitest';
import { RawOutputStream } from '../src/index.js';

const testbed = inject('sounddeviceTestbed' as never) as { outFile: string };

function signal(frames: number): Int16Array {
  const s = new Int16Array(frames);
  for (let i = 0; i < frames; i++) s[i] = ((i * 37) % 20000) - 10000 || 1;
  return s;
}

function played(): Int16Array {
  const b = readFileSync(testbed.outFile);
  return new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2);
}

describe('blocking output queued before start', () => {
  it('plays what was written before start()', async () => {
    await clearOutFile(testbed as never);
    const stream = new RawOutputStream({ device: 'vfile_out', channels: 1, dtype: 'int16', sampleRate: 48000, blockSize: 256 });
    const data = signal(1024);
    const fits = stream.writeAvailable;
    expect(fits).toBeGreaterThanOrEqual(1024);
    stream.writeSync(data);
    stream.start();
    await stream.write(new Int16Array(4096));
    stream.stop();
    await stream.close();
    const out = played();
    const start = out.findIndex((v) => v !== 0);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(Array.from(out.subarray(start, start + data.length))).toEqual(Array.from(data));
  });

  it('abort() drops queued output', () => {
    // JACK runs in real time, so right after start() most of the queue is unplayed.
    const stream = new RawOutputStream({ device: 'system', channels: 1, dtype: 'int16', sampleRate: 48000, blockSize: 256 });
    const capacity = stream.writeAvailable;
    stream.writeSync(signal(capacity));
    expect(stream.writeAvailable).toBe(0);
    stream.start();
    stream.abort();
    expect(stream.writeAvailable).toBe(capacity);
    stream.closeSync();
  });
});
