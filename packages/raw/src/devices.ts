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
 * - `{ refresh: true }`: enumerate the devices again first (see
 *   {@link QueryDevicesOptions}; {@link refreshDevices} does it off the
 *   main thread), then every device.
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
export function queryDevices(options: QueryDevicesOptions): DeviceList;
export function queryDevices(device: DeviceSpec | undefined, kind?: DeviceKind): DeviceInfo;
export function queryDevices(device?: DeviceSpec | QueryDevicesOptions, kind?: DeviceKind): DeviceList | DeviceInfo {
  if (_isOptions(device)) {
    if (kind !== undefined) throw new TypeError('queryDevices(options) takes no kind; use queryDevices(device, kind)');
    if (_checkRefresh(device.refresh)) callNative((n) => n.refreshDevicesSync());
    return _deviceList();
  }
  if (kind !== undefined) checkOneOf(kind, ['input', 'output'], 'kind');
  if ((device === undefined || device === null) && kind === undefined) return _deviceList();
  const devices = _devices();
  const hostApis = _hostApis();
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

/** Options of `queryDevices(options)`. */
export interface QueryDevicesOptions {
  /**
   * Enumerate the devices again first, so that devices added or removed
   * since PortAudio was initialized (or last refreshed) are seen. Running
   * streams are not stopped, paused or touched: they keep running on the
   * PortAudio instance they were opened with, while new streams and queries
   * use the fresh one. Device indices then refer to the new list. Blocks the
   * calling thread for PortAudio's initialization (tens of milliseconds;
   * more with a JACK server): prefer {@link refreshDevices} on a thread whose
   * event loop drives audio callbacks. Default `false`.
   */
  refresh?: boolean;
}

function _isOptions(value: unknown): value is QueryDevicesOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function _checkRefresh(refresh: unknown): boolean {
  if (refresh === undefined) return false;
  if (typeof refresh !== 'boolean') throw new TypeError(`refresh must be a boolean, got ${describe(refresh)}`);
  return refresh;
}

/** Every device, with the default input/output marked. */
function _deviceList(): DeviceList {
  const devices = _devices();
  const hostApis = _hostApis();
  const [input, output] = [_safeDefault('input', devices, hostApis), _safeDefault('output', devices, hostApis)];
  return DeviceList.create(devices, { hostApis, defaultInput: input, defaultOutput: output });
}

/**
 * Enumerate the devices again and return the new list, without stopping or
 * touching any running stream; the work runs off the main thread, so
 * callbacks on this thread's event loop keep their timing.
 *
 * PortAudio 19 lists devices only when it initializes. While streams are
 * open, a second, independent PortAudio instance (a copy of the library)
 * takes over for new streams and queries; the open streams keep running on
 * theirs, which is shut down once its last stream is closed. After a
 * refresh, device indices (in `queryDevices()`, `defaults.device` and stream
 * options) refer to the new list; a device keeps its name and host API, so
 * name devices by those to follow them across refreshes. A stream's
 * `device` keeps the index it was opened with.
 *
 * @returns The current {@link DeviceList} (as `queryDevices()` now returns it).
 * @throws PortAudioError (the promise rejects) if PortAudio cannot be loaded
 *   or initialized.
 */
export async function refreshDevices(): Promise<DeviceList> {
  await callNative((n) => n.refreshDevices());
  return _deviceList();
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
