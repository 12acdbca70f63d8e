/** Device and host API queries, and device selection by index or name. */
import {
  type DeviceInfo,
  type DeviceKind,
  type DeviceSpec,
  type HostApiInfo,
  DeviceList,
  checkNonNegativeInteger,
  checkOneOf,
  defaults,
  describe,
  matchDevice,
} from '@sounddevice/core';
import { callNative } from './native.js';

function _hostApis(): HostApiInfo[] {
  return callNative((n) => n.queryHostApis()).map((h) => ({
    name: h.name,
    index: h.index,
    devices: h.devices,
    defaultInputDevice: h.defaultInputDevice,
    defaultOutputDevice: h.defaultOutputDevice,
  }));
}

function _devices(): DeviceInfo[] {
  return callNative((n) => n.queryDevices()).map((d) => ({
    name: d.name,
    index: d.index,
    hostApi: d.hostApi,
    maxInputChannels: d.maxInputChannels,
    maxOutputChannels: d.maxOutputChannels,
    defaultLowInputLatency: d.defaultLowInputLatency,
    defaultLowOutputLatency: d.defaultLowOutputLatency,
    defaultHighInputLatency: d.defaultHighInputLatency,
    defaultHighOutputLatency: d.defaultHighOutputLatency,
    defaultSampleRate: d.defaultSampleRate,
  }));
}

/**
 * The device used for `kind` when none is named: `defaults.device` if set,
 * else PortAudio's default. Returns -1 when there is none.
 */
function _defaultDeviceIndex(kind: DeviceKind, devices: DeviceInfo[], hostApis: HostApiInfo[]): number {
  // What was set (null: nothing): reading `defaults.device` would give
  // PortAudio's default index for an unset half.
  const spec = defaults.snapshot().device[kind === 'input' ? 0 : 1];
  if (spec !== null && spec !== undefined) return matchDevice(spec, kind, devices, hostApis);
  const [input, output] = callNative((n) => n.defaultDevices());
  return (kind === 'input' ? input : output) ?? -1;
}

/**
 * Resolve a device given by index, by name substrings or not at all to a
 * device index, as stream constructors do.
 *
 * @param device - Index, query string, or `null`/`undefined` for the default.
 * @param kind - Which direction the device is for.
 * @returns The device index.
 * @throws RangeError (DeviceNotFoundError/AmbiguousDeviceError) for no or
 *   several matches, PortAudioError when there is no default device.
 */
export function resolveDevice(device: DeviceSpec | undefined, kind: DeviceKind): number {
  const devices = _devices();
  const hostApis = _hostApis();
  const index =
    device === null || device === undefined
      ? _defaultDeviceIndex(kind, devices, hostApis)
      : matchDevice(device, kind, devices, hostApis);
  if (index < 0) {
    throw new RangeError(
      `No default ${kind} device is available (PortAudio lists ${devices.length} device(s)); ` +
        'name one with the device option or defaults.device',
    );
  }
  return index;
}

/**
 * Information about the available devices (Python's `query_devices()`).
 *
 * - No arguments: a {@link DeviceList} of every device; printing it shows
 *   one line per device with `>`/`<`/`*` marking the default input/output.
 * - `device` (index or name substrings): that device's {@link DeviceInfo}.
 * - Only `kind` (`'input'` or `'output'`): the default device of that kind.
 *
 * @param device - Device index or space-separated name substrings.
 * @param kind - `'input'` or `'output'`: only devices with channels of that
 *   kind match, and with no `device` the default of that kind is returned.
 *   A device given by index that has no channels of that kind is refused,
 *   as in Python ("Not an input device: 'name'").
 * @returns The list, or one device.
 * @throws RangeError if the device matches nothing or several devices, or
 *   has no channels of `kind`.
 */
export function queryDevices(): DeviceList;
export function queryDevices(device: DeviceSpec | undefined, kind?: DeviceKind): DeviceInfo;
export function queryDevices(device?: DeviceSpec, kind?: DeviceKind): DeviceList | DeviceInfo {
  if (kind !== undefined) checkOneOf(kind, ['input', 'output'], 'kind');
  const devices = _devices();
  const hostApis = _hostApis();
  if ((device === undefined || device === null) && kind === undefined) {
    const [input, output] = [
      _safeDefault('input', devices, hostApis),
      _safeDefault('output', devices, hostApis),
    ];
    return DeviceList.create(devices, { hostApis, defaultInput: input, defaultOutput: output });
  }
  const index =
    device === undefined || device === null
      ? _defaultDeviceIndex(kind!, devices, hostApis)
      : matchDevice(device, kind, devices, hostApis);
  const info = devices[index];
  if (info === undefined) {
    throw new RangeError(`No ${kind ?? ''} device available${index < 0 ? ' (there is no default device)' : ''}`);
  }
  if (kind !== undefined && (kind === 'input' ? info.maxInputChannels : info.maxOutputChannels) < 1) {
    throw new RangeError(`Not an ${kind} device: '${info.name}' (device ${index} has no ${kind} channels)`);
  }
  return info;
}

function _safeDefault(kind: DeviceKind, devices: DeviceInfo[], hostApis: HostApiInfo[]): number {
  try {
    return _defaultDeviceIndex(kind, devices, hostApis);
  } catch {
    return -1;
  }
}

/**
 * Information about the host APIs (Python's `query_hostapis()`).
 *
 * @param index - A host API index; without it (or with `null`, as Python's
 *   `None`), every host API is returned.
 * @returns One {@link HostApiInfo} (`name`, `devices`, `defaultInputDevice`,
 *   `defaultOutputDevice`; -1 when there is no default), or all of them.
 * @throws RangeError if `index` is not a valid host API index.
 */
export function queryHostApis(index?: null): HostApiInfo[];
export function queryHostApis(index: number): HostApiInfo;
export function queryHostApis(index?: number | null): HostApiInfo[] | HostApiInfo;
export function queryHostApis(index?: number | null): HostApiInfo[] | HostApiInfo {
  const apis = _hostApis();
  if (index === undefined || index === null) return apis;
  checkNonNegativeInteger(index, 'index');
  const api = apis[index];
  if (api === undefined) {
    throw new RangeError(`index must be a host API index from 0 to ${apis.length - 1}, got ${describe(index)}`);
  }
  return api;
}
