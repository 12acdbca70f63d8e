/**
 * What tells `watchDevices()` that the device list may have changed, without
 * asking PortAudio in a loop. Linux: file-system notifications (inotify, via
 * `fs.watch`) on the places a change shows up. Windows: the MMDevice API's
 * endpoint notifications, from the native addon (built and exercised under
 * Wine; untested on real Windows). macOS: CoreAudio property listeners, from
 * the native addon (built, never run). See docs/reliability.md, "Devices
 * that come and go".
 */
import { type FSWatcher, existsSync, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callNative } from './native.js';

/**
 * Why a refresh was started:
 * - `'sound-cards'`: a sound card appeared or went away (Linux, `/dev/snd`);
 * - `'alsa-config'`: an ALSA configuration file in use changed (Linux);
 * - `'jack'`: the JACK server started or stopped (Linux, its socket);
 * - `'windows-endpoints'`: Windows reported an audio endpoint added,
 *   removed, enabled/disabled/unplugged, or a new default endpoint (the
 *   MMDevice API's `IMMNotificationClient`; the endpoints WASAPI, MME and
 *   DirectSound list);
 * - `'coreaudio'`: macOS's CoreAudio reported a change of the device list or
 *   of the default input or output device (untested: built, never run);
 * - `'check'`: {@link DeviceWatcher.check} was called.
 */
export type DeviceChangeCause = 'sound-cards' | 'alsa-config' | 'jack' | 'windows-endpoints' | 'coreaudio' | 'check';

/** A directory to watch and which of its entries matter. */
interface WatchTarget {
  dir: string;
  names: ReadonlySet<string> | 'any';
  cause: DeviceChangeCause;
}

/** The ALSA configuration files alsa-lib reads (`ALSA_CONFIG_PATH`, else its defaults). */
export function alsaConfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const custom = env.ALSA_CONFIG_PATH;
  if (custom) return custom.split(/[:\s]+/).filter((f) => f.length > 0);
  const home = os.homedir();
  return ['/usr/share/alsa/alsa.conf', '/etc/asound.conf', path.join(home, '.asoundrc'), path.join(home, '.config/alsa/asoundrc')];
}

/**
 * Where the JACK2 server PortAudio connects to listens on Linux:
 * `/dev/shm/jack_<server>_<uid>_0`, the server named by `JACK_DEFAULT_SERVER`
 * (else `default`). It appears when the server starts listening and goes
 * away when it stops (a killed server leaves it behind).
 */
export function jackSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const server = env.JACK_DEFAULT_SERVER || 'default';
  const uid = process.getuid?.() ?? 0;
  return `/dev/shm/jack_${server}_${uid}_0`;
}

/** The directories `watchDevices()` watches on this platform, and for what. */
export function watchTargets(env: NodeJS.ProcessEnv = process.env): WatchTarget[] {
  if (process.platform !== 'linux') return [];
  const targets: WatchTarget[] = [
    // Sound cards: device nodes come and go in /dev/snd; /dev itself sees
    // /dev/snd appear with the first card.
    { dir: '/dev/snd', names: 'any', cause: 'sound-cards' },
    { dir: '/dev', names: new Set(['snd']), cause: 'sound-cards' },
  ];
  const byDir = new Map<string, Set<string>>();
  for (const file of alsaConfigFiles(env)) {
    const dir = path.dirname(path.resolve(file));
    byDir.set(dir, (byDir.get(dir) ?? new Set()).add(path.basename(file)));
  }
  for (const [dir, names] of byDir) targets.push({ dir, names, cause: 'alsa-config' });
  const socket = jackSocketPath(env);
  targets.push({ dir: path.dirname(socket), names: new Set([path.basename(socket)]), cause: 'jack' });
  return targets;
}

/**
 * Watches every target that exists and calls `onChange(cause)` for each
 * relevant notification (often several per change: the caller debounces).
 * Watching the directory, not the file, sees files replaced by rename (as
 * editors and `addAlsaPcm` do) and files that do not exist yet.
 *
 * @param persistent - Whether the watchers keep the process alive.
 * @returns A function that stops watching.
 */
export function watchSources(
  onChange: (cause: DeviceChangeCause) => void,
  onError: (e: Error) => void,
  persistent: boolean,
): () => void {
  if (nativeNotificationsWanted()) {
    const start: NativeNotificationStarter = (callback, keepAlive) => callNative((n) => n.DeviceNotifications.start(callback, keepAlive));
    if (process.platform === 'win32') return watchNativeSources(start, onChange, persistent);
    // macOS: never run yet (no Mac here); a refused registration leaves
    // check() working instead of failing watchDevices().
    try {
      return watchNativeSources(start, onChange, persistent);
    } catch {
      return () => {};
    }
  }
  const watchers = new Map<string, FSWatcher>();
  const targets = watchTargets();
  const key = (t: WatchTarget): string => `${t.cause} ${t.dir}`;
  const arm = (t: WatchTarget): void => {
    if (watchers.has(key(t)) || !existsSync(t.dir)) return;
    try {
      const w = watch(t.dir, { persistent }, (_event, name) => {
        if (t.names !== 'any' && (name === null || !t.names.has(name.toString()))) return;
        // A directory watched for one of its entries may have just appeared
        // (/dev/snd with the first sound card): watch it too.
        for (const other of targets) arm(other);
        onChange(t.cause);
      });
      w.on('error', (e) => {
        // The directory went away (the last sound card): watch it again
        // when it comes back.
        watchers.get(key(t))?.close();
        watchers.delete(key(t));
        if (existsSync(t.dir)) onError(e);
      });
      watchers.set(key(t), w);
    } catch {
      // Not watchable (permissions, no inotify instances left): that source
      // is not reported; `check()` still works.
    }
  };
  for (const t of targets) arm(t);
  return () => {
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}

/**
 * Whether `watchDevices()` starts the native addon's notifications: on
 * Windows and macOS, unless `SOUNDDEVICE_NATIVE_DEVICE_NOTIFICATIONS=0` (a
 * way out while they are untested on those systems; `check()` still works).
 */
export function nativeNotificationsWanted(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SOUNDDEVICE_NATIVE_DEVICE_NOTIFICATIONS === '0') return false;
  return platform === 'win32' || platform === 'darwin';
}

/** A notification of the native addon (its `DeviceNotificationJs`). */
export interface NativeDeviceNotification {
  /** `'added'`, `'removed'`, `'state'`, `'default'` (Windows) or `'list'`, `'default'` (macOS). */
  kind: string;
  deviceId?: string | null;
  state?: number | null;
  flow?: number | null;
  role?: number | null;
}

/** What starts native notifications: the addon's `DeviceNotifications.start`. */
export type NativeNotificationStarter = (
  callback: (event: NativeDeviceNotification) => void,
  persistent: boolean,
) => { stop(): void };

/**
 * The cause a native notification is reported under, or `undefined` for one
 * that cannot change PortAudio's list (an unknown kind, or a kind of another
 * platform). Windows (`'windows-endpoints'`): endpoints added, removed or
 * changing state (enabled, disabled, unplugged) change the devices PortAudio
 * lists; a new default endpoint (of any role: Windows sends one per role, the
 * debounce merges them) may change PortAudio's default devices. macOS
 * (`'coreaudio'`): the device list or a default device changed.
 *
 * @param platform - `process.platform` (a parameter for tests).
 */
export function nativeNotificationCause(event: NativeDeviceNotification, platform: NodeJS.Platform = process.platform): DeviceChangeCause | undefined {
  const kind = event?.kind;
  if (platform === 'win32') return kind === 'added' || kind === 'removed' || kind === 'state' || kind === 'default' ? 'windows-endpoints' : undefined;
  if (platform === 'darwin') return kind === 'list' || kind === 'default' ? 'coreaudio' : undefined;
  return undefined;
}

/**
 * Starts the native notifications (Windows, macOS) and calls `onChange(cause)` for
 * each relevant one (often several per change: the caller debounces).
 *
 * @param start - Registers the native callback (the addon's
 *   `DeviceNotifications.start`; a stand-in in tests).
 * @param persistent - Whether the notifications keep the process alive.
 * @param platform - `process.platform` (a parameter for tests).
 * @returns A function that stops them (after it, no `onChange` call).
 * @throws PortAudioError when the operating system refuses the registration.
 */
export function watchNativeSources(
  start: NativeNotificationStarter,
  onChange: (cause: DeviceChangeCause) => void,
  persistent: boolean,
  platform: NodeJS.Platform = process.platform,
): () => void {
  let stopped = false;
  const handle = start((event) => {
    if (stopped) return; // one already queued when stop() ran
    const cause = nativeNotificationCause(event, platform);
    if (cause !== undefined) onChange(cause);
  }, persistent);
  return () => {
    if (stopped) return;
    stopped = true;
    handle.stop();
  };
}
