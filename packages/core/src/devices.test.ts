import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DeviceList, hostApiName } from './devices.js';
import { FIXTURE_DEVICES, FIXTURE_HOST_APIS } from './devices.fixture.js';

const EXPECTED = [
  '   0 HDA Intel PCH: ALC257 Analog (hw:0,0), ALSA (2 in, 2 out)',
  '   1 HDA Intel PCH: HDMI 0 (hw:0,3), ALSA (0 in, 8 out)',
  '   2 vfile_in, ALSA (2 in, 0 out)',
  '   3 vfile_out, ALSA (0 in, 2 out)',
  '   4 vzero, ALSA (128 in, 128 out)',
  '   5 pulse, ALSA (32 in, 32 out)',
  '   6 sysdefault, ALSA (128 in, 128 out)',
  '*  7 default, ALSA (128 in, 128 out)',
  '   8 system, JACK Audio Connection Kit (2 in, 2 out)',
  '   9 PulseAudio JACK Sink, JACK Audio Connection Kit (0 in, 2 out)',
  '  10 PulseAudio JACK Source, JACK Audio Connection Kit (2 in, 0 out)',
  '  11 /dev/dsp, OSS (16 in, 16 out)',
  '  12 default, OSS (2 in, 2 out)',
].join('\n');

function fixtureList(defaultInput = 7, defaultOutput = 7): DeviceList {
  return DeviceList.create(FIXTURE_DEVICES, { hostApis: FIXTURE_HOST_APIS, defaultInput, defaultOutput });
}

describe('DeviceList', () => {
  it('prints one line per device with markers and aligned indexes', () => {
    expect(fixtureList().toString()).toBe(EXPECTED);
  });

  it('marks the default input with > and the default output with <', () => {
    const lines = fixtureList(2, 3).toString().split('\n');
    expect(lines[2]).toBe('>  2 vfile_in, ALSA (2 in, 0 out)');
    expect(lines[3]).toBe('<  3 vfile_out, ALSA (0 in, 2 out)');
    expect(lines[7]).toBe('   7 default, ALSA (128 in, 128 out)');
  });

  it('uses no padding when all indexes have one digit', () => {
    const list = DeviceList.create(FIXTURE_DEVICES.slice(0, 4), {
      hostApis: FIXTURE_HOST_APIS,
      defaultOutput: 3,
    });
    expect(list.toString()).toBe(
      [
        '  0 HDA Intel PCH: ALC257 Analog (hw:0,0), ALSA (2 in, 2 out)',
        '  1 HDA Intel PCH: HDMI 0 (hw:0,3), ALSA (0 in, 8 out)',
        '  2 vfile_in, ALSA (2 in, 0 out)',
        '< 3 vfile_out, ALSA (0 in, 2 out)',
      ].join('\n'),
    );
  });

  it('shows the same text in console.log / util.inspect and String()', () => {
    const list = fixtureList();
    expect(inspect(list)).toBe(EXPECTED);
    expect(String(list)).toBe(EXPECTED);
    expect(`${list}`).toBe(EXPECTED);
  });

  it('is an array of the devices', () => {
    const list = fixtureList();
    expect(Array.isArray(list)).toBe(true);
    expect(list).toHaveLength(13);
    expect(list[3]).toBe(FIXTURE_DEVICES[3]);
    expect([...list].map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(list.defaultInput).toBe(7);
    expect(list.defaultOutput).toBe(7);
    expect(list.hostApis).toHaveLength(3);
    expect(Object.keys(list)).toHaveLength(13);
    expect(JSON.parse(JSON.stringify(list))).toEqual(FIXTURE_DEVICES);
  });

  it('returns plain arrays from map, filter and slice', () => {
    const list = fixtureList();
    const names = list.map((d) => d.name);
    expect(names.constructor).toBe(Array);
    expect(names[7]).toBe('default');
    const inputs = list.filter((d) => d.maxInputChannels > 0);
    expect(inputs.constructor).toBe(Array);
    expect(inputs.map((d) => d.index)).toEqual([0, 2, 4, 5, 6, 7, 8, 10, 11, 12]);
    expect(list.slice(0, 2).constructor).toBe(Array);
  });

  it('works with Array.from and Array.of called on the class', () => {
    const copy = DeviceList.from(FIXTURE_DEVICES.slice(0, 2));
    expect(copy).toHaveLength(2);
    expect(copy.toString()).toBe(
      '  0 HDA Intel PCH: ALC257 Analog (hw:0,0), host API 0 (2 in, 2 out)\n' +
        '  1 HDA Intel PCH: HDMI 0 (hw:0,3), host API 0 (0 in, 8 out)',
    );
    const [first] = FIXTURE_DEVICES;
    expect(DeviceList.of(first!)).toHaveLength(1);
  });

  it('prints nothing for an empty list, and has no marks without defaults', () => {
    expect(DeviceList.create([]).toString()).toBe('');
    const list = DeviceList.create(FIXTURE_DEVICES.slice(2, 3), { hostApis: FIXTURE_HOST_APIS });
    expect(list.toString()).toBe('  2 vfile_in, ALSA (2 in, 0 out)');
    expect(list.defaultInput).toBe(-1);
  });
});

describe('hostApiName', () => {
  it('finds a host API by index and falls back to a placeholder', () => {
    expect(hostApiName(FIXTURE_HOST_APIS, 1)).toBe('JACK Audio Connection Kit');
    expect(hostApiName(FIXTURE_HOST_APIS, 5)).toBe('host API 5');
    expect(hostApiName([], 0)).toBe('host API 0');
  });
});
