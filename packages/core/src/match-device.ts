/**
 * Selecting a device by index or by query string.
 *
 * @module
 */

import { type DeviceKind, type DeviceInfo, type HostApiInfo, hostApiName } from './devices.js';
import { AmbiguousDeviceError, type DeviceCandidate, DeviceNotFoundError } from './errors.js';
import { checkOneOf, describe } from './validate.js';

function _hasChannels(device: DeviceInfo, kind: DeviceKind | undefined): boolean {
  if (kind === 'input') return device.maxInputChannels > 0;
  if (kind === 'output') return device.maxOutputChannels > 0;
  return true;
}

function _listing(candidates: readonly DeviceCandidate[]): string {
  return candidates.map((c) => `[${c.index}] ${c.name}`).join('\n');
}

function _matchesInOrder(text: string, pieces: readonly string[]): boolean {
  let position = 0;
  for (const piece of pieces) {
    const found = text.indexOf(piece, position);
    if (found < 0) return false;
    position = found + piece.length;
  }
  return true;
}

function _matchIndex(query: number, devices: readonly DeviceInfo[]): number {
  if (Number.isInteger(query) && devices.some((device) => device.index === query)) return query;
  const indexes = devices.map((device) => device.index);
  const valid =
    indexes.length === 0
      ? 'there are no devices'
      : `valid device indexes are ${Math.min(...indexes)} to ${Math.max(...indexes)}`;
  throw new DeviceNotFoundError(`device must be the index of an existing device (${valid}), got ${describe(query)}`);
}

/**
 * Find the index of the device selected by a device index or query string.
 *
 * - A number must be the (integer) index of one of `devices`.
 * - A string is split at whitespace into case-insensitive pieces; a device
 *   matches when all pieces occur, in this order and without overlapping, in
 *   `"<device name>, <host API name>"`. If `kind` is given, only devices with
 *   channels of that kind are considered. One matching device is selected.
 *   If several match, the one whose name (or `"name, host API"`) equals the
 *   whole query, ignoring case, is selected.
 *
 * @param query - A device index, or a query string such as `'vfile out'` or
 *   `'default, alsa'`.
 * @param kind - `'input'` or `'output'` to consider only devices with input
 *   or output channels; `undefined` (or `null`) to consider all devices.
 * @param devices - All devices (from `queryDevices()`).
 * @param hostApis - All host APIs (from `queryHostApis()`), for their names.
 * @returns The index of the selected device.
 * @throws TypeError if `query` is neither a number nor a string, or `kind`
 *   is not `'input'`, `'output'` or `undefined`.
 * @throws DeviceNotFoundError (a RangeError) if no device matches; the
 *   message lists the available devices of the requested kind.
 * @throws AmbiguousDeviceError (a RangeError) if several devices match and
 *   none exactly; the message lists them.
 */
export function matchDevice(
  query: number | string,
  kind: DeviceKind | null | undefined,
  devices: readonly DeviceInfo[],
  hostApis: readonly HostApiInfo[],
): number {
  if (kind === null) kind = undefined;
  if (kind !== undefined) checkOneOf(kind, ['input', 'output'], 'kind');
  if (typeof query === 'number') return _matchIndex(query, devices);
  if (typeof query !== 'string') {
    throw new TypeError(`device must be a device index (number) or a query string, got ${describe(query)}`);
  }

  const wanted = query.trim().toLowerCase();
  const pieces = wanted.split(/\s+/).filter((piece) => piece !== '');
  const available: DeviceCandidate[] = [];
  const matches: DeviceCandidate[] = [];
  const exactNames: number[] = [];
  const exactFull: number[] = [];
  for (const device of devices) {
    if (!_hasChannels(device, kind)) continue;
    const full = `${device.name}, ${hostApiName(hostApis, device.hostApi)}`;
    const candidate = { index: device.index, name: full };
    available.push(candidate);
    if (!_matchesInOrder(full.toLowerCase(), pieces)) continue;
    matches.push(candidate);
    if (device.name.toLowerCase() === wanted) exactNames.push(device.index);
    if (full.toLowerCase() === wanted) exactFull.push(device.index);
  }

  const what = kind === undefined ? 'device' : `${kind} device`;
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only.index;
  if (matches.length === 0) {
    const list =
      available.length === 0
        ? `There are no ${what}s.`
        : `Available ${what}s:\n${_listing(available)}`;
    throw new DeviceNotFoundError(`No ${what} matching ${describe(query)}.\n${list}`, available);
  }
  const [full] = exactFull;
  if (full !== undefined && exactFull.length === 1) return full;
  const [name] = exactNames;
  if (name !== undefined && exactNames.length === 1) return name;
  throw new AmbiguousDeviceError(
    `Multiple ${what}s found for ${describe(query)}; use a device index or a more specific query ` +
      `(the host API name can be included):\n${_listing(matches)}`,
    matches,
  );
}
