/**
 * Scenario 5: one blocking read(4800) from vfile_in, just after start(): the
 * frames are the file's first 4800, contiguous, on both sides, and read()
 * reports the same overflow flag (Python: `data, overflowed = stream.read(n)`;
 * ours: `{ data, overflowed } = await stream.read(n)`).
 */
import { describe, expect, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { report } from './capture.js';
import { expectSameBytes, firstDifference } from './expect-bytes.js';
import { FILE_RATE, setInFile } from './files.js';
import { runPython } from './python.js';
import { BYTES, bytesOf, makeSignal } from './signals.js';
import { readBytes, useWorkdir } from './workdir.js';

const file = useWorkdir();
const FRAMES = 4800;
const CHANNELS = 2;

interface ReadCase {
  kind: 'RawInputStream' | 'InputStream';
  dtype: 'float32' | 'int16' | 'int24';
}

const CASES: ReadCase[] = [
  { kind: 'InputStream', dtype: 'float32' },
  { kind: 'RawInputStream', dtype: 'float32' },
  { kind: 'InputStream', dtype: 'int16' },
  { kind: 'RawInputStream', dtype: 'int16' },
  { kind: 'RawInputStream', dtype: 'int24' },
];

/** Our stream of `kind`: start, one read of FRAMES, close. */
async function readOurs(c: ReadCase): Promise<{ bytes: Buffer; overflowed: boolean }> {
  const options = { device: 'vfile_in', sampleRate: FILE_RATE, channels: CHANNELS } as const;
  if (c.kind === 'RawInputStream') {
    const stream = new sd.RawInputStream({ ...options, dtype: c.dtype });
    try {
      stream.start();
      const { data, overflowed } = await stream.read(FRAMES);
      return { bytes: Buffer.from(data), overflowed };
    } finally {
      await stream.close();
    }
  }
  if (c.dtype === 'int24') throw new TypeError('int24 is for raw streams only');
  const stream = new sd.InputStream({ ...options, dtype: c.dtype });
  try {
    stream.start();
    const { data, overflowed } = await stream.read(FRAMES);
    const size = BYTES[c.dtype];
    return { bytes: Buffer.from(bytesOf(data.data).subarray(data.offset * size, (data.offset + data.size) * size)), overflowed };
  } finally {
    await stream.close();
  }
}

describe('blocking read(4800) from vfile_in', () => {
  it.each(CASES)('$kind, $dtype: the file\'s first frames on both sides, same overflow flag', async (c) => {
    const frameBytes = BYTES[c.dtype] * CHANNELS;
    const content = makeSignal(c.dtype, CHANNELS, FRAMES * 4, 501);
    await setInFile(content);
    const expected = content.subarray(0, FRAMES * frameBytes);
    const out = file(`${c.kind}-${c.dtype}.bin`);
    const py = await runPython<{ overflowed: boolean }>('read', {
      raw: c.kind === 'RawInputStream',
      frames: FRAMES,
      dtype: c.dtype,
      channels: CHANNELS,
      samplerate: FILE_RATE,
      device: 'vfile_in',
      out,
    });
    const python = await readBytes(out);
    const ours = await readOurs(c);
    const agree = (a: Buffer): number => {
      const at = firstDifference(a, expected);
      return at < 0 ? FRAMES : Math.floor(at / frameBytes);
    };
    report(`read ${c.kind} ${c.dtype}`, {
      python: { framesEqualFromStart: agree(python), overflowed: py.overflowed },
      ours: { framesEqualFromStart: agree(ours.bytes), overflowed: ours.overflowed },
    });
    expectSameBytes(python, expected, frameBytes, "Python: the file's first frames");
    expectSameBytes(ours.bytes, expected, frameBytes, "ours: the file's first frames");
    expect(ours.overflowed).toBe(py.overflowed);
  });
});
