/** Library-wide functions: version, re-initialization, sleep. */
import {
  checkNonNegativeInteger,
  setDefaultDeviceProvider,
  setDefaultHostApiProvider,
  setHostApiNameResolver,
} from '@sounddevice/core';
import { callNative } from './native.js';

setDefaultHostApiProvider(() => callNative((n) => n.defaultHostApi()));
// Unset halves of `defaults.device` read PortAudio's default devices, as in Python.
setDefaultDeviceProvider(() => {
  const [input, output] = callNative((n) => n.defaultDevices());
  return [input ?? -1, output ?? -1];
});
// PortAudioError messages name the host API of a host error ("[ALSA error -5]").
setHostApiNameResolver((index) => callNative((n) => n.queryHostApis())[index]?.name);

/**
 * The version of the PortAudio library in use.
 *
 * @returns `[versionNumber, versionText]`, e.g.
 *   `[1246720, 'PortAudio V19.6.0-devel, revision 396fe4b…']`.
 * @throws PortAudioError if PortAudio cannot be loaded (the message names the
 *   library searched and how to install it).
 */
export function getPortAudioVersion(): [number, string] {
  const v = callNative((n) => n.getVersion());
  return [v.number, v.text];
}

/** The file the PortAudio library was loaded from (`libportaudio.so.2`, …). */
export function getPortAudioLibraryPath(): string {
  return callNative((n) => n.getLibraryPath());
}

/** Options of {@link reinitialize}. */
export interface ReinitializeOptions {
  /**
   * Close streams that are still running instead of refusing. Default
   * `false`. Either way every open stream is closed: PortAudio invalidates
   * streams when it terminates.
   */
  stopStreams?: boolean;
}

/**
 * Terminate PortAudio and initialize it again, so that devices plugged in
 * (or sound servers started) since the first use are seen by
 * `queryDevices()`. Python's `sd._terminate(); sd._initialize()`. It also
 * gives back the ~450 bytes PortAudio 19.6 keeps of every JACK stream it
 * opened (a program that opens tens of thousands of JACK streams can call
 * it now and then while no stream is open).
 *
 * All open streams are closed. If one of them is still active this throws
 * instead, unless `stopStreams` is true. To see new devices without closing
 * anything, use `refreshDevices()` instead.
 *
 * After a JACK server this process used went away (killed, crashed or
 * stopped, even if it runs again now), PortAudio 19.6 cannot be terminated
 * (it would abort the process): that instance is then abandoned instead —
 * its JACK streams are given up without closing them — and a fresh copy of
 * the PortAudio library is loaded and initialized, which finds the server
 * once it is back. See docs/reliability.md.
 *
 * @param options - See {@link ReinitializeOptions}.
 * @throws PortAudioError when streams are active (and `stopStreams` is
 *   false) or PortAudio fails to initialize.
 */
export function reinitialize(options: ReinitializeOptions = {}): void {
  callNative((n) => n.reinitialize(options.stopStreams === true));
}

/**
 * Close every stream and terminate PortAudio (Python's `sd._terminate()`).
 * The next call that needs PortAudio initializes it again. If a JACK server
 * this process used has gone away, PortAudio is not terminated (its JACK
 * host API would abort the process) but abandoned, as described for
 * {@link reinitialize}.
 *
 * @param options - `stopStreams: true` closes running streams instead of refusing.
 * @throws PortAudioError if streams are active and `stopStreams` is false.
 */
export function terminate(options: ReinitializeOptions = {}): void {
  callNative((n) => n.terminate(options.stopStreams === true));
}

/**
 * Initialize PortAudio now instead of at first use (useful to pay the device
 * probing cost up front). Idempotent.
 */
export function initialize(): void {
  callNative((n) => n.initialize());
}

/**
 * Wait for `ms` milliseconds without blocking the event loop (Python's
 * `sd.sleep(msec)`, which blocks).
 *
 * @param ms - Milliseconds to wait, a non-negative integer.
 * @param options - `signal` aborts the wait (the promise rejects with the
 *   signal's reason).
 */
export function sleep(ms: number, options: { signal?: AbortSignal } = {}): Promise<void> {
  checkNonNegativeInteger(ms, 'ms');
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
