/**
 * What changed between two device lists: the pure part of `watchDevices()`.
 * Devices are matched by host API name and device name (indices may change
 * from one list to the next); two devices with the same name on one host API
 * are told apart by their order.
 */
import type { DeviceInfo, HostApiInfo } from '@sounddevice/core';

/** A device list with what is needed to compare it with another. */
export interface DeviceSnapshot {
  devices: readonly DeviceInfo[];
  hostApis: readonly HostApiInfo[];
  /** PortAudio's default input device index, -1 when there is none. */
  defaultInput: number;
  /** PortAudio's default output device index, -1 when there is none. */
  defaultOutput: number;
}

/** One change, as `watchDevices()` reports it. */
export type DeviceChange =
  | {
      /** A device appeared (`device` is from the new list). */
      type: 'added';
      device: DeviceInfo;
      /** Name of the device's host API (`'ALSA'`, `'JACK Audio Connection Kit'`, …). */
      hostApiName: string;
    }
  | {
      /** A device went away (`device` is from the previous list: its index is stale). */
      type: 'removed';
      device: DeviceInfo;
      hostApiName: string;
    }
  | {
      /**
       * PortAudio's default input or output device changed: `device` is the
       * new default (from the new list), `previous` the old one (from the
       * previous list); either is `null` when there was or is no default.
       */
      type: 'defaultInput' | 'defaultOutput';
      device: DeviceInfo | null;
      previous: DeviceInfo | null;
    };

/** The name of the device's host API, or `''` when it is not in the list. */
export function hostApiName(snapshot: DeviceSnapshot, device: DeviceInfo): string {
  return snapshot.hostApis[device.hostApi]?.name ?? '';
}

/** Stable keys (host API, name, occurrence) of every device, in list order. */
function _keys(snapshot: DeviceSnapshot): string[] {
  const seen = new Map<string, number>();
  return snapshot.devices.map((d) => {
    const base = `${hostApiName(snapshot, d)}\u0000${d.name}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}\u0000${n}`;
  });
}

function _keyOf(snapshot: DeviceSnapshot, keys: string[], index: number): string | null {
  return index >= 0 && index < keys.length ? keys[index]! : null;
}

/**
 * The changes from `before` to `after`: removed devices (in the old list's
 * order), then added ones (in the new list's order), then a changed default
 * input, then a changed default output. A default counts as changed when it
 * names another device, not when only its index moved.
 */
export function diffDevices(before: DeviceSnapshot, after: DeviceSnapshot): DeviceChange[] {
  const oldKeys = _keys(before);
  const newKeys = _keys(after);
  const oldSet = new Set(oldKeys);
  const newSet = new Set(newKeys);
  const changes: DeviceChange[] = [];
  oldKeys.forEach((k, i) => {
    if (!newSet.has(k)) {
      const device = before.devices[i]!;
      changes.push({ type: 'removed', device, hostApiName: hostApiName(before, device) });
    }
  });
  newKeys.forEach((k, i) => {
    if (!oldSet.has(k)) {
      const device = after.devices[i]!;
      changes.push({ type: 'added', device, hostApiName: hostApiName(after, device) });
    }
  });
  for (const [type, was, is] of [
    ['defaultInput', before.defaultInput, after.defaultInput],
    ['defaultOutput', before.defaultOutput, after.defaultOutput],
  ] as const) {
    if (_keyOf(before, oldKeys, was) !== _keyOf(after, newKeys, is)) {
      changes.push({ type, device: after.devices[is] ?? null, previous: before.devices[was] ?? null });
    }
  }
  return changes;
}
