/**
 * Scenario 1: play() to vfile_out, through Python's sd.play and ours. After
 * PortAudio's leading silence (reported, may differ) both files hold the
 * same bytes: the data, mapped, converted from float64, or repeated.
 */
import ndarray from 'ndarray';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { PRIMING_BOUND, repetitions, report, splitCapture } from './capture.js';
import { expectSameBytes } from './expect-bytes.js';
import { FILE_RATE, captureOut } from './files.js';
import { mapOut, toFloat32 } from './mapping.js';
import { runPython } from './python.js';
import { type AnyDType, BYTES, makeSignal, silenceByte, typed } from './signals.js';
import { useWorkdir, writeBytes } from './workdir.js';

const file = useWorkdir();

interface PlayCase {
  name: string;
  /** The data's format (float64 plays as float32). */
  dtype: Exclude<AnyDType, 'int24'>;
  channels: number;
  frames: number;
  mapping?: number[];
}

/** Both sides' captures of playing `c` once. */
async function playBoth(c: PlayCase, data: Buffer): Promise<{ python: Buffer; ours: Buffer }> {
  const path = file(`${c.name}.bin`);
  await writeBytes(path, data);
  const params = { data: path, dtype: c.dtype, channels: c.channels, samplerate: FILE_RATE, device: 'vfile_out', mapping: c.mapping ?? null };
  const python = await captureOut(() => runPython('play', params));
  const array = ndarray(typed(c.dtype, data), [c.frames, c.channels]);
  const ours = await captureOut(() =>
    sd.play(array, { device: 'vfile_out', sampleRate: FILE_RATE, mapping: c.mapping ?? null, blocking: true }),
  );
  return { python, ours };
}

const CASES: PlayCase[] = [
  { name: 'float32 stereo', dtype: 'float32', channels: 2, frames: 24_000 },
  { name: 'int16, mapping [3, 1]', dtype: 'int16', channels: 2, frames: 24_000, mapping: [3, 1] },
  { name: 'float64 stereo (plays as float32)', dtype: 'float64', channels: 2, frames: 24_000 },
];

describe('play() to vfile_out: Python and ours write the same bytes after the leading silence', () => {
  it.each(CASES)('$name', async (c) => {
    const data = makeSignal(c.dtype, c.channels, c.frames, 101);
    const streamDType = c.dtype === 'float64' ? 'float32' : c.dtype;
    const sampleBytes = BYTES[streamDType];
    const outChannels = c.mapping ? Math.max(...c.mapping) : c.channels;
    const streamData = c.dtype === 'float64' ? toFloat32(data) : data;
    const expected = mapOut(streamData, c.channels, c.mapping ?? [1, 2], outChannels, sampleBytes, silenceByte(streamDType));
    const { python, ours } = await playBoth(c, data);
    const frameBytes = sampleBytes * outChannels;
    const p = splitCapture(python, frameBytes, silenceByte(streamDType));
    const o = splitCapture(ours, frameBytes, silenceByte(streamDType));
    report(`play ${c.name}`, {
      python: { lead: p.lead, trail: p.trail, gaps: p.gaps, frames: p.frames },
      ours: { lead: o.lead, trail: o.trail, gaps: o.gaps, frames: o.frames },
    });
    expectSameBytes(p.sound, expected, frameBytes, 'Python: the signal after the leading silence');
    expectSameBytes(o.sound, expected, frameBytes, 'ours: the signal after the leading silence');
    expect(o.lead, 'ours: leading silence beyond PortAudio priming').toBeLessThanOrEqual(PRIMING_BOUND);
  });

  it('loop: true, stopped after 30 ms: whole repetitions of the data on both sides', async () => {
    const frames = 1000; // not a multiple of any block size
    const data = makeSignal('float32', 2, frames, 102);
    const path = file('loop.bin');
    await writeBytes(path, data);
    const params = { data: path, dtype: 'float32', channels: 2, samplerate: FILE_RATE, device: 'vfile_out', loop: true, seconds: 0.03 };
    const python = await captureOut(() => runPython('play', params));
    const ours = await captureOut(async () => {
      sd.play(ndarray(typed('float32', data), [frames, 2]), { device: 'vfile_out', sampleRate: FILE_RATE, loop: true });
      await delay(30);
      sd.stop();
    });
    const p = splitCapture(python, 8, 0);
    const o = splitCapture(ours, 8, 0);
    const pr = repetitions(p.sound, data);
    const or = repetitions(o.sound, data);
    report('play loop', {
      python: { lead: p.lead, gaps: p.gaps, repetitions: pr.whole, partialFrames: pr.partial / 8 },
      ours: { lead: o.lead, gaps: o.gaps, repetitions: or.whole, partialFrames: or.partial / 8 },
    });
    expect(pr.exact, 'Python: repetitions of the data, then a prefix of it').toBe(true);
    expect(or.exact, 'ours: repetitions of the data, then a prefix of it').toBe(true);
    expect(pr.whole).toBeGreaterThanOrEqual(2);
    expect(or.whole).toBeGreaterThanOrEqual(2);
  });
});
