/** Device and host API queries and device selection against the testbed's real devices. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AmbiguousDeviceError,
  DeviceList,
  DeviceNotFoundError,
  defaults,
  queryDevices,
  queryHostApis,
  resolveDevice,
} from '../src/index.js';
import { testbed } from './helpers.js';

const DEVICE_KEYS = [
  'name',
  'index',
  'hostApi',
  'maxInputChannels',
  'maxOutputChannels',
  'defaultLowInputLatency',
  'defaultLowOutputLatency',
  'defaultHighInputLatency',
  'defaultHighOutputLatency',
  'defaultSampleRate',
].sort();

function byName(name: string) {
  const device = queryDevices().find((d) => d.name === name);
  if (device === undefined) throw new Error(`testbed device ${name} is missing`);
  return device;
}

function hostApiIndex(name: string): number {
  const api = queryHostApis().find((h) => h.name === name);
  if (api === undefined) throw new Error(`host API ${name} is missing`);
  return api.index;
}

afterEach(() => defaults.reset());

describe('queryDevices()', () => {
  it('lists the ALSA virtual PCMs with their channels and rate', () => {
    const alsa = hostApiIndex('ALSA');
    for (const name of ['vfile_out', 'vfile_in', 'vzero', 'vnull']) {
      const d = byName(name);
      expect(d.hostApi).toBe(alsa);
      expect(d.maxInputChannels).toBe(128);
      expect(d.maxOutputChannels).toBe(128);
      expect(d.defaultSampleRate).toBe(44100);
    }
  });

  it("lists JACK's system device with 2 in, 2 out at the server's rate", () => {
    const d = byName('system');
    expect(d.hostApi).toBe(hostApiIndex('JACK Audio Connection Kit'));
    expect(d.maxInputChannels).toBe(2);
    expect(d.maxOutputChannels).toBe(2);
    expect(d.defaultSampleRate).toBe(testbed().jack.rate);
    // JACK's latency is whole periods of the running server.
    const period = testbed().jack.period / testbed().jack.rate;
    expect(d.defaultLowOutputLatency / period).toBeCloseTo(Math.round(d.defaultLowOutputLatency / period), 9);
    expect(d.defaultLowOutputLatency).toBeGreaterThan(0);
  });

  it('gives every device the documented keys, indexes in order and sane latencies', () => {
    const list = queryDevices();
    expect(list).toBeInstanceOf(DeviceList);
    expect(list.length).toBeGreaterThanOrEqual(6);
    list.forEach((d, i) => {
      expect(Object.keys(d).sort()).toEqual(DEVICE_KEYS);
      expect(d.index).toBe(i);
      expect(typeof d.name).toBe('string');
      expect(d.defaultHighOutputLatency).toBeGreaterThanOrEqual(d.defaultLowOutputLatency);
      expect(d.defaultHighInputLatency).toBeGreaterThanOrEqual(d.defaultLowInputLatency);
    });
  });

  it('prints like `python3 -m sounddevice`, with the default markers', () => {
    const list = queryDevices();
    const lines = list.toString().split('\n');
    expect(lines).toHaveLength(list.length);
    const out = byName('vfile_out');
    expect(lines[out.index]).toBe(`  ${out.index} vfile_out, ALSA (128 in, 128 out)`);
    expect(lines[byName('system').index]).toBe(
      `  ${byName('system').index} system, JACK Audio Connection Kit (2 in, 2 out)`,
    );
    // ALSA's `default` PCM is PortAudio's default input and output: '*'.
    const def = queryDevices(undefined, 'output');
    expect(def.index).toBe(list.defaultOutput);
    expect(lines[def.index]).toMatch(new RegExp(`^\\* ${def.index} ${def.name}, `));
    expect(lines.filter((l) => /^[*<>]/.test(l))).toHaveLength(1);
  });

  it('moves the markers with defaults.device', () => {
    defaults.device = ['vfile_in', 'vfile_out'];
    const list = queryDevices();
    const lines = list.toString().split('\n');
    expect(lines[byName('vfile_in').index]).toMatch(/^> +\d+ vfile_in, ALSA/);
    expect(lines[byName('vfile_out').index]).toMatch(/^< +\d+ vfile_out, ALSA/);
    expect(queryDevices(undefined, 'input').name).toBe('vfile_in');
    expect(queryDevices(undefined, 'output').name).toBe('vfile_out');
  });

  it('returns one device by index or by name', () => {
    const list = queryDevices();
    const system = byName('system');
    expect(queryDevices(system.index)).toEqual(list[system.index]);
    expect(queryDevices('system')).toEqual(system);
    expect(queryDevices('system', 'input')).toEqual(system);
  });

  it('rejects a kind other than input/output', () => {
    expect(() => queryDevices(0, 'both' as never)).toThrow(/kind/);
  });
});

describe('device selection on real devices', () => {
  it('matches space-separated substrings in order, ignoring case', () => {
    expect(queryDevices('VFILE OUT').name).toBe('vfile_out');
    expect(queryDevices('file_i').name).toBe('vfile_in');
    expect(queryDevices('zero alsa').name).toBe('vzero');
    expect(queryDevices('system jack').name).toBe('system');
    expect(resolveDevice('vfile_out', 'output')).toBe(byName('vfile_out').index);
  });

  it('takes the host API name into account', () => {
    expect(queryDevices('vzero, ALSA').name).toBe('vzero');
    expect(queryDevices('sys JACK Audio').name).toBe('system');
    expect(() => queryDevices('system, ALSA')).toThrow(DeviceNotFoundError);
  });

  it('throws DeviceNotFoundError (a RangeError) listing the candidates', () => {
    let error: unknown;
    try {
      queryDevices('out vfile'); // the pieces match only in the wrong order
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect(error).toBeInstanceOf(RangeError);
    const e = error as DeviceNotFoundError;
    expect(e.message).toContain("'out vfile'");
    expect(e.message).toContain('vfile_out, ALSA');
    expect(e.message).toContain('system, JACK Audio Connection Kit');
    expect(e.candidates.map((c) => c.index)).toEqual(queryDevices().map((d) => d.index));
  });

  it('throws AmbiguousDeviceError listing every match', () => {
    let error: unknown;
    try {
      queryDevices('vfile');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AmbiguousDeviceError);
    expect(error).toBeInstanceOf(RangeError);
    const e = error as AmbiguousDeviceError;
    expect(e.candidates.map((c) => c.name).sort()).toEqual(['vfile_in, ALSA', 'vfile_out, ALSA']);
    expect(e.message).toMatch(/vfile_in, ALSA[\s\S]*vfile_out, ALSA|vfile_out, ALSA[\s\S]*vfile_in, ALSA/);
    // Every ALSA device matches the host API name alone.
    expect(() => queryDevices('alsa')).toThrow(AmbiguousDeviceError);
  });

  it('rejects an index that is not a device', () => {
    const count = queryDevices().length;
    expect(() => queryDevices(count)).toThrow(DeviceNotFoundError);
    expect(() => queryDevices(count)).toThrow(new RegExp(`0 to ${count - 1}`));
    expect(() => queryDevices(-1)).toThrow(RangeError);
  });
});

describe('queryHostApis()', () => {
  it('lists ALSA, OSS and JACK with their devices and defaults', () => {
    const apis = queryHostApis();
    expect(apis.map((h) => h.name)).toEqual(expect.arrayContaining(['ALSA', 'JACK Audio Connection Kit']));
    const devices = queryDevices();
    apis.forEach((api, i) => {
      expect(Object.keys(api).sort()).toEqual(['defaultInputDevice', 'defaultOutputDevice', 'devices', 'index', 'name']);
      expect(api.index).toBe(i);
      for (const d of api.devices) expect(devices[d]!.hostApi).toBe(i);
      for (const d of [api.defaultInputDevice, api.defaultOutputDevice]) {
        if (d !== -1) expect(api.devices).toContain(d);
      }
    });
    const jack = apis.find((h) => h.name === 'JACK Audio Connection Kit')!;
    expect(jack.devices).toEqual([byName('system').index]);
    expect(jack.defaultOutputDevice).toBe(byName('system').index);
    const alsa = apis.find((h) => h.name === 'ALSA')!;
    expect(alsa.devices.map((d) => devices[d]!.name)).toEqual(
      expect.arrayContaining(['vfile_out', 'vfile_in', 'vzero', 'default']),
    );
    // Every device belongs to exactly one host API.
    expect(apis.flatMap((h) => h.devices).sort((a, b) => a - b)).toEqual(devices.map((d) => d.index));
  });

  it('returns one host API by index and rejects other indexes', () => {
    const apis = queryHostApis();
    expect(queryHostApis(apis.length - 1)).toEqual(apis[apis.length - 1]);
    expect(() => queryHostApis(apis.length)).toThrow(RangeError);
    expect(() => queryHostApis(apis.length)).toThrow(/index/);
    expect(() => queryHostApis(-1)).toThrow(RangeError);
    expect(() => queryHostApis('0' as never)).toThrow(TypeError);
  });
});
