/** `checkInputSettings` / `checkOutputSettings` (PortAudio's `Pa_IsFormatSupported`). */
import type { DType, DeviceKind, DeviceSpec, ExtraSettings } from '@sounddevice/core';
import { callNative } from './native.js';
import { resolveStreamOptions } from './stream-options.js';

/** Options of the settings checks; unspecified values come from `defaults`, then the device. */
export interface CheckSettingsOptions {
  device?: DeviceSpec;
  channels?: number | null;
  dtype?: DType | null;
  extraSettings?: ExtraSettings | null;
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
 *   supported; TypeError/RangeError for invalid values or unknown devices.
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
 *   supported; TypeError/RangeError for invalid values or unknown devices.
 */
export function checkOutputSettings(options: CheckSettingsOptions = {}): void {
  _check('output', options);
}
