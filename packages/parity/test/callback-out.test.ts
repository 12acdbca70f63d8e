/**
 * Scenario 3: an OutputStream callback on vfile_out fills 20 known blocks
 * (blocksize 256, stereo float32) and raises CallbackStop with the last one.
 * vfile_out is unpaced: Python's callback runs on the audio thread, so the
 * file holds the 20 blocks back to back after the leading silence; ours must
 * too (the engine waits for the program on unpaced devices, design.md).
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { PRIMING_BOUND, report, splitCapture } from './capture.js';
import { expectSameBytes } from './expect-bytes.js';
import { FILE_RATE, captureOut } from './files.js';
import { runPython } from './python.js';
import { makeSignal, typed } from './signals.js';
import { useWorkdir, writeBytes } from './workdir.js';

const file = useWorkdir();
const BLOCK = 256;
const BLOCKS = 20;
const CHANNELS = 2;
const FRAME_BYTES = 4 * CHANNELS;

interface PythonCallbackResult {
  calls: number;
  frames: number[];
  underflows: number;
}

/** Our OutputStream playing `data` block by block; CallbackStop with the last block. */
async function playOurs(data: Float32Array): Promise<{ calls: number; underflows: number }> {
  let calls = 0;
  let underflows = 0;
  const stream = new sd.OutputStream({
    device: 'vfile_out',
    sampleRate: FILE_RATE,
    blockSize: BLOCK,
    channels: CHANNELS,
    dtype: 'float32',
    callback: (outdata, frames, _time, status) => {
      const i = calls++;
      if (status.outputUnderflow) underflows++;
      const block = ndarray(data.subarray(i * BLOCK * CHANNELS, (i + 1) * BLOCK * CHANNELS), [frames, CHANNELS]);
      for (let f = 0; f < frames; f++) for (let c = 0; c < CHANNELS; c++) outdata.set(f, c, block.get(f, c));
      if (i + 1 === BLOCKS) throw new sd.CallbackStop();
    },
  });
  try {
    stream.start();
    await stream.finished;
  } finally {
    await stream.close();
  }
  return { calls, underflows };
}

describe('callback OutputStream on vfile_out', () => {
  it('20 blocks then CallbackStop: the blocks back to back after the leading silence, on both sides', async () => {
    const data = makeSignal('float32', CHANNELS, BLOCK * BLOCKS, 301);
    const path = file('blocks.bin');
    await writeBytes(path, data);
    let py: PythonCallbackResult | undefined;
    const python = await captureOut(async () => {
      py = await runPython<PythonCallbackResult>('callback_out', {
        data: path,
        dtype: 'float32',
        channels: CHANNELS,
        blocksize: BLOCK,
        samplerate: FILE_RATE,
        device: 'vfile_out',
      });
    });
    let mine: { calls: number; underflows: number } | undefined;
    const ours = await captureOut(async () => {
      mine = await playOurs(typed('float32', data) as Float32Array);
    });
    const p = splitCapture(python, FRAME_BYTES, 0);
    const o = splitCapture(ours, FRAME_BYTES, 0);
    report('callback_out', {
      python: { lead: p.lead, trail: p.trail, gaps: p.gaps, soundFrames: p.sound.byteLength / FRAME_BYTES, ...py },
      ours: { lead: o.lead, trail: o.trail, gaps: o.gaps, soundFrames: o.sound.byteLength / FRAME_BYTES, ...mine },
    });
    expect(py?.calls).toBe(BLOCKS);
    expectSameBytes(p.sound, data, FRAME_BYTES, 'Python: the 20 blocks after the leading silence');
    expect(mine?.calls).toBe(BLOCKS);
    expectSameBytes(o.sound, data, FRAME_BYTES, 'ours: the 20 blocks after the leading silence');
    expect(o.lead, 'ours: leading silence beyond PortAudio priming').toBeLessThanOrEqual(PRIMING_BOUND);
    expect(mine?.underflows).toBe(py?.underflows);
  });
});
