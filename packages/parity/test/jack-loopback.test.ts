/**
 * Scenario 6: loopback on the JACK dummy server ('system' device), outputs
 * connected to inputs: playrec() and a duplex callback stream, through
 * Python and ours. The recording is the played signal, bit-exact, delayed;
 * the delays must be equal (ours with `cushion: 0`; the default cushion adds
 * `cushion * blockSize` frames, asserted as documented).
 */
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { report } from './capture.js';
import { jackClock, loopNewPorts, portsNow } from './jack.js';
import { type Loop, measureLoop } from './loopback.js';
import { startPython } from './python.js';
import { bytesOf, typed, withLeadIn } from './signals.js';
import { readBytes, useWorkdir, writeBytes } from './workdir.js';

const file = useWorkdir();

/** How many callbacks saw each combination of status flags. */
type Tally = Record<string, number>;
const CHANNELS = 2;
const BLOCK = 256;

afterEach(() => sd.stop());

/** Python's sd.playrec() of `data`; its ports are connected once it says it started. */
async function playrecPython(data: Buffer): Promise<Buffer> {
  const path = file('playrec-data.bin');
  const out = file('playrec-python.bin');
  await writeBytes(path, data);
  const before = await portsNow();
  const run = startPython('playrec', { data: path, channels: CHANNELS, samplerate: jackClock().rate, device: 'system', out });
  await run.printed('started');
  await loopNewPorts(before, CHANNELS);
  await run.result;
  return readBytes(out);
}

/** Our playrec() of `data`, connected the same way. */
async function playrecOurs(data: Buffer): Promise<Buffer> {
  const frames = data.byteLength / (4 * CHANNELS);
  const before = await portsNow();
  const r = sd.playrec(ndarray(typed('float32', data), [frames, CHANNELS]), {
    device: 'system',
    sampleRate: jackClock().rate,
    channels: CHANNELS,
  });
  await loopNewPorts(before, CHANNELS);
  await sd.wait({ ignoreErrors: false });
  return Buffer.from(bytesOf(r.data));
}

/** Python's duplex callback Stream; its ports are connected between open and start. */
async function callbackPython(data: Buffer): Promise<{ recorded: Buffer; flags: Tally; latency: number[] }> {
  const path = file('callback-data.bin');
  const out = file('callback-python.bin');
  await writeBytes(path, data);
  const before = await portsNow();
  const run = startPython<{ flags: Tally; latency: number[] }>('duplex_callback', {
    data: path,
    channels: CHANNELS,
    samplerate: jackClock().rate,
    blocksize: BLOCK,
    device: 'system',
    out,
  });
  await run.printed('opened');
  await loopNewPorts(before, CHANNELS);
  run.send('go');
  const { flags, latency } = await run.result;
  return { recorded: await readBytes(out), flags, latency };
}

/** Our duplex callback Stream (numeric), same steps; `cushion` undefined = the default. */
async function callbackOurs(data: Buffer, cushion?: number): Promise<{ recorded: Buffer; flags: Tally; latency: number[] }> {
  const played = typed('float32', data) as Float32Array;
  const recorded = new Float32Array(played.length);
  const total = played.length / CHANNELS;
  const flags: Tally = {};
  let position = 0;
  const before = await portsNow();
  const stream = new sd.Stream({
    device: 'system',
    sampleRate: jackClock().rate,
    blockSize: BLOCK,
    channels: CHANNELS,
    dtype: 'float32',
    ...(cushion === undefined ? {} : { cushion }),
    callback: (indata, outdata, frames, _time, status) => {
      const n = Math.max(0, Math.min(frames, total - position));
      for (let f = 0; f < n; f++) {
        for (let c = 0; c < CHANNELS; c++) {
          outdata.set(f, c, played[(position + f) * CHANNELS + c]!);
          recorded[(position + f) * CHANNELS + c] = indata.get(f, c);
        }
      }
      position += frames;
      if (status.any) flags[status.toString()] = (flags[status.toString()] ?? 0) + 1;
      if (position >= total) throw new sd.CallbackStop();
    },
  });
  try {
    const latency = stream.latency as number[];
    await loopNewPorts(before, CHANNELS);
    stream.start();
    await stream.finished;
    return { recorded: Buffer.from(recorded.buffer), flags, latency };
  } finally {
    await stream.close();
  }
}

function figures(loop: Loop, latency?: number[]): object {
  const frames = latency?.map((s) => Math.round(s * jackClock().rate));
  return { delay: loop.delay, exact: loop.exact, compared: loop.compared, ...(frames ? { latencyFrames: frames } : {}) };
}

// JACK runs without real-time priority on a shared 2-core machine: an xrun
// of the host is retried; a wrong sample or delay fails every attempt.
describe('JACK loopback: the same delay and the same bytes', { retry: 2 }, () => {
  it('playrec(): Python and ours', async () => {
    const { rate } = jackClock();
    const data = withLeadIn(CHANNELS, rate / 2, rate / 2, 601); // 0.5 s to connect, then 0.5 s of signal
    const python = measureLoop(data, await playrecPython(data), CHANNELS);
    const ours = measureLoop(data, await playrecOurs(data), CHANNELS);
    report('playrec loopback', { python: figures(python), ours: figures(ours), period: jackClock().period });
    expect(python.exact, 'Python: the recording is the played data, delayed').toBe(true);
    expect(ours.exact, 'ours: the recording is the played data, delayed').toBe(true);
    expect(ours.delay).toBe(python.delay);
  });

  it('duplex callback Stream, block size 256: ours with cushion 0 has Python\'s delay; the default cushion adds its blocks', async () => {
    const { rate } = jackClock();
    const data = Buffer.concat([withLeadIn(CHANNELS, 16 * BLOCK, rate / 4, 602), Buffer.alloc(16 * BLOCK * CHANNELS * 4)]);
    const py = await callbackPython(data);
    const python = measureLoop(data, py.recorded, CHANNELS);
    const sync = await callbackOurs(data, 0);
    const ours = measureLoop(data, sync.recorded, CHANNELS);
    const dflt = await callbackOurs(data);
    const cushioned = measureLoop(data, dflt.recorded, CHANNELS);
    report('callback loopback', {
      python: { ...figures(python, py.latency), flags: py.flags },
      oursCushion0: { ...figures(ours, sync.latency), flags: sync.flags },
      oursDefaultCushion: { ...figures(cushioned, dflt.latency), flags: dflt.flags },
    });
    expect(python.exact, 'Python: the recording is the played data, delayed').toBe(true);
    expect(ours.exact, 'ours (cushion 0): the recording is the played data, delayed').toBe(true);
    expect(ours.delay, 'ours (cushion 0) vs Python').toBe(python.delay);
    expect(cushioned.exact, 'ours (default cushion): the recording is the played data, delayed').toBe(true);
    expect(cushioned.delay, 'ours (default cushion 2): Python + 2 blocks').toBe(python.delay + 2 * BLOCK);
  });
});
