import { describe, expect, it } from 'vitest';
import {
  AsioSettings,
  CoreAudioFlags,
  CoreAudioSettings,
  WasapiFlags,
  WasapiSettings,
  isExtraSettings,
} from './settings.js';

describe('AsioSettings', () => {
  it('holds the channel selectors and converts them for the addon', () => {
    const input = [12, 13];
    const asio = new AsioSettings({ channelSelectors: input });
    input.push(14);
    expect(asio.channelSelectors).toEqual([12, 13]);
    expect(Object.isFrozen(asio.channelSelectors)).toBe(true);
    expect(asio.toNative()).toEqual({ kind: 'asio', channelSelectors: [12, 13] });
    expect(new AsioSettings({ channelSelectors: [0] }).toNative()).toEqual({ kind: 'asio', channelSelectors: [0] });
  });

  it('validates the options', () => {
    expect(() => new AsioSettings({} as never)).toThrow(TypeError);
    expect(() => new AsioSettings({} as never)).toThrow(/^channelSelectors must be a non-empty array/);
    expect(() => new AsioSettings([1, 2] as never)).toThrow(
      'AsioSettings options must be an options object, got [1, 2]',
    );
    expect(() => new AsioSettings({ channelSelectors: [] })).toThrow(RangeError);
    expect(() => new AsioSettings({ channelSelectors: [1, -1] })).toThrow(
      new RangeError(
        'channelSelectors must be a non-empty array of non-negative integer channel numbers, got -1 at position 1',
      ),
    );
    expect(() => new AsioSettings({ channelSelectors: [0.5] })).toThrow(RangeError);
    expect(() => new AsioSettings({ channelSelectors: ['1'] as never })).toThrow(TypeError);
    expect(() => new AsioSettings({ channel_selectors: [1] } as never)).toThrow(
      /unknown key 'channel_selectors' \(did you mean 'channelSelectors'\?\)/,
    );
  });
});

describe('CoreAudioSettings', () => {
  it('has Python defaults', () => {
    const ca = new CoreAudioSettings();
    expect(ca.channelMap).toBeNull();
    expect(ca.changeDeviceParameters).toBe(false);
    expect(ca.failIfConversionRequired).toBe(false);
    expect(ca.conversionQuality).toBe('max');
    expect(ca.toNative()).toEqual({ kind: 'coreaudio', channelMap: null, flags: 0 });
  });

  it('computes the PortAudio Mac Core flags', () => {
    const flags = (options: ConstructorParameters<typeof CoreAudioSettings>[0]): number =>
      new CoreAudioSettings(options).toNative().flags;
    expect(flags({ conversionQuality: 'min' })).toBe(0x0100);
    expect(flags({ conversionQuality: 'medium' })).toBe(0x0200);
    expect(flags({ conversionQuality: 'low' })).toBe(0x0300);
    expect(flags({ conversionQuality: 'high' })).toBe(0x0400);
    expect(flags({ conversionQuality: 'max' })).toBe(0x0000);
    expect(flags({ changeDeviceParameters: true })).toBe(0x01);
    expect(flags({ changeDeviceParameters: true, failIfConversionRequired: true, conversionQuality: 'high' })).toBe(
      0x0403,
    );
    expect(CoreAudioFlags.failIfConversionRequired).toBe(0x02);
  });

  it("takes conversionQuality in any case, as Python's lower() does (issue 13)", () => {
    expect(new CoreAudioSettings({ conversionQuality: 'High' }).conversionQuality).toBe('high');
    expect(new CoreAudioSettings({ conversionQuality: 'MIN' }).toNative().flags).toBe(0x0100);
    expect(new CoreAudioSettings({ conversionQuality: 'mEdIuM' as never }).conversionQuality).toBe('medium');
    expect(() => new CoreAudioSettings({ conversionQuality: 'best' as never })).toThrow(/conversionQuality/);
  });

  it('holds the channel map, with -1 for unused output channels', () => {
    const ca = new CoreAudioSettings({ channelMap: [-1, -1, 0, -1, 1, -1] });
    expect(ca.toNative()).toEqual({ kind: 'coreaudio', channelMap: [-1, -1, 0, -1, 1, -1], flags: 0 });
    expect(new CoreAudioSettings({ channelMap: null }).channelMap).toBeNull();
    expect(new CoreAudioSettings({ channelMap: undefined }).channelMap).toBeNull();
  });

  it('validates the options', () => {
    expect(() => new CoreAudioSettings({ channelMap: [-2] })).toThrow(RangeError);
    expect(() => new CoreAudioSettings({ channelMap: [] })).toThrow(RangeError);
    expect(() => new CoreAudioSettings({ channelMap: 'x' as never })).toThrow(
      "channelMap must be null or a non-empty array of integers >= -1, got 'x'",
    );
    expect(() => new CoreAudioSettings({ changeDeviceParameters: 1 as never })).toThrow(
      new TypeError('changeDeviceParameters must be true or false, got 1'),
    );
    expect(() => new CoreAudioSettings({ failIfConversionRequired: 'yes' as never })).toThrow(TypeError);
    expect(() => new CoreAudioSettings({ conversionQuality: 'best' as never })).toThrow(
      new RangeError("conversionQuality must be one of 'min', 'low', 'medium', 'high', 'max', got 'best'"),
    );
    expect(() => new CoreAudioSettings({ conversion_quality: 'min' } as never)).toThrow(
      /did you mean 'conversionQuality'/,
    );
    expect(() => new CoreAudioSettings(null as never)).toThrow(TypeError);
  });
});

describe('WasapiSettings', () => {
  it('computes the PortAudio WASAPI flags', () => {
    expect(new WasapiSettings().toNative()).toEqual({ kind: 'wasapi', flags: 0 });
    expect(new WasapiSettings({ exclusive: true }).toNative()).toEqual({ kind: 'wasapi', flags: 1 });
    expect(new WasapiSettings({ autoConvert: true }).toNative().flags).toBe(64);
    expect(new WasapiSettings({ explicitSampleFormat: true }).toNative().flags).toBe(32);
    expect(new WasapiSettings({ exclusive: true, autoConvert: true, explicitSampleFormat: true }).toNative().flags).toBe(
      97,
    );
    expect(WasapiFlags).toEqual({ exclusive: 1, explicitSampleFormat: 32, autoConvert: 64 });
  });

  it('exposes the options', () => {
    const wasapi = new WasapiSettings({ exclusive: true });
    expect(wasapi.exclusive).toBe(true);
    expect(wasapi.autoConvert).toBe(false);
    expect(wasapi.explicitSampleFormat).toBe(false);
  });

  it('validates the options', () => {
    expect(() => new WasapiSettings({ exclusive: 'true' as never })).toThrow(
      new TypeError("exclusive must be true or false, got 'true'"),
    );
    expect(() => new WasapiSettings({ loopback: true } as never)).toThrow(
      "WasapiSettings options must be an object with only the keys exclusive, autoConvert, explicitSampleFormat, got unknown key 'loopback'",
    );
  });
});

describe('isExtraSettings', () => {
  it('recognises the three settings classes only', () => {
    expect(isExtraSettings(new AsioSettings({ channelSelectors: [1] }))).toBe(true);
    expect(isExtraSettings(new CoreAudioSettings())).toBe(true);
    expect(isExtraSettings(new WasapiSettings())).toBe(true);
    expect(isExtraSettings({ kind: 'wasapi', flags: 1 })).toBe(false);
    expect(isExtraSettings(new WasapiSettings().toNative())).toBe(false);
    expect(isExtraSettings(null)).toBe(false);
    expect(isExtraSettings('asio')).toBe(false);
  });

  it('recognises settings made by another copy of this package', () => {
    const foreign = { [Symbol.for('@sounddevice/core.extraSettings')]: 'wasapi', toNative: () => ({}) };
    expect(isExtraSettings(foreign)).toBe(true);
  });
});
