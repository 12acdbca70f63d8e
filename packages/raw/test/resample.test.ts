/**
 * `resample` on the byte streams, in the modes the numeric tests do not
 * cover: a `processor` (worker) stream and a blocking output stream at rates
 * the 48 kHz JACK device lacks see whole blocks at their own rate, and the
 * stream reports that rate and a latency that includes the converter.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RawOutputStream } from '../src/index.js';
import { fixture, within } from './helpers.js';

describe('resample on byte streams (48 kHz JACK)', () => {
  it('a processor stream at 16 kHz gets blocks of blockSize frames at 16 kHz', async () => {
    const counts = new Int32Array(new SharedArrayBuffer(16));
    const s = new RawOutputStream({
      device: 'system',
      channels: 1,
      sampleRate: 16000,
      blockSize: 160,
      resample: true,
      processor: fixture('count-processor.mjs'),
      processorData: { counts: counts.buffer },
    });
    try {
      expect(s.sampleRate).toBe(16000);
      await within(s.ready, 5000, 'processor ready');
      s.start();
      await sleep(300);
      const [blocks0, frames0] = [counts[0]!, counts[3]!];
      const t0 = performance.now();
      await sleep(1000);
      const seconds = (performance.now() - t0) / 1000;
      const [blocks, frames] = [counts[0]! - blocks0, counts[3]! - frames0];
      expect(frames).toBe(blocks * 160);
      // Paced by the device at the program's rate (not 48000 frames a second).
      expect(frames / seconds).toBeGreaterThan(16000 * 0.8);
      expect(frames / seconds).toBeLessThan(16000 * 1.2);
    } finally {
      await s.close();
    }
  });

  it('a blocking output stream at 44.1 kHz takes exactly what it is given, in real time', async () => {
    const s = new RawOutputStream({ device: 'system', channels: 2, dtype: 'int16', sampleRate: 44100, resample: true, resampleQuality: 'low' });
    try {
      expect(s.sampleRate).toBe(44100);
      const unconverted = new RawOutputStream({ device: 'system', channels: 2, dtype: 'int16', sampleRate: 48000, resample: true });
      // The converter's delay is part of the latency.
      expect(s.latency).toBeGreaterThan(unconverted.latency as number);
      await unconverted.close();
      s.start();
      const t0 = performance.now();
      await s.write(Buffer.alloc(44100 * 4)); // 1 s
      const took = (performance.now() - t0) / 1000;
      expect(took).toBeGreaterThan(0.5);
      expect(took).toBeLessThan(2);
    } finally {
      await s.close();
    }
  });
});
