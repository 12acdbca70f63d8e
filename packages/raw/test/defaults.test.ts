/** `defaults`: every attribute of Python's `sd.default`, pair semantics, reset, and their effect on real streams. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  RawInputStream,
  RawOutputStream,
  RawStream,
  WasapiSettings,
  _native,
  defaults,
  queryDevices,
  queryHostApis,
} from '../src/index.js';
import { testbed } from './helpers.js';

const index = (name: string): number => queryDevices().find((d) => d.name === name)!.index;

afterEach(() => defaults.reset());

describe('defaults', () => {
  it("has Python's attributes with their factory values", () => {
    // As Python's sd.default.device: PortAudio's default devices while unset.
    expect([...defaults.device]).toEqual(_native().defaultDevices());
    expect(defaults.snapshot().device).toEqual([null, null]);
    expect([...defaults.channels]).toEqual([null, null]);
    expect([...defaults.dtype]).toEqual(['float32', 'float32']);
    expect([...defaults.latency]).toEqual(['high', 'high']);
    expect([...defaults.extraSettings]).toEqual([null, null]);
    expect(defaults.sampleRate).toBeNull();
    expect(defaults.blockSize).toBe(0);
    expect(defaults.clipOff).toBe(false);
    expect(defaults.ditherOff).toBe(false);
    expect(defaults.neverDropInput).toBe(false);
    expect(defaults.primeOutputBuffersUsingStreamCallback).toBe(false);
  });

  it('sets both halves of a pair from a single value, or [input, output]', () => {
    defaults.dtype = 'int16';
    expect([...defaults.dtype]).toEqual(['int16', 'int16']);
    defaults.dtype = ['int8', 'int24'];
    expect([...defaults.dtype]).toEqual(['int8', 'int24']);
    expect(defaults.dtype.input).toBe('int8');
    expect(defaults.dtype.output).toBe('int24');
    defaults.dtype[1] = 'uint8';
    expect([...defaults.dtype]).toEqual(['int8', 'uint8']);
    defaults.channels.input = 1;
    expect([...defaults.channels]).toEqual([1, null]);
    defaults.latency = 0.1;
    expect([...defaults.latency]).toEqual([0.1, 0.1]);
    // null restores the factory default of that half.
    defaults.dtype[0] = null as never;
    expect([...defaults.dtype]).toEqual(['float32', 'uint8']);
  });

  it('reset() restores every attribute', () => {
    defaults.device = 'vfile_out';
    defaults.channels = [1, 2];
    defaults.dtype = 'int32';
    defaults.latency = 'low';
    defaults.extraSettings = new WasapiSettings({ exclusive: true });
    defaults.sampleRate = 22050;
    defaults.blockSize = 64;
    defaults.clipOff = true;
    defaults.ditherOff = true;
    defaults.neverDropInput = true;
    defaults.primeOutputBuffersUsingStreamCallback = true;
    defaults.resample = true;
    defaults.resampleQuality = 'low';
    defaults.reset();
    expect(defaults.snapshot()).toEqual({
      device: [null, null],
      channels: [null, null],
      dtype: ['float32', 'float32'],
      latency: ['high', 'high'],
      extraSettings: [null, null],
      sampleRate: null,
      blockSize: 0,
      clipOff: false,
      ditherOff: false,
      neverDropInput: false,
      primeOutputBuffersUsingStreamCallback: false,
      resample: false,
      resampleQuality: 'high',
    });
  });

  it("has a read-only hostApi: PortAudio's default host API", () => {
    const apis = queryHostApis();
    expect(apis[defaults.hostApi]!.name).toBe('ALSA');
    expect(() => {
      (defaults as { hostApi: number }).hostApi = 2;
    }).toThrow(TypeError);
  });

  it('throws on unknown attributes, suggesting the right name', () => {
    expect(() => (defaults as unknown as Record<string, unknown>).samplerate).toThrow(TypeError);
    expect(() => (defaults as unknown as Record<string, unknown>).samplerate).toThrow(/sampleRate/);
    expect(() => {
      (defaults as unknown as Record<string, unknown>).blocksize = 128;
    }).toThrow(/blockSize/);
    expect(defaults.blockSize).toBe(0);
  });

  it('checks values on assignment, naming the attribute', () => {
    expect(() => {
      defaults.dtype = 'float16' as never;
    }).toThrow(/defaults\.dtype/);
    expect(() => {
      defaults.channels = 0;
    }).toThrow(RangeError);
    expect(() => {
      defaults.blockSize = -1;
    }).toThrow(/defaults\.blockSize/);
    expect(() => {
      defaults.clipOff = 1 as never;
    }).toThrow(TypeError);
    expect(() => {
      defaults.latency = 'medium' as never;
    }).toThrow(/defaults\.latency/);
    expect([...defaults.dtype]).toEqual(['float32', 'float32']);
  });
});

describe('streams take unspecified values from defaults, then from the device', () => {
  it('uses defaults for device, channels, dtype, sampleRate and blockSize', async () => {
    defaults.device = 'vfile_out';
    defaults.channels = 1;
    defaults.dtype = 'int16';
    defaults.sampleRate = 22050;
    defaults.blockSize = 128;
    const s = new RawOutputStream();
    try {
      expect(s.device).toBe(index('vfile_out'));
      expect(s.channels).toBe(1);
      expect(s.dtype).toBe('int16');
      expect(s.sampleSize).toBe(2);
      expect(s.sampleRate).toBe(22050);
      expect(s.blockSize).toBe(128);
    } finally {
      await s.close();
    }
  });

  it('lets given options win over defaults', async () => {
    defaults.device = 'vfile_out';
    defaults.dtype = 'int16';
    defaults.channels = 1;
    const s = new RawOutputStream({ device: 'vzero', dtype: 'int24', channels: 3, sampleRate: 48000 });
    try {
      expect(s.device).toBe(index('vzero'));
      expect(s.dtype).toBe('int24');
      expect(s.sampleSize).toBe(3);
      expect(s.channels).toBe(3);
      expect(s.sampleRate).toBe(48000);
    } finally {
      await s.close();
    }
  });

  it("falls back to the device's channels and sample rate", async () => {
    const s = new RawOutputStream({ device: 'system' });
    try {
      expect(s.channels).toBe(2);
      expect(s.sampleRate).toBe(testbed().jack.rate);
      expect(s.dtype).toBe('float32');
    } finally {
      await s.close();
    }
  });

  it('applies [input, output] pairs to duplex streams and the right half to one-way streams', async () => {
    defaults.device = 'system';
    defaults.channels = [1, 2];
    defaults.dtype = ['int16', 'int32'];
    const duplex = new RawStream();
    try {
      expect(duplex.device).toEqual([index('system'), index('system')]);
      expect(duplex.channels).toEqual([1, 2]);
      expect(duplex.dtype).toEqual(['int16', 'int32']);
      expect(duplex.sampleSize).toEqual([2, 4]);
    } finally {
      await duplex.close();
    }
    const input = new RawInputStream();
    try {
      expect(input.channels).toBe(1);
      expect(input.dtype).toBe('int16');
    } finally {
      await input.close();
    }
    const output = new RawOutputStream();
    try {
      expect(output.channels).toBe(2);
      expect(output.dtype).toBe('int32');
    } finally {
      await output.close();
    }
  });

  it('passes a latency in seconds to PortAudio, which reports what it chose', async () => {
    const latencyOf = async (latency: number): Promise<number> => {
      const s = new RawOutputStream({ device: 'vfile_out', channels: 2, dtype: 'int16', latency });
      try {
        return s.latency as number;
      } finally {
        await s.close();
      }
    };
    const short = await latencyOf(0.02);
    const long = await latencyOf(0.25);
    expect(long).toBeGreaterThan(short);
    expect(long).toBeGreaterThan(0.15);
    expect(short).toBeLessThan(0.1);
  });

  it('uses defaults.latency to choose the suggested latency', async () => {
    const device = queryDevices('vfile_out');
    const latencyOf = async (latency: 'low' | 'high'): Promise<number> => {
      defaults.latency = latency;
      const s = new RawOutputStream({ device: 'vfile_out', channels: 2, dtype: 'int16' });
      try {
        return s.latency as number;
      } finally {
        await s.close();
      }
    };
    const low = await latencyOf('low');
    const high = await latencyOf('high');
    expect(device.defaultHighOutputLatency).toBeGreaterThan(device.defaultLowOutputLatency);
    expect(high).toBeGreaterThan(low);
  });
});
