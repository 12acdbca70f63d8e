import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { defaults, setDefaultDeviceProvider, setDefaultHostApiProvider } from './defaults.js';
import { AsioSettings, WasapiSettings } from './settings.js';

const FACTORY = {
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
};

afterEach(() => {
  defaults.reset();
  setDefaultHostApiProvider(null);
});

describe('defaults: factory values', () => {
  it('match Python', () => {
    expect(defaults.snapshot()).toEqual(FACTORY);
    expect(defaults.device).toEqual([null, null]);
    expect(defaults.dtype).toEqual(['float32', 'float32']);
    expect(defaults.latency).toEqual(['high', 'high']);
    expect(defaults.sampleRate).toBeNull();
    expect(defaults.blockSize).toBe(0);
    expect(defaults.clipOff).toBe(false);
    expect(defaults.primeOutputBuffersUsingStreamCallback).toBe(false);
  });
});

describe('defaults: pairs', () => {
  it('a single value sets input and output', () => {
    defaults.device = 5;
    expect(defaults.device).toEqual([5, 5]);
    defaults.dtype = 'int16';
    expect([...defaults.dtype]).toEqual(['int16', 'int16']);
  });

  it('a two-element array sets [input, output]', () => {
    defaults.channels = [1, 2];
    const [input, output] = defaults.channels;
    expect(input).toBe(1);
    expect(output).toBe(2);
    expect(defaults.channels.input).toBe(1);
    expect(defaults.channels.output).toBe(2);
    expect(defaults.channels.length).toBe(2);
  });

  it('null restores the factory value of both or one half', () => {
    defaults.dtype = ['int8', 'uint8'];
    defaults.dtype = [null, 'int32'];
    expect(defaults.dtype).toEqual(['float32', 'int32']);
    defaults.device = [null, 4];
    expect(defaults.device).toEqual([null, 4]);
    defaults.latency = 0.1;
    defaults.latency = null;
    expect(defaults.latency).toEqual(['high', 'high']);
  });

  it('writes through indexes and aliases', () => {
    defaults.device[0] = 3;
    expect(defaults.device).toEqual([3, null]);
    defaults.device.output = 'vfile_out';
    expect(defaults.device).toEqual([3, 'vfile_out']);
    defaults.latency.input = 'low';
    defaults.latency[1] = 0.05;
    expect(defaults.latency).toEqual(['low', 0.05]);
    defaults.dtype[1] = null as never;
    expect(defaults.dtype[1]).toBe('float32');
  });

  it('returns a live view', () => {
    const device = defaults.device;
    defaults.device = 7;
    expect(device[0]).toBe(7);
    defaults.reset();
    expect(device[1]).toBeNull();
  });

  it('accepts a pair read from defaults', () => {
    defaults.channels = [2, 6];
    defaults.channels = defaults.channels;
    expect(defaults.channels).toEqual([2, 6]);
  });

  it('holds extra settings', () => {
    const asioIn = new AsioSettings({ channelSelectors: [8] });
    const wasapi = new WasapiSettings({ exclusive: true });
    defaults.extraSettings = [asioIn, wasapi];
    expect(defaults.extraSettings.input).toBe(asioIn);
    expect(defaults.extraSettings.output).toBe(wasapi);
    defaults.extraSettings = wasapi;
    expect(defaults.extraSettings).toEqual([wasapi, wasapi]);
  });

  it('prints as arrays', () => {
    defaults.channels = [null, 2] as never;
    expect(inspect(defaults.channels)).toBe('[ null, 2 ]');
    expect(inspect(defaults.device)).toBe('[ null, null ]');
    expect(JSON.stringify(defaults.dtype)).toBe('["float32","float32"]');
  });
});

describe('defaults: validation', () => {
  it('checks pair values, naming the attribute', () => {
    expect(() => {
      defaults.dtype = 'float16' as never;
    }).toThrow(/^defaults\.dtype must be one of 'float32', .* got 'float16'$/);
    expect(() => {
      defaults.dtype = ['int16', 'int12'] as never;
    }).toThrow(/^defaults\.dtype\[1\] must be one of/);
    expect(() => {
      defaults.channels = 0;
    }).toThrow(new RangeError('defaults.channels must be a positive integer, got 0'));
    expect(() => {
      defaults.channels = '2' as never;
    }).toThrow(TypeError);
    expect(() => {
      defaults.latency = 'medium' as never;
    }).toThrow(RangeError);
    expect(() => {
      defaults.latency = -1;
    }).toThrow(/^defaults\.latency must be 'low', 'high' or a non-negative number of seconds, got -1$/);
    expect(() => {
      defaults.device = true as never;
    }).toThrow(new TypeError('defaults.device must be a device index, a device query string or null, got true'));
    expect(() => {
      defaults.device = -1;
    }).toThrow(RangeError);
    expect(() => {
      defaults.extraSettings = { exclusive: true } as never;
    }).toThrow(/^defaults\.extraSettings must be an AsioSettings, CoreAudioSettings or WasapiSettings object/);
    expect(() => {
      defaults.channels[0] = 1.5;
    }).toThrow(new RangeError('defaults.channels[0] must be a positive integer, got 1.5'));
  });

  it('rejects arrays that are not pairs', () => {
    expect(() => {
      defaults.channels = [1, 2, 3] as never;
    }).toThrow(new RangeError('defaults.channels must be a single value or an [input, output] pair, got an array of length 3'));
    expect(() => {
      defaults.device = [] as never;
    }).toThrow(RangeError);
  });

  it('changes nothing when a value is rejected', () => {
    defaults.channels = [1, 2];
    expect(() => {
      defaults.channels = [3, -3];
    }).toThrow(RangeError);
    expect(defaults.channels).toEqual([1, 2]);
  });

  it('refuses other changes to a pair', () => {
    expect(() => defaults.device.push(1)).toThrow(TypeError);
  });

  it('checks single values', () => {
    defaults.sampleRate = 48000;
    expect(defaults.sampleRate).toBe(48000);
    defaults.sampleRate = null;
    expect(defaults.sampleRate).toBeNull();
    expect(() => {
      defaults.sampleRate = 0;
    }).toThrow(new RangeError('defaults.sampleRate must be a positive finite number, got 0'));
    expect(() => {
      defaults.sampleRate = '44100' as never;
    }).toThrow(TypeError);

    defaults.blockSize = 256;
    expect(defaults.blockSize).toBe(256);
    defaults.blockSize = null;
    expect(defaults.blockSize).toBe(0);
    expect(() => {
      defaults.blockSize = -1;
    }).toThrow(new RangeError('defaults.blockSize must be a non-negative integer, got -1'));

    for (const name of ['clipOff', 'ditherOff', 'neverDropInput', 'primeOutputBuffersUsingStreamCallback'] as const) {
      defaults[name] = true;
      expect(defaults[name]).toBe(true);
      defaults[name] = null;
      expect(defaults[name]).toBe(false);
      expect(() => {
        defaults[name] = 1 as never;
      }).toThrow(new TypeError(`defaults.${name} must be true or false, got 1`));
    }
  });
});

describe('defaults: attribute names', () => {
  it('throws for unknown attributes, suggesting the camelCase name', () => {
    const bag = defaults as unknown as Record<string, unknown>;
    expect(() => bag['samplerate']).toThrow(TypeError);
    expect(() => bag['samplerate']).toThrow(/^defaults has no attribute 'samplerate' \(did you mean 'sampleRate'\?\); known attributes: device, channels, dtype/);
    expect(() => {
      bag['extra_settings'] = null;
    }).toThrow(/did you mean 'extraSettings'/);
    expect(() => {
      bag['frames'] = 3;
    }).toThrow(/^defaults has no attribute 'frames'; known attributes: /);
    expect(() => delete bag['device']).toThrow(TypeError);
  });

  it('keeps hostApi read-only and methods unassignable', () => {
    const bag = defaults as unknown as Record<string, unknown>;
    expect(() => {
      bag['hostApi'] = 1;
    }).toThrow(new TypeError('defaults.hostApi is read-only'));
    expect(() => {
      bag['reset'] = () => undefined;
    }).toThrow(TypeError);
  });

  it('does not throw for symbols and probing keys', async () => {
    const bag = defaults as unknown as Record<string | symbol, unknown>;
    expect(bag[Symbol('x')]).toBeUndefined();
    expect(bag['then']).toBeUndefined();
    expect(bag['$$typeof']).toBeUndefined();
    expect(bag['asymmetricMatch']).toBeUndefined();
    expect(await Promise.resolve(defaults)).toBe(defaults);
    expect('device' in defaults).toBe(true);
    expect('samplerate' in defaults).toBe(false);
  });

  it('works with JSON.stringify and util.inspect', () => {
    defaults.sampleRate = 44100;
    defaults.channels = [1, 2];
    const json = JSON.parse(JSON.stringify(defaults)) as typeof FACTORY;
    expect(json).toEqual({ ...FACTORY, sampleRate: 44100, channels: [1, 2] });
    const text = inspect(defaults);
    expect(text).toContain('sampleRate: 44100');
    expect(text).toContain('channels: [ 1, 2 ]');
    expect(String(defaults)).toBe('[object Object]');
  });
});

describe('defaults.hostApi', () => {
  it('throws while PortAudio is not loaded', () => {
    expect(() => defaults.hostApi).toThrow(/PortAudio is not loaded/);
  });

  it('comes from the registered provider', () => {
    let current = 0;
    setDefaultHostApiProvider(() => current);
    expect(defaults.hostApi).toBe(0);
    current = 2;
    expect(defaults.hostApi).toBe(2);
    setDefaultHostApiProvider(null);
    expect(() => defaults.hostApi).toThrow(Error);
    expect(() => setDefaultHostApiProvider(3 as never)).toThrow(TypeError);
  });

  it('is not part of the snapshot', () => {
    expect(Object.keys(defaults.snapshot())).not.toContain('hostApi');
  });
});

describe('defaults.reset', () => {
  it('restores every attribute', () => {
    defaults.device = ['vfile_in', 'vfile_out'];
    defaults.channels = 2;
    defaults.dtype = 'int24';
    defaults.latency = ['low', 0.2];
    defaults.extraSettings = new WasapiSettings();
    defaults.sampleRate = 96000;
    defaults.blockSize = 64;
    defaults.clipOff = true;
    defaults.ditherOff = true;
    defaults.neverDropInput = true;
    defaults.primeOutputBuffersUsingStreamCallback = true;
    expect(defaults.snapshot()).not.toEqual(FACTORY);
    defaults.reset();
    expect(defaults.snapshot()).toEqual(FACTORY);
  });

  it('can be called detached', () => {
    const { reset } = defaults;
    defaults.blockSize = 32;
    reset();
    expect(defaults.blockSize).toBe(0);
  });
});

describe('defaults.snapshot', () => {
  it('is a detached copy', () => {
    defaults.channels = [1, 2];
    const snapshot = defaults.snapshot();
    defaults.channels = 8;
    expect(snapshot.channels).toEqual([1, 2]);
    expect(Array.isArray(snapshot.channels)).toBe(true);
  });
});

describe('defaults: what Python reads (issue 13)', () => {
  it("accepts 'float64' for dtype, as Python's sd.default.dtype does", () => {
    defaults.dtype = 'float64';
    expect([...defaults.dtype]).toEqual(['float64', 'float64']);
    defaults.dtype = ['float64', 'int16'];
    expect(defaults.dtype.output).toBe('int16');
    defaults.reset();
  });

  it('reads an unset device half from the registered provider, a set one as set', () => {
    setDefaultDeviceProvider(() => [4, 7]);
    try {
      expect([...defaults.device]).toEqual([4, 7]);
      defaults.device[1] = 'vfile_out';
      expect([...defaults.device]).toEqual([4, 'vfile_out']);
      expect(defaults.snapshot().device).toEqual([null, 'vfile_out']);
      defaults.device = null;
      expect(defaults.device.output).toBe(7);
      expect(inspect(defaults.device)).toBe('[ 4, 7 ]');
    } finally {
      setDefaultDeviceProvider(null);
      defaults.reset();
    }
    expect([...defaults.device]).toEqual([null, null]);
  });
});

describe('defaults: resample and resampleQuality', () => {
  it('are checked on assignment, naming the attribute', () => {
    expect(() => {
      (defaults as { resample: unknown }).resample = 'yes';
    }).toThrow(TypeError);
    expect(() => {
      (defaults as { resample: unknown }).resample = 'yes';
    }).toThrow(/defaults\.resample/);
    expect(() => {
      (defaults as { resampleQuality: unknown }).resampleQuality = 'ultra';
    }).toThrow(RangeError);
    expect(() => {
      (defaults as { resampleQuality: unknown }).resampleQuality = 'ultra';
    }).toThrow(/defaults\.resampleQuality must be 'low', 'medium', 'high' or 'best', got 'ultra'/);
  });

  it('keep valid values until reset', () => {
    defaults.resample = true;
    defaults.resampleQuality = 'best';
    expect(defaults.snapshot()).toMatchObject({ resample: true, resampleQuality: 'best' });
    defaults.reset();
    expect(defaults.resample).toBe(false);
    expect(defaults.resampleQuality).toBe('high');
  });
});
