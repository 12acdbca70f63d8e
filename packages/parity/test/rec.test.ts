/**
 * Scenario 2: rec() from vfile_in in every format Python's rec() records
 * (float32, int32, int16, int8, uint8, float64; int24 has no NumPy type),
 * with and without a mapping: both arrays equal the file's first frames
 * (mapped, converted to float64), so they equal each other.
 */
import { describe, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { expectSameBytes } from './expect-bytes.js';
import { FILE_RATE, setInFile } from './files.js';
import { mapIn, toFloat64 } from './mapping.js';
import { runPython } from './python.js';
import { type AnyDType, BYTES, bytesOf, makeSignal } from './signals.js';
import { readBytes, useWorkdir } from './workdir.js';

const file = useWorkdir();
const FRAMES = 4800;

type RecDType = Exclude<AnyDType, 'int24'>;

interface RecCase {
  dtype: RecDType;
  /** Channels the stream opens (the largest mapped channel with a mapping). */
  deviceChannels: number;
  mapping?: number[];
}

const CASES: RecCase[] = [
  ...(['float32', 'int32', 'int16', 'int8', 'uint8', 'float64'] as const).map((dtype) => ({ dtype, deviceChannels: 2 })),
  { dtype: 'float32', deviceChannels: 3, mapping: [3, 1] },
  { dtype: 'int16', deviceChannels: 3, mapping: [2, 3] },
];

const label = (c: RecCase): string => `${c.dtype}${c.mapping ? `, mapping [${c.mapping.join(', ')}]` : ', 2 channels'}`;

describe('rec() from vfile_in: Python and ours record the same array', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    const streamDType = c.dtype === 'float64' ? 'float32' : c.dtype;
    const inFile = makeSignal(streamDType, c.deviceChannels, FRAMES + 1000, 201);
    await setInFile(inFile);
    const first = inFile.subarray(0, FRAMES * c.deviceChannels * BYTES[streamDType]);
    const mapped = mapIn(first, c.deviceChannels, c.mapping ?? [1, 2], BYTES[streamDType]);
    const expected = c.dtype === 'float64' ? toFloat64(mapped) : mapped;
    const columns = c.mapping?.length ?? c.deviceChannels;
    const frameBytes = BYTES[c.dtype] * columns;

    const out = file(`rec-${label(c)}.bin`);
    const common = { samplerate: FILE_RATE, device: 'vfile_in', dtype: c.dtype };
    await runPython('rec', { ...common, frames: FRAMES, out, ...(c.mapping ? { mapping: c.mapping } : { channels: 2 }) });
    const python = await readBytes(out);

    const ours = await sd.rec(FRAMES, {
      device: 'vfile_in',
      sampleRate: FILE_RATE,
      dtype: c.dtype,
      blocking: true,
      ...(c.mapping ? { mapping: c.mapping } : { channels: 2 }),
    });
    const oursBytes = bytesOf(ours.data).subarray(ours.offset * BYTES[c.dtype], (ours.offset + ours.size) * BYTES[c.dtype]);

    expectSameBytes(python, expected, frameBytes, "Python's recording vs the file's first frames");
    expectSameBytes(oursBytes, expected, frameBytes, "our recording vs the file's first frames");
  });
});
