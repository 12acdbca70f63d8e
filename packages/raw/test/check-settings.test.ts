/** `checkInputSettings` / `checkOutputSettings`: PortAudio's `Pa_IsFormatSupported` on real devices. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AsioSettings,
  CoreAudioSettings,
  PortAudioError,
  WasapiSettings,
  checkInputSettings,
  checkOutputSettings,
  defaults,
} from '../src/index.js';
import { ALL_DTYPES, testbed } from './helpers.js';

const PA_INVALID_SAMPLE_RATE = -9997;
const PA_INCOMPATIBLE_HOST_API_SPECIFIC_STREAM_INFO = -9984;

function portAudioError(fn: () => void): PortAudioError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PortAudioError) return e;
    throw new Error(`expected a PortAudioError, got ${String(e)}`);
  }
  throw new Error('expected a PortAudioError, nothing was thrown');
}

afterEach(() => defaults.reset());

describe('check*Settings succeed where PortAudio can open the stream', () => {
  it.each(ALL_DTYPES)('%s on the ALSA file PCMs, mono and stereo', (dtype) => {
    for (const channels of [1, 2]) {
      expect(checkOutputSettings({ device: 'vfile_out', channels, dtype, sampleRate: 44100 })).toBeUndefined();
      expect(checkInputSettings({ device: 'vfile_in', channels, dtype, sampleRate: 44100 })).toBeUndefined();
    }
  });

  it("on JACK's system device at the server's rate", () => {
    const sampleRate = testbed().jack.rate;
    expect(checkOutputSettings({ device: 'system', channels: 2, dtype: 'float32', sampleRate })).toBeUndefined();
    expect(checkInputSettings({ device: 'system', channels: 1, dtype: 'int16', sampleRate })).toBeUndefined();
  });

  it('with no options (defaults, then the default devices)', () => {
    expect(checkOutputSettings()).toBeUndefined();
    expect(checkInputSettings()).toBeUndefined();
  });

  it('with defaults filling in what is not given', () => {
    defaults.device = 'system';
    defaults.sampleRate = testbed().jack.rate;
    expect(checkOutputSettings()).toBeUndefined();
    defaults.sampleRate = 44100;
    expect(() => checkOutputSettings()).toThrow(PortAudioError);
  });
});

describe("check*Settings fail with PortAudio's error and code", () => {
  it('for a sample rate the JACK server does not run at', () => {
    const rate = testbed().jack.rate === 44100 ? 48000 : 44100;
    for (const check of [checkOutputSettings, checkInputSettings]) {
      const e = portAudioError(() => check({ device: 'system', sampleRate: rate }));
      expect(e.code).toBe(PA_INVALID_SAMPLE_RATE);
      expect(e.args[1]).toBe(PA_INVALID_SAMPLE_RATE);
      expect(e.message).toMatch(/Invalid sample rate/i);
    }
  });

  it.each([
    ['WasapiSettings', new WasapiSettings({ exclusive: true }), 'vfile_out'],
    ['AsioSettings', new AsioSettings({ channelSelectors: [0, 1] }), 'vfile_out'],
    ['CoreAudioSettings', new CoreAudioSettings({ channelMap: [0, 1] }), 'system'],
  ] as const)('for %s used with another host API (never memory garbage)', (_name, extraSettings, device) => {
    const e = portAudioError(() => checkOutputSettings({ device, channels: 2, extraSettings }));
    expect(e.code).toBe(PA_INCOMPATIBLE_HOST_API_SPECIFIC_STREAM_INFO);
    expect(e.message).toMatch(/host API specific/i);
    const i = portAudioError(() => checkInputSettings({ device, channels: 2, extraSettings }));
    expect(i.code).toBe(PA_INCOMPATIBLE_HOST_API_SPECIFIC_STREAM_INFO);
  });
});

describe('check*Settings reject bad values before PortAudio, naming the parameter', () => {
  it.each([
    [{ dtype: 'float16' }, /dtype/],
    [{ channels: 0 }, /channels/],
    [{ channels: 1.5 }, /channels/],
    [{ sampleRate: -44100 }, /sampleRate/],
    [{ device: 'no such device' }, /no such device/],
    [{ extraSettings: {} }, /extraSettings/],
    [{ samplerate: 44100 }, /'samplerate' \(did you mean 'sampleRate'\?\)/],
    [{ blockSize: 256 }, /blockSize/],
  ])('%o', (options, message) => {
    for (const check of [checkOutputSettings, checkInputSettings]) {
      let error: unknown;
      try {
        check(options as never);
      } catch (e) {
        error = e;
      }
      expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('check*Settings as Python (issue 13)', () => {
  it("more channels than the device has is a PortAudioError with PortAudio's code (paInvalidChannelCount)", () => {
    for (const check of [checkOutputSettings, checkInputSettings]) {
      const e = portAudioError(() => check({ device: 'system', channels: 3 }));
      expect(e.code).toBe(-9998);
      expect(e.message).toMatch(/^Invalid number of channels.*system.*channels must be at most 2 \[PaErrorCode -9998\]$/);
    }
  });

  it('[input, output] pairs: each check uses the half of its direction', () => {
    expect(() => checkOutputSettings({ device: ['no such device', 'system'], channels: [5, 2], dtype: ['float16' as never, 'int16'] })).not.toThrow();
    expect(() => checkInputSettings({ device: ['system', 'no such device'], channels: [2, 5] })).not.toThrow();
    expect(portAudioError(() => checkOutputSettings({ device: 'system', channels: [1, 3] })).code).toBe(-9998);
  });
});
