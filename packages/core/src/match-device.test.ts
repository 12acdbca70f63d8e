import { describe, expect, it } from 'vitest';
import { FIXTURE_DEVICES, FIXTURE_HOST_APIS } from './devices.fixture.js';
import { AmbiguousDeviceError, DeviceNotFoundError } from './errors.js';
import { matchDevice } from './match-device.js';

type Kind = 'input' | 'output' | undefined;

function match(query: number | string, kind?: Kind): number {
  return matchDevice(query, kind, FIXTURE_DEVICES, FIXTURE_HOST_APIS);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('matchDevice with a device index', () => {
  it('returns the index of an existing device', () => {
    expect(match(0)).toBe(0);
    expect(match(12)).toBe(12);
  });

  it('does not filter indexes by kind', () => {
    expect(match(3, 'input')).toBe(3);
  });

  it('rejects indexes of devices that do not exist, naming the valid range', () => {
    for (const bad of [13, -1, 1.5, Number.NaN]) {
      const e = thrown(() => match(bad));
      expect(e).toBeInstanceOf(DeviceNotFoundError);
      expect(e).toBeInstanceOf(RangeError);
      expect((e as Error).message).toMatch(/valid device indexes are 0 to 12/);
      expect((e as Error).message).toContain(`got ${Number.isNaN(bad) ? 'NaN' : bad}`);
    }
  });

  it('says when there are no devices at all', () => {
    expect(() => matchDevice(0, undefined, [], [])).toThrow(/there are no devices/);
  });
});

describe('matchDevice with a query string', () => {
  it('selects the only device containing the substring, ignoring case', () => {
    expect(match('vzero')).toBe(4);
    expect(match('VZERO')).toBe(4);
    expect(match('hdmi')).toBe(1);
    expect(match('system')).toBe(8);
    expect(match('/dev/dsp')).toBe(11);
  });

  it('requires all space-separated pieces, in order', () => {
    expect(match('vfile out')).toBe(3);
    expect(match('  vfile   out ')).toBe(3);
    expect(match('hda analog')).toBe(0);
    expect(() => match('out vfile')).toThrow(DeviceNotFoundError);
    expect(() => match('analog hda')).toThrow(DeviceNotFoundError);
  });

  it('does not let pieces overlap: each piece starts after the previous one ends', () => {
    expect(() => match('vfile vfile')).toThrow(DeviceNotFoundError);
    expect(() => match('vzero zero')).toThrow(DeviceNotFoundError);
    expect(match('vz ero')).toBe(4);
  });

  it('matches the host API name after the device name', () => {
    expect(match('system jack')).toBe(8);
    expect(match('default oss')).toBe(12);
    expect(match('dsp, oss')).toBe(11);
    expect(() => match('oss dsp')).toThrow(DeviceNotFoundError);
  });

  it('considers only devices with channels of the requested kind', () => {
    expect(match('vfile', 'input')).toBe(2);
    expect(match('vfile', 'output')).toBe(3);
    expect(match('pulseaudio jack', 'output')).toBe(9);
    expect(match('pulseaudio jack', 'input')).toBe(10);
    expect(() => match('vfile_out', 'input')).toThrow(DeviceNotFoundError);
  });

  it('prefers the device whose name equals the query when several match', () => {
    // 'pulse' also matches 'PulseAudio JACK Sink' and 'PulseAudio JACK Source'
    expect(match('pulse')).toBe(5);
    expect(match('PULSE', 'input')).toBe(5);
    // 'sysdefault' is a plain unique match
    expect(match('sysdefault')).toBe(6);
  });

  it('prefers the device whose "name, host API" equals the query', () => {
    expect(match('default, alsa')).toBe(7);
    expect(match('Default, OSS')).toBe(12);
  });

  it('reports an exact name shared by devices of two host APIs as ambiguous', () => {
    const e = thrown(() => match('default'));
    expect(e).toBeInstanceOf(AmbiguousDeviceError);
    expect(e).toBeInstanceOf(RangeError);
    const error = e as AmbiguousDeviceError;
    expect(error.name).toBe('AmbiguousDeviceError');
    expect(error.candidates).toEqual([
      { index: 6, name: 'sysdefault, ALSA' },
      { index: 7, name: 'default, ALSA' },
      { index: 12, name: 'default, OSS' },
    ]);
    expect(error.message).toBe(
      "Multiple devices found for 'default'; use a device index or a more specific query " +
        '(the host API name can be included):\n' +
        '[6] sysdefault, ALSA\n[7] default, ALSA\n[12] default, OSS',
    );
  });

  it('reports several substring matches as ambiguous, listing each', () => {
    const e = thrown(() => match('vfile')) as AmbiguousDeviceError;
    expect(e).toBeInstanceOf(AmbiguousDeviceError);
    expect(e.candidates.map((c) => c.index)).toEqual([2, 3]);
    expect(e.message).toContain("Multiple devices found for 'vfile'");
    expect(e.message).toContain('[2] vfile_in, ALSA\n[3] vfile_out, ALSA');

    const jack = thrown(() => match('jack', 'output')) as AmbiguousDeviceError;
    expect(jack.message).toContain("Multiple output devices found for 'jack'");
    expect(jack.candidates.map((c) => c.index)).toEqual([8, 9]);
  });

  it('lists the available devices of the requested kind when nothing matches', () => {
    const e = thrown(() => match('hdmi', 'input')) as DeviceNotFoundError;
    expect(e).toBeInstanceOf(DeviceNotFoundError);
    expect(e.name).toBe('DeviceNotFoundError');
    expect(e.message.split('\n').slice(0, 3)).toEqual([
      "No input device matching 'hdmi'.",
      'Available input devices:',
      '[0] HDA Intel PCH: ALC257 Analog (hw:0,0), ALSA',
    ]);
    expect(e.message).toContain('[2] vfile_in, ALSA');
    expect(e.message).not.toContain('vfile_out');
    expect(e.message).not.toContain('HDMI');
    expect(e.candidates.map((c) => c.index)).toEqual([0, 2, 4, 5, 6, 7, 8, 10, 11, 12]);

    const any = thrown(() => match('xyz')) as DeviceNotFoundError;
    expect(any.message).toMatch(/^No device matching 'xyz'\.\nAvailable devices:\n\[0\] /);
    expect(any.candidates).toHaveLength(13);
  });

  it('says so when there are no devices of the requested kind', () => {
    const outputsOnly = FIXTURE_DEVICES.filter((d) => d.maxInputChannels === 0);
    expect(() => matchDevice('x', 'input', outputsOnly, FIXTURE_HOST_APIS)).toThrow(
      "No input device matching 'x'.\nThere are no input devices.",
    );
  });

  it('selects the only device when the query is empty, and is ambiguous otherwise', () => {
    expect(matchDevice('', undefined, FIXTURE_DEVICES.slice(0, 1), FIXTURE_HOST_APIS)).toBe(0);
    expect(() => match('')).toThrow(AmbiguousDeviceError);
  });
});

describe('matchDevice argument checks', () => {
  it('rejects queries that are neither numbers nor strings', () => {
    for (const bad of [true, null, undefined, {}, [1], 1n]) {
      expect(() => match(bad as never)).toThrow(TypeError);
    }
    expect(() => match(null as never)).toThrow(/device must be a device index \(number\) or a query string, got null/);
  });

  it('treats a null kind like undefined', () => {
    expect(matchDevice('vzero', null, FIXTURE_DEVICES, FIXTURE_HOST_APIS)).toBe(4);
  });

  it('rejects unknown kinds', () => {
    expect(() => match('vzero', 'both' as never)).toThrow(RangeError);
    expect(() => match('vzero', 'both' as never)).toThrow("kind must be one of 'input', 'output', got 'both'");
    expect(() => match('vzero', 1 as never)).toThrow(TypeError);
  });
});
