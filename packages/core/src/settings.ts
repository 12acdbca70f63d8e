/**
 * Host-API-specific stream settings (`extraSettings`).
 *
 * @module
 */

import { checkBoolean, checkOneOf, checkUnknownKeys, describe } from './validate.js';

/** Marks settings objects, also across duplicate copies of this package. */
const BRAND = Symbol.for('@sounddevice/core.extraSettings');

/** PortAudio's Mac Core Audio stream flags (`pa_mac_core.h`). */
export const CoreAudioFlags = Object.freeze({
  /** `paMacCoreChangeDeviceParameters` */
  changeDeviceParameters: 0x01,
  /** `paMacCoreFailIfConversionRequired` */
  failIfConversionRequired: 0x02,
  /** `paMacCoreConversionQualityMin` */
  conversionQualityMin: 0x0100,
  /** `paMacCoreConversionQualityMedium` */
  conversionQualityMedium: 0x0200,
  /** `paMacCoreConversionQualityLow` */
  conversionQualityLow: 0x0300,
  /** `paMacCoreConversionQualityHigh` */
  conversionQualityHigh: 0x0400,
  /** `paMacCoreConversionQualityMax` */
  conversionQualityMax: 0x0000,
});

/** PortAudio's WASAPI stream flags (`PaWasapiFlags` in `pa_win_wasapi.h`) used here. */
export const WasapiFlags = Object.freeze({
  /** `paWinWasapiExclusive` */
  exclusive: 1 << 0,
  /** `paWinWasapiExplicitSampleFormat` */
  explicitSampleFormat: 1 << 5,
  /** `paWinWasapiAutoConvert` */
  autoConvert: 1 << 6,
});

/** Sample rate conversion quality of Core Audio. */
export type ConversionQuality = 'min' | 'low' | 'medium' | 'high' | 'max';

const CONVERSION_QUALITIES: readonly ConversionQuality[] = ['min', 'low', 'medium', 'high', 'max'];

const QUALITY_FLAGS: Readonly<Record<ConversionQuality, number>> = {
  min: CoreAudioFlags.conversionQualityMin,
  low: CoreAudioFlags.conversionQualityLow,
  medium: CoreAudioFlags.conversionQualityMedium,
  high: CoreAudioFlags.conversionQualityHigh,
  max: CoreAudioFlags.conversionQualityMax,
};

/** What {@link AsioSettings.toNative} returns. */
export interface NativeAsioSettings {
  kind: 'asio';
  channelSelectors: number[];
}

/** What {@link CoreAudioSettings.toNative} returns. */
export interface NativeCoreAudioSettings {
  kind: 'coreaudio';
  channelMap: number[] | null;
  flags: number;
}

/** What {@link WasapiSettings.toNative} returns. */
export interface NativeWasapiSettings {
  kind: 'wasapi';
  flags: number;
}

/** What the `toNative()` method of any {@link ExtraSettings} returns. */
export type NativeExtraSettings = NativeAsioSettings | NativeCoreAudioSettings | NativeWasapiSettings;

function _checkIntegerList(value: unknown, param: string, min: number, allowed: string): readonly number[] {
  if (!Array.isArray(value)) throw new TypeError(`${param} must be ${allowed}, got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${param} must be ${allowed}, got an empty array`);
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'number') {
      throw new TypeError(`${param} must be ${allowed}, got ${describe(item)} at position ${i}`);
    }
    if (!Number.isSafeInteger(item) || item < min) {
      throw new RangeError(`${param} must be ${allowed}, got ${describe(item)} at position ${i}`);
    }
  });
  return Object.freeze([...(value as number[])]);
}

function _brand(ctor: { prototype: object }, kind: NativeExtraSettings['kind']): void {
  Object.defineProperty(ctor.prototype, BRAND, { value: kind });
}

function _optionalBoolean(value: unknown, param: string): boolean {
  return value === undefined ? false : checkBoolean(value, param);
}

/** Options of {@link AsioSettings}. */
export interface AsioSettingsOptions {
  /**
   * The zero-based device channels to open, one per stream channel: its length
   * must equal the stream's number of channels.
   */
  channelSelectors: readonly number[];
}

/**
 * ASIO-specific input or output settings: open only some channels of an ASIO
 * device.
 *
 * Pass it as `extraSettings` of a stream, `play()`/`rec()`/`playrec()` or
 * `checkInputSettings()`/`checkOutputSettings()`, or assign it to
 * `defaults.extraSettings`; use an `[input, output]` pair for different
 * input and output settings.
 *
 * ```ts
 * const asioOut = new AsioSettings({ channelSelectors: [12, 13] });
 * play(data, { extraSettings: asioOut });
 * ```
 */
export class AsioSettings {
  /** The zero-based device channel numbers to use. */
  readonly channelSelectors: readonly number[];

  /**
   * @param options - `channelSelectors`: a non-empty array of non-negative
   *   integers, the zero-based channel numbers of the device to use; its
   *   length must match the stream's channel count.
   * @throws TypeError for a missing or wrongly typed option or an unknown
   *   option key.
   * @throws RangeError for an empty array or negative or fractional channel
   *   numbers.
   */
  constructor(options: AsioSettingsOptions) {
    checkUnknownKeys(options, ['channelSelectors'], 'AsioSettings options');
    this.channelSelectors = _checkIntegerList(
      options.channelSelectors,
      'channelSelectors',
      0,
      'a non-empty array of non-negative integer channel numbers',
    );
  }

  /** Plain object for the native addon. */
  toNative(): NativeAsioSettings {
    return { kind: 'asio', channelSelectors: [...this.channelSelectors] };
  }
}
_brand(AsioSettings, 'asio');

/** Options of {@link CoreAudioSettings}. */
export interface CoreAudioSettingsOptions {
  /**
   * Open only some channels. For input: the zero-based device channels to
   * use. For output: one entry per device output channel, -1 for an unused
   * channel, otherwise the zero-based stream channel to send to it.
   * Default `null` (no mapping).
   */
  channelMap?: readonly number[] | null | undefined;
  /**
   * Let PortAudio change device parameters such as the buffer size, for lower
   * latency; this can disturb other programs using the device. Default `false`.
   */
  changeDeviceParameters?: boolean | undefined;
  /**
   * With `changeDeviceParameters`, fail to open unless the device supports the
   * exact sample rate. Default `false`.
   */
  failIfConversionRequired?: boolean | undefined;
  /**
   * Core Audio's sample rate conversion quality, case-insensitive as in
   * Python (`'High'` is `'high'`). Default `'max'`.
   */
  conversionQuality?: ConversionQuality | Uppercase<ConversionQuality> | Capitalize<ConversionQuality> | undefined;
}

/**
 * Mac Core Audio-specific input or output settings.
 *
 * ```ts
 * // a device with 6 inputs and 6 outputs: record its 2nd and 4th input,
 * // play to its 3rd and 5th output
 * const caIn = new CoreAudioSettings({ channelMap: [1, 3] });
 * const caOut = new CoreAudioSettings({ channelMap: [-1, -1, 0, -1, 1, -1] });
 * playrec(data, { channels: 2, extraSettings: [caIn, caOut] });
 * ```
 */
export class CoreAudioSettings {
  /** The channel map, or `null` for none. */
  readonly channelMap: readonly number[] | null;
  /** Whether PortAudio may change device parameters. */
  readonly changeDeviceParameters: boolean;
  /** Whether opening fails unless the exact sample rate is supported. */
  readonly failIfConversionRequired: boolean;
  /** The sample rate conversion quality. */
  readonly conversionQuality: ConversionQuality;

  /**
   * @param options - `channelMap` (array of integers ≥ -1, or `null`),
   *   `changeDeviceParameters`, `failIfConversionRequired` (booleans),
   *   `conversionQuality` (`'min'`, `'low'`, `'medium'`, `'high'` or `'max'`,
   *   in any case; stored in lower case);
   *   all optional, see {@link CoreAudioSettingsOptions}.
   * @throws TypeError for a wrongly typed option or an unknown option key.
   * @throws RangeError for an empty channel map, channel numbers below -1 or
   *   fractional, or an unknown conversion quality.
   */
  constructor(options: CoreAudioSettingsOptions = {}) {
    checkUnknownKeys(
      options,
      ['channelMap', 'changeDeviceParameters', 'failIfConversionRequired', 'conversionQuality'],
      'CoreAudioSettings options',
    );
    this.channelMap =
      options.channelMap === undefined || options.channelMap === null
        ? null
        : _checkIntegerList(options.channelMap, 'channelMap', -1, 'null or a non-empty array of integers >= -1');
    this.changeDeviceParameters = _optionalBoolean(options.changeDeviceParameters, 'changeDeviceParameters');
    this.failIfConversionRequired = _optionalBoolean(options.failIfConversionRequired, 'failIfConversionRequired');
    const quality = options.conversionQuality;
    // Case-insensitive, as Python's conversion_quality ('High' is 'high').
    this.conversionQuality =
      quality === undefined
        ? 'max'
        : checkOneOf(typeof quality === 'string' ? quality.toLowerCase() : quality, CONVERSION_QUALITIES, 'conversionQuality');
  }

  /** Plain object for the native addon, with the PortAudio Mac Core flags. */
  toNative(): NativeCoreAudioSettings {
    let flags = QUALITY_FLAGS[this.conversionQuality];
    if (this.changeDeviceParameters) flags |= CoreAudioFlags.changeDeviceParameters;
    if (this.failIfConversionRequired) flags |= CoreAudioFlags.failIfConversionRequired;
    return { kind: 'coreaudio', channelMap: this.channelMap === null ? null : [...this.channelMap], flags };
  }
}
_brand(CoreAudioSettings, 'coreaudio');

/** Options of {@link WasapiSettings}. */
export interface WasapiSettingsOptions {
  /** Exclusive mode: deliver audio directly to the device, bypassing the system mixer. Default `false`. */
  exclusive?: boolean | undefined;
  /**
   * Shared mode only: let Windows convert channels and sample rate when the
   * stream does not match the system mixer's format. Default `false`.
   */
  autoConvert?: boolean | undefined;
  /**
   * Use exactly the requested sample format and fail if the device (exclusive
   * mode) or the system mixer (shared mode) does not support it. Default
   * `false`.
   */
  explicitSampleFormat?: boolean | undefined;
}

/**
 * Windows WASAPI-specific input or output settings.
 *
 * ```ts
 * play(data, { extraSettings: new WasapiSettings({ exclusive: true }) });
 * ```
 */
export class WasapiSettings {
  /** Whether the stream is opened in exclusive mode. */
  readonly exclusive: boolean;
  /** Whether Windows may convert the format in shared mode. */
  readonly autoConvert: boolean;
  /** Whether the exact sample format is required. */
  readonly explicitSampleFormat: boolean;

  /**
   * @param options - `exclusive`, `autoConvert`, `explicitSampleFormat`
   *   (booleans, all optional, default `false`), see
   *   {@link WasapiSettingsOptions}.
   * @throws TypeError for a non-boolean option or an unknown option key.
   */
  constructor(options: WasapiSettingsOptions = {}) {
    checkUnknownKeys(options, ['exclusive', 'autoConvert', 'explicitSampleFormat'], 'WasapiSettings options');
    this.exclusive = _optionalBoolean(options.exclusive, 'exclusive');
    this.autoConvert = _optionalBoolean(options.autoConvert, 'autoConvert');
    this.explicitSampleFormat = _optionalBoolean(options.explicitSampleFormat, 'explicitSampleFormat');
  }

  /** Plain object for the native addon, with the PortAudio WASAPI flags. */
  toNative(): NativeWasapiSettings {
    let flags = 0;
    if (this.exclusive) flags |= WasapiFlags.exclusive;
    if (this.autoConvert) flags |= WasapiFlags.autoConvert;
    if (this.explicitSampleFormat) flags |= WasapiFlags.explicitSampleFormat;
    return { kind: 'wasapi', flags };
  }
}
_brand(WasapiSettings, 'wasapi');

/** Any host-API-specific settings object. */
export type ExtraSettings = AsioSettings | CoreAudioSettings | WasapiSettings;

/**
 * Tell whether a value is a host-API-specific settings object
 * ({@link AsioSettings}, {@link CoreAudioSettings} or {@link WasapiSettings}),
 * also one created by another copy of this package.
 *
 * @param x - Any value.
 * @returns `true` if `x` is an {@link ExtraSettings}.
 */
export function isExtraSettings(x: unknown): x is ExtraSettings {
  if (x instanceof AsioSettings || x instanceof CoreAudioSettings || x instanceof WasapiSettings) return true;
  if (typeof x !== 'object' || x === null) return false;
  const kind: unknown = Reflect.get(x, BRAND);
  return (
    (kind === 'asio' || kind === 'coreaudio' || kind === 'wasapi') &&
    typeof (x as { toNative?: unknown }).toNative === 'function'
  );
}
