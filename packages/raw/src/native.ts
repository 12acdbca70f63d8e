/**
 * Loads the native addon and converts what it throws into this library's
 * error classes. Loading is lazy so that `import '@sounddevice/raw'` works
 * even where the addon or PortAudio is missing; the first call that needs
 * them throws a clear error instead.
 */
import { createRequire } from 'node:module';
import { PortAudioError, parseNativeError } from '@sounddevice/core';
import type * as Native from '@sounddevice/native';

export type NativeModule = typeof Native;
export type NativeStreamHandle = Native.NativeStream;
export type NativeStreamConfig = Native.StreamConfigJs;
export type NativeDirection = Native.DirectionJs;

let _module: NativeModule | undefined;

/** The native addon, loaded on first use. */
export function native(): NativeModule {
  if (_module === undefined) {
    const require = createRequire(import.meta.url);
    try {
      _module = require('@sounddevice/native') as NativeModule;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new PortAudioError(
        `The sounddevice native addon could not be loaded for ${process.platform}-${process.arch} ` +
          `(${why}). Reinstall @sounddevice/native, or build it from source with ` +
          '`pnpm --filter @sounddevice/native build`.',
      );
    }
  }
  return _module;
}

/** Turns the addon's `TypeError:`/`RangeError:`/`PortAudioError:` messages into those classes. */
export function convertNativeError(e: unknown): unknown {
  if (e instanceof Error) {
    if (e.message.startsWith('TypeError:')) return _retyped(new TypeError(e.message.slice(10)), e);
    if (e.message.startsWith('RangeError:')) return _retyped(new RangeError(e.message.slice(11)), e);
  }
  return parseNativeError(e);
}

function _retyped<E extends Error>(error: E, from: Error): E {
  const framesAt = from.stack?.indexOf('\n    at ') ?? -1;
  if (framesAt >= 0) error.stack = `${error.name}: ${error.message}${from.stack!.slice(framesAt)}`;
  return error;
}

/** Calls into the addon, converting errors (also for returned promises). */
export function callNative<T>(fn: (n: NativeModule) => T): T {
  let result: T;
  try {
    result = fn(native());
  } catch (e) {
    throw convertNativeError(e);
  }
  if (result instanceof Promise) {
    return result.catch((e: unknown) => {
      throw convertNativeError(e);
    }) as T;
  }
  return result;
}
