/**
 * Scenario 7: `latency`, `blockSize`, `sampleRate` of InputStream,
 * OutputStream and Stream opened (callback streams, not started) with the
 * same arguments on JACK ('system') and on the file PCMs, latency 'low',
 * 'high' and a number, block size 0 and 256. Ours with `cushion: 0` must
 * equal Python's exactly; with the default cushion the output latency is
 * Python's plus `2 * blockSize` frames (documented; with block size 0 the
 * cushion is counted once the first block is known, so not here).
 */
import { describe, expect, it } from 'vitest';
import * as sd from '@sounddevice/numeric';
import { report } from './capture.js';
import { jackClock } from './jack.js';
import { runPython } from './python.js';

type Kind = 'InputStream' | 'OutputStream' | 'Stream';
type Latency = 'low' | 'high' | number;

interface Case {
  kind: Kind;
  device: string | [string, string];
  latency: Latency;
  samplerate: number;
  blocksize: number;
  channels: number;
}

interface Attributes {
  latency: number | number[];
  blockSize: number;
  sampleRate: number;
}

const KINDS: Kind[] = ['InputStream', 'OutputStream', 'Stream'];
const LATENCIES: Latency[] = ['low', 'high', 0.1];
const BLOCK_SIZES = [0, 256];

function cases(devices: Record<Kind, string | [string, string]>, samplerate: number): Case[] {
  return KINDS.flatMap((kind) =>
    LATENCIES.flatMap((latency) =>
      BLOCK_SIZES.map((blocksize) => ({ kind, device: devices[kind], latency, samplerate, blocksize, channels: 2 })),
    ),
  );
}

/** Opens our stream of `c` (a callback that does nothing), reads the attributes, closes it. */
async function oursOf(c: Case, cushion?: number): Promise<Attributes> {
  const options = {
    device: c.device,
    latency: c.latency,
    sampleRate: c.samplerate,
    blockSize: c.blocksize,
    channels: c.channels,
    callback: () => {},
    ...(cushion === undefined ? {} : { cushion }),
  };
  const stream =
    c.kind === 'Stream'
      ? new sd.Stream(options)
      : c.kind === 'InputStream'
        ? new sd.InputStream({ ...options, device: options.device as string })
        : new sd.OutputStream({ ...options, device: options.device as string });
  try {
    return { latency: stream.latency, blockSize: stream.blockSize, sampleRate: stream.sampleRate };
  } finally {
    await stream.close();
  }
}

const label = (c: Case): string => `${c.kind} ${JSON.stringify(c.device)} latency=${c.latency} blocksize=${c.blocksize}`;

/**
 * Python's output latency plus the default cushion (2 blocks) where the block
 * size is known. On a device that does not run on a clock (the file PCMs) the
 * engine waits for the callback instead and plays no cushion: Python's latency.
 */
function withCushion(c: Case, python: Attributes, unpaced: boolean): number | number[] {
  const extra = unpaced ? 0 : (2 * c.blocksize) / python.sampleRate;
  if (c.kind === 'InputStream') return python.latency;
  if (c.kind === 'OutputStream') return (python.latency as number) + extra;
  const [input, output] = python.latency as number[];
  return [input!, output! + extra];
}

async function compare(all: Case[], unpaced: boolean): Promise<void> {
  const { streams } = await runPython<{ streams: Attributes[] }>('attributes', { cases: all });
  const mismatches: string[] = [];
  for (const [i, c] of all.entries()) {
    const python = streams[i]!;
    const sync = await oursOf(c, 0);
    const dflt = await oursOf(c);
    report(`attributes ${label(c)}`, { python, oursCushion0: sync, oursDefaultCushion: dflt.latency });
    if (JSON.stringify(sync) !== JSON.stringify(python)) {
      mismatches.push(`${label(c)}: Python ${JSON.stringify(python)}, ours (cushion 0) ${JSON.stringify(sync)}`);
    }
    const expected = withCushion(c, python, unpaced);
    const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;
    const same = Array.isArray(expected)
      ? expected.every((v, k) => close(v, (dflt.latency as number[])[k]!))
      : close(expected, dflt.latency as number);
    if (!same) mismatches.push(`${label(c)}: default cushion latency ${JSON.stringify(dflt.latency)}, expected ${JSON.stringify(expected)}`);
  }
  expect(mismatches).toEqual([]);
}

describe('stream attributes: ours with cushion 0 equal Python\'s', () => {
  it('on the file PCMs (vfile_in, vfile_out)', async () => {
    await compare(cases({ InputStream: 'vfile_in', OutputStream: 'vfile_out', Stream: ['vfile_in', 'vfile_out'] }, 48000), true);
  });

  it("on JACK ('system')", async () => {
    await compare(cases({ InputStream: 'system', OutputStream: 'system', Stream: 'system' }, jackClock().rate), false);
  });
});
