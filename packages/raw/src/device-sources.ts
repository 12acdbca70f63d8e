/**
 * What tells `watchDevices()` that the device list may have changed, without
 * asking PortAudio in a loop. Linux: file-system notifications (inotify, via
 * `fs.watch`) on the places a change shows up. Other platforms: nothing yet
 * (see docs/reliability.md, "Devices that come and go").
 */
import { type FSWatcher, existsSync, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Why a refresh was started. */
export type DeviceChangeCause = 'sound-cards' | 'alsa-config' | 'jack' | 'check';

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
