/**
 * Issue 13, side by side: the same facts computed by Python's sounddevice
 * and by ours on the same devices (`defaults.device` while unset,
 * `str(CallbackFlags)`, `query_hostapis(None)`, too many channels, pairs on
 * one-way streams, start/stop/abort ignoring PortAudio's errors, the class
 * of `get_stream()`, `rec()`'s channel order, `defaults.dtype = 'float64'`).
 * Where ours deliberately differs (error classes: RangeError for Python's
 * ValueError), the mapping is stated here and in docs/naming.md.
 */
import * as sd from '@sounddevice/numeric';
import { describe, expect, it } from 'vitest';
import { report } from './capture.js';
import { runPython } from './python.js';

interface ErrorFact {
  name: string;
  code: number | null;
}

interface Facts {
  defaultDevice: number[];
  flagsStr: string[];
  hostApisNone: number;
  tooManyChannelsOpen: ErrorFact | null;
  tooManyChannelsCheck: ErrorFact | null;
  pairOutput: [number, string, number];
  pairInput: [number, string, number];
  lifecycleActive: boolean;
  stopStrict: ErrorFact | null;
  playStream: string;
  recStream: string;
  playrecStream: string;
  recMappingConflict: ErrorFact | null;
  recDefaultFloat64: string;
  streamDefaultFloat64: ErrorFact | null;
}

/** Python's exception class → ours (JavaScript has no ValueError). */
const CLASSES: Record<string, string> = { PortAudioError: 'PortAudioError', ValueError: 'RangeError', TypeError: 'TypeError' };

function errorOf(fn: () => unknown): ErrorFact | null {
  try {
    fn();
  } catch (e) {
    const code = e instanceof sd.PortAudioError ? (e.code ?? null) : null;
    const name = e instanceof sd.PortAudioError ? 'PortAudioError' : e instanceof RangeError ? 'RangeError' : (e as Error).name;
    return { name, code };
  }
  return null;
}

async function ours(): Promise<Facts> {
  const out: Partial<Facts> = {};
  out.defaultDevice = [sd.defaults.device[0] as number, sd.defaults.device[1] as number];
  out.flagsStr = [0, 4, 1 | 8, 31].map((b) => String(new sd.CallbackFlags(b)));
  out.hostApisNone = sd.queryHostApis(null).length;
  out.tooManyChannelsOpen = errorOf(() => new sd.OutputStream({ device: 'system', channels: 3 }));
  out.tooManyChannelsCheck = errorOf(() => sd.checkOutputSettings({ device: 'system', channels: 3 }));
  const pairs = { device: ['vfile_in', 'vfile_out'], channels: [1, 2], dtype: ['int16', 'int32'], latency: [0.1, 0.2], sampleRate: 44100 } as const;
  {
    await using s = new sd.OutputStream(pairs).start();
    out.pairOutput = [s.channels as number, s.dtype as string, s.device as number];
  }
  {
    await using s = new sd.InputStream(pairs).start();
    out.pairInput = [s.channels as number, s.dtype as string, s.device as number];
  }
  const s = new sd.OutputStream({ device: 'system', channels: 1, blockSize: 256, callback: () => {} });
  s.stop();
  s.abort();
  s.start();
  s.start();
  out.lifecycleActive = s.active;
  s.stop();
  s.stop();
  await s.close();
  s.stop();
  s.abort();
  const strict = new sd.OutputStream({ device: 'system', channels: 1 });
  out.stopStrict = errorOf(() => strict.stop({ ignoreErrors: false }));
  await strict.close();
  sd.play(new Float32Array(100), { sampleRate: 44100, device: 'vfile_out' });
  out.playStream = sd.getStream().constructor.name;
  await sd.wait();
  sd.rec(100, { sampleRate: 44100, channels: 1, device: 'vfile_in' });
  out.recStream = sd.getStream().constructor.name;
  await sd.wait();
  sd.playrec(new Float32Array(100), { sampleRate: 44100, channels: 1, device: 'vfile_in' });
  out.playrecStream = sd.getStream().constructor.name;
  await sd.wait();
  sd.defaults.channels = 2;
  out.recMappingConflict = errorOf(() => sd.rec(100, { sampleRate: 44100, mapping: [1], device: 'vfile_in' }));
  sd.defaults.reset();
  sd.defaults.dtype = 'float64';
  out.recDefaultFloat64 = (await sd.rec(100, { sampleRate: 44100, channels: 1, device: 'vfile_in', blocking: true })).dtype;
  out.streamDefaultFloat64 = errorOf(() => new sd.InputStream({ device: 'vfile_in', sampleRate: 44100 }));
  sd.defaults.reset();
  return out as Facts;
}

describe('issue 13: Python fidelity, side by side', () => {
  it('the same facts in Python and here', async () => {
    const python = await runPython<Facts>('fidelity', {});
    const here = await ours();
    report('fidelity', { python, here });
    const mapped = (e: ErrorFact | null): ErrorFact | null => (e === null ? null : { name: CLASSES[e.name] ?? e.name, code: e.code });
    expect(here.defaultDevice).toEqual(python.defaultDevice);
    expect(here.flagsStr).toEqual(python.flagsStr);
    expect(here.hostApisNone).toBe(python.hostApisNone);
    expect(here.tooManyChannelsOpen).toEqual(mapped(python.tooManyChannelsOpen));
    expect(here.tooManyChannelsCheck).toEqual(mapped(python.tooManyChannelsCheck));
    expect(here.pairOutput).toEqual(python.pairOutput);
    expect(here.pairInput).toEqual(python.pairInput);
    expect(here.lifecycleActive).toBe(python.lifecycleActive);
    expect(here.stopStrict).toEqual(mapped(python.stopStrict));
    expect([here.playStream, here.recStream, here.playrecStream]).toEqual([python.playStream, python.recStream, python.playrecStream]);
    expect(here.recMappingConflict).toEqual(mapped(python.recMappingConflict));
    expect(here.recDefaultFloat64).toBe(python.recDefaultFloat64);
    // Python fails inside PortAudio's format lookup (ValueError); ours before opening, with a TypeError naming defaults.dtype.
    expect(python.streamDefaultFloat64?.name).toBe('ValueError');
    expect(here.streamDefaultFloat64?.name).toBe('TypeError');
  });
});
