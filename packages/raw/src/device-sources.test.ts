import { describe, expect, it } from 'vitest';
import { type DeviceChangeCause, type NativeDeviceNotification, nativeNotificationCause, nativeNotificationsWanted, watchNativeSources } from './device-sources.js';

/** A stand-in for the addon's `DeviceNotifications.start`: what Windows would send, by hand. */
function fakeStarter() {
  const state = { callback: undefined as ((e: NativeDeviceNotification) => void) | undefined, persistent: undefined as boolean | undefined, stops: 0 };
  const start = (callback: (e: NativeDeviceNotification) => void, persistent: boolean) => {
    state.callback = callback;
    state.persistent = persistent;
    return { stop: () => void state.stops++ };
  };
  return { state, start };
}

describe('native notifications -> causes', () => {
  it('are started on Windows and macOS unless SOUNDDEVICE_NATIVE_DEVICE_NOTIFICATIONS=0', () => {
    expect(nativeNotificationsWanted('win32', {})).toBe(true);
    expect(nativeNotificationsWanted('darwin', {})).toBe(true);
    expect(nativeNotificationsWanted('linux', {})).toBe(false);
    expect(nativeNotificationsWanted('win32', { SOUNDDEVICE_NATIVE_DEVICE_NOTIFICATIONS: '0' })).toBe(false);
  });

  it('maps every kind the Windows addon sends to windows-endpoints', () => {
    const id = '{0.0.0.00000000}.{5e1f2d3c-0000-4000-8000-000000000001}';
    expect(nativeNotificationCause({ kind: 'added', deviceId: id }, 'win32')).toBe('windows-endpoints');
    expect(nativeNotificationCause({ kind: 'removed', deviceId: id }, 'win32')).toBe('windows-endpoints');
    expect(nativeNotificationCause({ kind: 'state', deviceId: id, state: 8 }, 'win32')).toBe('windows-endpoints');
    expect(nativeNotificationCause({ kind: 'default', flow: 0, role: 1, deviceId: id }, 'win32')).toBe('windows-endpoints');
    // No endpoint of that kind left: still a change of the default.
    expect(nativeNotificationCause({ kind: 'default', flow: 1, role: 0, deviceId: null }, 'win32')).toBe('windows-endpoints');
  });

  it('maps the macOS kinds to coreaudio', () => {
    expect(nativeNotificationCause({ kind: 'list' }, 'darwin')).toBe('coreaudio');
    expect(nativeNotificationCause({ kind: 'default', flow: 1, role: 0 }, 'darwin')).toBe('coreaudio');
    expect(nativeNotificationCause({ kind: 'added', deviceId: 'x' }, 'darwin')).toBeUndefined();
  });

  it('ignores kinds it does not know, and every kind elsewhere', () => {
    expect(nativeNotificationCause({ kind: 'property', deviceId: 'x' }, 'win32')).toBeUndefined();
    expect(nativeNotificationCause({ kind: 'list' }, 'win32')).toBeUndefined();
    expect(nativeNotificationCause(undefined as unknown as NativeDeviceNotification, 'win32')).toBeUndefined();
    expect(nativeNotificationCause({ kind: 'added', deviceId: 'x' }, 'linux')).toBeUndefined();
  });

  it('starts with the persistence asked for, reports each notification, stops once', () => {
    const { state, start } = fakeStarter();
    const causes: DeviceChangeCause[] = [];
    const stop = watchNativeSources(start, (c) => causes.push(c), false, 'win32');
    expect(state.persistent).toBe(false);
    state.callback!({ kind: 'removed', deviceId: 'a' });
    state.callback!({ kind: 'property', deviceId: 'a' });
    state.callback!({ kind: 'default', flow: 0, role: 0, deviceId: 'b' });
    expect(causes).toEqual(['windows-endpoints', 'windows-endpoints']);
    stop();
    stop();
    expect(state.stops).toBe(1);
    // One already queued when stop() ran is dropped.
    state.callback!({ kind: 'added', deviceId: 'c' });
    expect(causes).toHaveLength(2);
  });

  it('lets a refused registration throw (watchDevices() reports it)', () => {
    const start = (): never => {
      throw new Error('IMMDeviceEnumerator::RegisterEndpointNotificationCallback failed (HRESULT 0x80004005)');
    };
    expect(() => watchNativeSources(start, () => {}, true, 'win32')).toThrow(/HRESULT/);
  });
});
