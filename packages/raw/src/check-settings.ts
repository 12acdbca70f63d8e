/** `checkInputSettings` / `checkOutputSettings` (PortAudio's `Pa_IsFormatSupported`). */
import type { DType, DeviceKind, DeviceSpec, ExtraSettings, PairValue } from '@sounddevice/core';
import { callNative } from './native.js';
import { resolveStreamOptions } from './stream-options.js';

/**
 * Options of the settings checks; unspecified values come from `defaults`,
 * then the device. As in Python, `device`, `channels`, `dtype` and
 * `extraSettings` may be `[input, output]` pairs: the half of the direction
 * checked is used.
 */
export interface CheckSettingsOptions {
  device?: PairValue<DeviceSpec>;
  channels?: PairValue<number>;
  dtype?: PairValue<DType>;
  extraSettings?: PairValue<ExtraSettings>;
  sampleRate?: number | null;
}

const KEYS = ['device', 'channels', 'dtype', 'extraSettings', 'sampleRate'] as const;

function _check(kind: DeviceKind, options: CheckSettingsOptions): void {
  const r = resolveStreamOptions(kind, options, KEYS);
  const direction = kind === 'input' ? r.input : r.output;
  callNative((n) =>
    n.checkSettings(kind === 'input' ? direction?.native : undefined, kind === 'output' ? direction?.native : undefined, r.sampleRate),
  );
}

/**
 * Check whether the given input settings are supported. Returns nothing on
 * success.
 *
 * @param options - `device`, `channels`, `dtype`, `extraSettings`, `sampleRate`.
 * @throws PortAudioError (with PortAudio's code) when they are not
 *   supported, more channels than the device has included
 *   (`paInvalidChannelCount`, -9998, as Python); TypeError/RangeError for
 *   invalid values or unknown devices.
 */
export function checkInputSettings(options: CheckSettingsOptions = {}): void {
  _check('input', options);
}

/**
 * Check whether the given output settings are supported. Returns nothing on
 * success.
 *
 * @param options - `device`, `channels`, `dtype`, `extraSettings`, `sampleRate`.
 * @throws PortAudioError (with PortAudio's code) when they are not
 *   supported, more channels than the device has included
 *   (`paInvalidChannelCount`, -9998, as Python); TypeError/RangeError for
 *   invalid values or unknown devices.
 */
export function checkOutputSettings(options: CheckSettingsOptions = {}): void {
  _check('output', options);
}
