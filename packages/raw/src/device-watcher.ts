/**
 * `watchDevices()`: device change events while streams keep running.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { type DeviceList, describe } from '@sounddevice/core';
import { type DeviceChangeCause, jackSocketPath, watchSources } from './device-sources.js';
import { type DeviceChange, type DeviceSnapshot, diffDevices } from './device-changes.js';
import { callNative } from './native.js';
import { queryDevices } from './devices.js';

/** Options of {@link watchDevices}. */
export interface WatchDevicesOptions {
  /** Stops watching when aborted (as {@link DeviceWatcher.close}). */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait after a notification before refreshing, so that the
   * burst of notifications one change causes (a card's several device nodes,
   * a file written in parts) makes one refresh. Default 100.
   */
  settleMs?: number;
  /** Whether watching keeps the process alive (as `fs.watch`). Default `true`. */
  persistent?: boolean;
}

/** A reported change: a {@link DeviceChange} with the list it led to. */
export type DeviceChangeEvent = DeviceChange & {
  /** The device list after the change (what `queryDevices()` returns now). */
  devices: DeviceList;
  /**
   * What made the watcher look: a sound card, the ALSA configuration, the
   * JACK server (Linux), Windows' endpoint notifications, CoreAudio (macOS),
   * or `check()`.
   */
  cause: DeviceChangeCause;
};

/** Names of the events a {@link DeviceWatcher} emits. */
export interface DeviceWatcherEvents {
  /** Every change, in order (also emitted under its own type's name). */
  change: [DeviceChangeEvent];
  added: [DeviceChangeEvent];
  removed: [DeviceChangeEvent];
  defaultInput: [DeviceChangeEvent];
  defaultOutput: [DeviceChangeEvent];
  /**
   * A refresh failed (e.g. PortAudio cannot be initialized); watching goes
   * on. Emitted only while someone listens (an async iteration throws it).
   */
  error: [Error];
  /** Watching stopped. */
  close: [];
}

/** How many times a refresh is repeated while a JACK server's socket exists but PortAudio does not list JACK yet. */
const JACK_RETRIES = 5;
const JACK_RETRY_MS = 100;

function _snapshot(): DeviceSnapshot & { list: DeviceList } {
  const list = queryDevices();
  const [defaultInput, defaultOutput] = callNative((n) => n.defaultDevices());
  return { list, devices: list, hostApis: list.hostApis, defaultInput: defaultInput ?? -1, defaultOutput: defaultOutput ?? -1 };
}

/**
 * Reports devices that come and go, and changes of the default devices, as
 * they happen (see {@link watchDevices}). An `EventEmitter` and an async
 * iterable of {@link DeviceChangeEvent}s.
 */
export class DeviceWatcher extends EventEmitter<DeviceWatcherEvents> implements AsyncIterable<DeviceChangeEvent> {
  #last: DeviceSnapshot & { list: DeviceList };
  #stopSources: () => void;
  #settleMs: number;
  #timer: NodeJS.Timeout | undefined;
  #cause: DeviceChangeCause = 'check';
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #signal: AbortSignal | undefined;
  #onAbort = (): void => this.close();

  /** @internal Use {@link watchDevices}. */
  constructor(options: Required<Pick<WatchDevicesOptions, 'settleMs' | 'persistent'>> & { signal?: AbortSignal }) {
    super();
    this.#settleMs = options.settleMs;
    this.#last = _snapshot();
    this.#stopSources = watchSources(
      (cause) => this.#schedule(cause),
      (e) => this.#fail(e),
      options.persistent,
    );
    this.#signal = options.signal;
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The device list as of the latest refresh. */
  get devices(): DeviceList {
    return this.#last.list;
  }

  /** True once {@link DeviceWatcher.close} was called (or the signal aborted). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Refreshes the device list now and reports what changed since the last
   * look, as a notification would. Where the platform has no notifications
   * (see docs/reliability.md), call it when you want to know. Works on a
   * closed watcher too (closing only stops the notifications).
   *
   * @returns The changes found (also emitted).
   */
  async check(): Promise<DeviceChangeEvent[]> {
    return this.#refresh('check');
  }

  /** Stops watching; pending iterations end. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#stopSources();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.emit('close');
  }

  /** Reports an error to 'error' listeners (an iterator is one), if there are any. */
  #fail(e: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  #schedule(cause: DeviceChangeCause): void {
    if (this.#closed) return;
    this.#cause = cause;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#refresh(this.#cause).catch(() => {}), this.#settleMs);
  }

  async #refresh(cause: DeviceChangeCause): Promise<DeviceChangeEvent[]> {
    if (this.#running) {
      // One refresh at a time; one more after it sees what came meanwhile.
      this.#again = true;
      await this.#running;
      if (!this.#again) return [];
      this.#again = false;
    }
    let done!: () => void;
    this.#running = new Promise((resolve) => (done = resolve));
    try {
      return await this.#refreshNow(cause);
    } catch (e) {
      this.#fail(e as Error);
      throw e;
    } finally {
      this.#running = undefined;
      done();
    }
  }

  async #refreshNow(cause: DeviceChangeCause): Promise<DeviceChangeEvent[]> {
    // Notifications stop with close(); check() works on.
    const stopped = (): boolean => this.#closed && cause !== 'check';
    let next = await this.#look();
    // A JACK server's socket appears a moment before it takes clients.
    for (let i = 0; cause === 'jack' && i < JACK_RETRIES && !stopped() && _jackMissing(next); i++) {
      await new Promise((resolve) => setTimeout(resolve, JACK_RETRY_MS));
      next = await this.#look();
    }
    if (stopped()) return [];
    const events = diffDevices(this.#last, next).map((c) => ({ ...c, devices: next.list, cause }));
    this.#last = next;
    for (const event of events) {
      this.emit('change', event);
      this.emit(event.type, event);
    }
    return events;
  }

  async #look(): Promise<DeviceSnapshot & { list: DeviceList }> {
    await callNative((n) => n.refreshDevices());
    return _snapshot();
  }

  /** Iterates over the changes from now on, until the watcher is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<DeviceChangeEvent> {
    const queue: DeviceChangeEvent[] = [];
    let wake: (() => void) | undefined;
    const onChange = (e: DeviceChangeEvent): void => {
      queue.push(e);
      wake?.();
    };
    let failure: Error | undefined;
    const onClose = (): void => wake?.();
    const onError = (e: Error): void => {
      failure ??= e;
      wake?.();
    };
    this.on('change', onChange);
    this.on('close', onClose);
    this.on('error', onError);
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure !== undefined) throw failure;
        if (this.#closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.off('change', onChange);
      this.off('close', onClose);
      this.off('error', onError);
    }
  }
}

/** A JACK server listens, but the list has no JACK host API yet. */
function _jackMissing(s: DeviceSnapshot): boolean {
  return existsSync(jackSocketPath()) && !s.hostApis.some((h) => /JACK/.test(h.name));
}

/**
 * Watch for devices that come and go and for changes of the default
 * devices, while streams keep running.
 *
 * Each notification makes the watcher refresh the device list (as
 * {@link refreshDevices}: running streams are not touched) and compare it
 * with the previous one, by host API and device name. It then emits, in this
 * order, `removed` for each device that went away, `added` for each new one,
 * and `defaultInput`/`defaultOutput` when PortAudio's default changed; every
 * one also as `change`. The watcher is an async iterable of the same events.
 *
 * What is noticed (Linux): sound cards appearing or disappearing (`/dev/snd`),
 * the ALSA configuration files in use changing (`ALSA_CONFIG_PATH`, else
 * alsa-lib's defaults), and the JACK server PortAudio uses starting or
 * stopping (its socket in `/dev/shm`), by file-system notifications: nothing
 * polls PortAudio. Windows: audio endpoints added, removed, enabled, disabled
 * or unplugged, and new default endpoints, from the MMDevice API's
 * notifications (cause `'windows-endpoints'`; built and registered under Wine
 * in this project's tests, not yet tested on real Windows). macOS: CoreAudio's
 * device-list and default-device listeners (cause `'coreaudio'`; built, never
 * run). `SOUNDDEVICE_NATIVE_DEVICE_NOTIFICATIONS=0` turns the Windows and
 * macOS notifications off. See docs/reliability.md; `check()` works
 * everywhere.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * for await (const change of watchDevices({ signal: controller.signal })) {
 *   console.log(change.type, change.device?.name);
 * }
 * ```
 * @param options - See {@link WatchDevicesOptions}.
 * @returns The watcher; close it (or abort the signal) to stop.
 * @throws TypeError for bad options; PortAudioError if PortAudio cannot be
 *   loaded (the first list is taken at once), or (Windows) if Windows refuses
 *   the notification registration (the message names the call and its
 *   HRESULT; on macOS a refusal leaves only `check()`).
 */
export function watchDevices(options: WatchDevicesOptions = {}): DeviceWatcher {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const { signal, settleMs = 100, persistent = true } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (typeof settleMs !== 'number' || !Number.isFinite(settleMs) || settleMs < 0) {
    throw new TypeError(`settleMs must be a non-negative number of milliseconds, got ${describe(settleMs)}`);
  }
  if (typeof persistent !== 'boolean') throw new TypeError(`persistent must be a boolean, got ${describe(persistent)}`);
  for (const key of Object.keys(options)) {
    if (!['signal', 'settleMs', 'persistent'].includes(key)) {
      throw new TypeError(`watchDevices() has no option '${key}' (allowed: signal, settleMs, persistent)`);
    }
  }
  const watcher = new DeviceWatcher({ signal, settleMs, persistent });
  if (signal?.aborted) watcher.close();
  return watcher;
}
