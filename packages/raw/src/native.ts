/**
 * Loads the native addon and converts what it throws into this library's
 * error classes. Loading is lazy so that `import '@sounddevice/raw'` works
 * even where the addon or PortAudio is missing; the first call that needs
 * them throws a clear error instead.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { PortAudioError, parseNativeError } from '@sounddevice/core';
import type * as Native from '@sounddevice/native';

export type NativeModule = typeof Native;
export type NativeStreamHandle = Native.NativeStream;
export type NativeStreamConfig = Native.StreamConfigJs;
export type NativeDirection = Native.DirectionJs;

let _module: NativeModule | undefined;

/**
 * At `process.exit()`, an uncaught exception or an unhandled rejection Node
 * does not run the addon's cleanup (that happens only when the event loop
 * ends by itself): it exits with PortAudio's threads still running, and a
 * pending `await read()`/`write()` would even keep it from exiting at all
 * (Node joins its thread pool first). So on the main thread's 'exit' event
 * every stream is closed and PortAudio terminated, as Python's sounddevice
 * does with `atexit`. Workers need nothing: their cleanup always runs.
 */
function _installExitHook(module: NativeModule): void {
  if (!isMainThread) return;
  process.on('exit', () => {
    try {
      module.terminate(true);
    } catch {
      // Exiting anyway.
    }
  });
}

/** The native addon, loaded on first use. */
export function native(): NativeModule {
  if (_module === undefined) {
    const require = createRequire(import.meta.url);
    try {
      _module = require('@sounddevice/native') as NativeModule;
      _installExitHook(_module);
    } catch (e) {
      const why = _causes(e);
      const platform = _platformPackage();
      const binary = SUPPORTED_PLATFORMS.includes(platform)
        ? `its binary for this platform comes in the package @sounddevice/native-${platform}, an optional ` +
          'dependency of @sounddevice/native: install it (`npm install ' +
          `@sounddevice/native-${platform}\`), or reinstall without --omit=optional/--no-optional`
        : `no binary is published for ${platform} (there are: ${SUPPORTED_PLATFORMS.join(', ')}); ` +
          'build it from source with `pnpm --filter @sounddevice/native build`';
      throw new PortAudioError(`The sounddevice native addon could not be loaded: ${binary}. (${why})`);
    }
  }
  return _module;
}

/** The messages of `e` and of its `cause` chain (the generated loader chains one per file it tried). */
function _causes(e: unknown): string {
  const messages: string[] = [];
  for (let c: unknown = e; c !== undefined && c !== null && messages.length < 20; c = (c as { cause?: unknown }).cause) {
    messages.push(c instanceof Error ? c.message.split('\n')[0]! : String(c));
    if (!(c instanceof Error)) break;
  }
  return messages.join('; ');
}

/** The platforms `@sounddevice/native-<platform>` packages are published for. */
const SUPPORTED_PLATFORMS = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc', 'win32-arm64-msvc'];

/** This machine's platform as napi-rs names its packages: `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, … */
function _platformPackage(): string {
  let abi = '';
  if (process.platform === 'win32') abi = '-msvc';
  else if (process.platform === 'linux') {
    const report = process.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined;
    abi = report?.header?.glibcVersionRuntime ? '-gnu' : '-musl';
  }
  return `${process.platform}-${process.arch}${abi}`;
}

/** Turns the addon's `TypeError:`/`RangeError:`/`PortAudioError:` messages into those classes. */
export function convertNativeError(e: unknown): unknown {
  if (e instanceof Error) {
    if (e.message.startsWith('TypeError:')) return _retyped(new TypeError(e.message.slice(10)), e);
    if (e.message.startsWith('RangeError:')) return _retyped(new RangeError(e.message.slice(11)), e);
    // napi-rs's own argument conversion ("Missing field …", "Failed to
    // convert …"): the JavaScript layer validates first, so this is a last
    // line of defence, but it is still a wrong argument, not a crash.
    if ((e as Error & { code?: unknown }).code === 'InvalidArg') return _retyped(new TypeError(e.message), e);
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
