import { describe, expect, it } from 'vitest';
import type { DeviceInfo, HostApiInfo } from '@sounddevice/core';
import { type DeviceSnapshot, diffDevices } from './device-changes.js';

function device(index: number, name: string, hostApi: number): DeviceInfo {
  return {
    name,
    index,
    hostApi,
    maxInputChannels: 2,
    maxOutputChannels: 2,
    defaultLowInputLatency: 0.01,
    defaultLowOutputLatency: 0.01,
    defaultHighInputLatency: 0.1,
    defaultHighOutputLatency: 0.1,
    defaultSampleRate: 48000,
  };
}

const APIS: HostApiInfo[] = [
  { name: 'ALSA', index: 0, devices: [], defaultInputDevice: -1, defaultOutputDevice: -1 },
  { name: 'JACK Audio Connection Kit', index: 1, devices: [], defaultInputDevice: -1, defaultOutputDevice: -1 },
];

function snapshot(names: Array<[string, number]>, defaultInput = -1, defaultOutput = -1): DeviceSnapshot {
  return { devices: names.map(([n, api], i) => device(i, n, api)), hostApis: APIS, defaultInput, defaultOutput };
}

describe('diffDevices', () => {
  it('reports nothing when only indices moved', () => {
    const before = snapshot([['a', 0], ['b', 0], ['system', 1]], 0, 1);
    const after = snapshot([['b', 0], ['a', 0], ['system', 1]], 1, 0);
    expect(diffDevices(before, after)).toEqual([]);
  });

  it('reports removed (old list order), then added (new list order), then defaults', () => {
    const before = snapshot([['a', 0], ['gone', 0], ['system', 1]], 0, 0);
    const after = snapshot([['a', 0], ['new1', 0], ['new2', 0]], 1, 0);
    const changes = diffDevices(before, after);
    expect(changes.map((c) => [c.type, c.device?.name])).toEqual([
      ['removed', 'gone'],
      ['removed', 'system'],
      ['added', 'new1'],
      ['added', 'new2'],
      ['defaultInput', 'new1'],
    ]);
    expect(changes[1]).toMatchObject({ hostApiName: 'JACK Audio Connection Kit' });
    expect(changes[4]).toMatchObject({ previous: { name: 'a' } });
  });

  it('tells devices of the same name apart by host API and by order', () => {
    const before = snapshot([['x', 0], ['x', 1]]);
    const after = snapshot([['x', 0], ['x', 0], ['x', 1]]);
    expect(diffDevices(before, after).map((c) => [c.type, c.device?.index])).toEqual([['added', 1]]);
  });

  it('reports a default that appears or goes away with null', () => {
    const before = snapshot([['a', 0]], -1, 0);
    const after = snapshot([['a', 0]], 0, -1);
    expect(diffDevices(before, after)).toEqual([
      { type: 'defaultInput', device: expect.objectContaining({ name: 'a' }), previous: null },
      { type: 'defaultOutput', device: null, previous: expect.objectContaining({ name: 'a' }) },
    ]);
  });
});
