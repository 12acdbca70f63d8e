/**
 * Bad stream options give a clear TypeError/RangeError naming the option
 * (before anything reaches PortAudio) and leave nothing open; what only
 * PortAudio can refuse is a PortAudioError, also leaving nothing open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AmbiguousDeviceError,
  DeviceNotFoundError,
  PortAudioError,
  RawInputStream,
  RawOutputStream,
  RawStream,
  WasapiSettings,
} from '../src/index.js';
import { portAudioPorts } from './helpers.js';

type Ctor = new (options: never) => { close(): Promise<void> };

function thrownBy(fn: () => unknown): Error {
  try {
    const stream = fn() as { close?: () => Promise<void> } | undefined;
    void stream?.close?.();
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`a non-Error was thrown: ${String(e)}`);
  }
  throw new Error('nothing was thrown');
}

afterEach(async () => {
  // Nothing was left open: the JACK device shows no ports of this process.
  expect(await portAudioPorts()).toEqual([]);
});

const JACK = { device: 'system', blockSize: 256 };

describe.each([
  ['RawOutputStream', RawOutputStream as unknown as Ctor],
  ['RawInputStream', RawInputStream as unknown as Ctor],
  ['RawStream', RawStream as unknown as Ctor],
] as const)('%s', (_name, Stream) => {
  it.each([
    ['dtype float16', { dtype: 'float16' }, RangeError, /dtype must be one of 'float32'.*'uint8'.*got 'float16'/],
    ['dtype of the wrong type', { dtype: 32 }, TypeError, /dtype/],
    ['channels 0', { channels: 0 }, RangeError, /channels.*0/],
    ['channels -1', { channels: -1 }, RangeError, /channels/],
    ['channels 1.5', { channels: 1.5 }, RangeError, /channels/],
    ['channels above the device maximum', { channels: 3 }, PortAudioError, /Invalid number of channels.*system.*channels must be at most 2 \[PaErrorCode -9998\]/],
    ['negative blockSize', { blockSize: -256 }, RangeError, /blockSize.*-256/],
    ['fractional blockSize', { blockSize: 100.5 }, RangeError, /blockSize/],
    ['sampleRate 0', { sampleRate: 0 }, RangeError, /sampleRate/],
    ['sampleRate as a string', { sampleRate: '48000' }, TypeError, /sampleRate/],
    ['latency of an unknown name', { latency: 'medium' }, RangeError, /latency.*'low', 'high'/],
    ['negative latency', { latency: -0.1 }, RangeError, /latency/],
    ['unknown device', { device: 'no such device' }, DeviceNotFoundError, /No (input |output )?device matching 'no such device'[\s\S]*system/],
    ['ambiguous device', { device: 'vfile' }, AmbiguousDeviceError, /vfile_in[\s\S]*vfile_out|vfile_out[\s\S]*vfile_in/],
    ['device index out of range', { device: 999 }, DeviceNotFoundError, /device.*999/],
    ['device of the wrong type', { device: { name: 'system' } }, TypeError, /device/],
    ['unknown option key', { sampleRat: 48000 }, TypeError, /unknown key 'sampleRat'/],
    ["Python's spelling of an option", { blocksize: 256 }, TypeError, /'blocksize' \(did you mean 'blockSize'\?\)/],
    ['callback that is not a function', { callback: 42 }, TypeError, /callback must be a function/],
    ['finishedCallback that is not a function', { finishedCallback: 'done' }, TypeError, /finishedCallback/],
    ['callback and processor together', { callback: () => {}, processor: './p.mjs' }, TypeError, /callback or processor/],
    ['processor that is not a path', { processor: 42 }, TypeError, /processor/],
    ['cushion too large', { cushion: 1000 }, RangeError, /cushion/],
    ['clipOff that is not a boolean', { clipOff: 1 }, TypeError, /clipOff/],
    ['extraSettings that is not a settings object', { extraSettings: { exclusive: true } }, TypeError, /extraSettings/],
    ['resample that is not a boolean', { resample: 'yes' }, TypeError, /resample must be true or false, got 'yes'/],
    ['resampleQuality of an unknown name', { resample: true, resampleQuality: 'ultra' }, RangeError, /resampleQuality must be 'low', 'medium', 'high' or 'best', got 'ultra'/],
    ['resampleQuality of the wrong type', { resampleQuality: 3 }, TypeError, /resampleQuality/],
    [
      'a sampleRate the device lacks, resample off',
      { sampleRate: 44100 },
      PortAudioError,
      /Invalid sample rate: 44100 Hz; the device supports 48000 Hz\. Pass resample: true to run the device at a rate it supports and convert \[PaErrorCode -9997\]/,
    ],
    ['options that are not an object', 'system', TypeError, /options/],
  ] as const)('%s', (_case, options, ErrorClass, message) => {
    const opts = typeof options === 'object' ? { ...JACK, ...options } : options;
    const error = thrownBy(() => new Stream(opts as never));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.message).toMatch(message);
  });
});

describe('options only full-duplex streams take', () => {
  it('neverDropInput on a half-duplex stream is a RangeError', () => {
    for (const Stream of [RawOutputStream, RawInputStream]) {
      const error = thrownBy(() => new Stream({ ...JACK, neverDropInput: true }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toMatch(/neverDropInput.*full-duplex/);
    }
  });

  it('a pair with a bad half names the option', () => {
    const error = thrownBy(() => new RawStream({ ...JACK, channels: [1, 3] }));
    expect(error).toBeInstanceOf(PortAudioError);
    expect((error as PortAudioError).code).toBe(-9998);
    expect(error.message).toMatch(/^Error opening RawStream: Invalid number of channels.*\(output\).*channels must be at most 2/);
    expect(thrownBy(() => new RawStream({ ...JACK, dtype: ['int16', 'float16' as never] })).message).toMatch(/dtype/);
  });

  it('neverDropInput on a full-duplex stream is accepted, and so are the other PortAudio flags', async () => {
    let calls = 0;
    const s = new RawStream({
      ...JACK,
      blockSize: 0,
      neverDropInput: true,
      clipOff: true,
      ditherOff: true,
      primeOutputBuffersUsingStreamCallback: true,
      callback: () => void calls++,
    });
    try {
      s.start();
      await new Promise((r) => setTimeout(r, 60));
      expect(calls).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});

describe('what only PortAudio can refuse', () => {
  it('a sample rate the device cannot run at is a PortAudioError saying what was asked for', () => {
    const error = thrownBy(() => new RawOutputStream({ ...JACK, sampleRate: 44100 }));
    expect(error).toBeInstanceOf(PortAudioError);
    expect((error as PortAudioError).code).toBe(-9997);
    expect(error.message).toMatch(/Error opening RawOutputStream: Invalid sample rate/);
    expect(error.message).toMatch(/asked for 44100 Hz.*'system'/);
  });

  it('host-API settings of another host API are a PortAudioError', () => {
    const error = thrownBy(
      () => new RawOutputStream({ device: 'vfile_out', channels: 2, extraSettings: new WasapiSettings({ exclusive: true }) }),
    );
    expect(error).toBeInstanceOf(PortAudioError);
    expect((error as PortAudioError).code).toBe(-9984);
  });

  it('after a refused open the device still opens', async () => {
    thrownBy(() => new RawStream({ ...JACK, sampleRate: 22050 }));
    let calls = 0;
    const s = new RawOutputStream({ ...JACK, callback: () => void calls++ });
    try {
      expect((await portAudioPorts()).length).toBe(2);
      s.start();
      await new Promise((r) => setTimeout(r, 60));
      expect(calls).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
