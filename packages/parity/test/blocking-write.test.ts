/**
 * Scenario 4: one blocking write() of 1 s of stereo audio (48000 frames) to
 * vfile_out, then stop(): the file holds exactly the data, contiguous, after
 * the leading silence, and write() reports the same underflow flag
 * (Python: `underflowed = stream.write(data)`; ours: `await stream.write(data)`).
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { PRIMING_BOUND, report, splitCapture } from './capture.js';
import { expectSameBytes } from './expect-bytes.js';
import { FILE_RATE, captureOut } from './files.js';
import { runPython } from './python.js';
import { BYTES, makeSignal, silenceByte, typed } from './signals.js';
import { useWorkdir, writeBytes } from './workdir.js';

const file = useWorkdir();
const FRAMES = 48_000;
const CHANNELS = 2;

interface WriteCase {
  kind: 'RawOutputStream' | 'OutputStream';
  dtype: 'float32' | 'int24';
}

const CASES: WriteCase[] = [
  { kind: 'RawOutputStream', dtype: 'float32' },
  { kind: 'OutputStream', dtype: 'float32' },
  { kind: 'RawOutputStream', dtype: 'int24' },
];

/** Our stream of `kind`: start, one write of all of `data`, stop. Returns write()'s flag. */
async function writeOurs(c: WriteCase, data: Buffer): Promise<boolean> {
  const options = { device: 'vfile_out', sampleRate: FILE_RATE, channels: CHANNELS, dtype: c.dtype } as const;
  const stream =
    c.kind === 'RawOutputStream'
      ? new sd.RawOutputStream(options)
      : new sd.OutputStream({ ...options, dtype: 'float32' });
  try {
    stream.start();
    const underflowed =
      stream instanceof sd.RawOutputStream
        ? await stream.write(data)
        : await stream.write(ndarray(typed('float32', data), [FRAMES, CHANNELS]));
    stream.stop();
    return underflowed;
  } finally {
    await stream.close();
  }
}

describe('blocking write() of 1 s to vfile_out', () => {
  it.each(CASES)('$kind, $dtype: the data contiguous after the leading silence, same underflow flag', async (c) => {
    const frameBytes = BYTES[c.dtype] * CHANNELS;
    const silence = silenceByte(c.dtype);
    const data = makeSignal(c.dtype, CHANNELS, FRAMES, 401);
    const path = file(`${c.kind}-${c.dtype}.bin`);
    await writeBytes(path, data);
    let py: { underflowed: boolean } | undefined;
    const python = await captureOut(async () => {
      py = await runPython('write', {
        raw: c.kind === 'RawOutputStream',
        data: path,
        dtype: c.dtype,
        channels: CHANNELS,
        samplerate: FILE_RATE,
        device: 'vfile_out',
      });
    });
    let underflowed: boolean | undefined;
    const ours = await captureOut(async () => {
      underflowed = await writeOurs(c, data);
    });
    const p = splitCapture(python, frameBytes, silence);
    const o = splitCapture(ours, frameBytes, silence);
    report(`write ${c.kind} ${c.dtype}`, {
      python: { lead: p.lead, trail: p.trail, gaps: p.gaps, underflowed: py?.underflowed },
      ours: { lead: o.lead, trail: o.trail, gaps: o.gaps, underflowed },
    });
    expectSameBytes(p.sound, data, frameBytes, 'Python: the data after the leading silence');
    expectSameBytes(o.sound, data, frameBytes, 'ours: the data after the leading silence');
    expect(o.lead, 'ours: leading silence beyond PortAudio priming').toBeLessThanOrEqual(PRIMING_BOUND);
    expect(underflowed).toBe(py?.underflowed);
  });
});
