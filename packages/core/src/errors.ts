/**
 * Error classes: PortAudio failures and device selection failures, plus the
 * conversion of errors thrown by the native addon.
 *
 * @module
 */

/**
 * The host API's own error that caused a PortAudio error
 * (`paUnanticipatedHostError`): host API index, host error code and host
 * error text (which may be empty).
 */
export type HostErrorInfo = [hostApi: number, hostErrorCode: number, hostErrorText: string];

/**
 * The plain object the native addon describes a PortAudio error with.
 *
 * - `message`: what failed and PortAudio's text, e.g.
 *   `'Error opening OutputStream: Invalid sample rate'`.
 * - `code`: the `PaErrorCode` value (negative), if known.
 * - `hostApi`, `hostErrorCode`, `hostErrorText`: the host API's own error,
 *   if PortAudio reported one.
 */
export interface NativeErrorObject {
  message: string;
  code?: number | undefined;
  hostApi?: number | undefined;
  hostErrorCode?: number | undefined;
  hostErrorText?: string | undefined;
}

/** Prefix of the message of errors thrown by the native addon for PortAudio failures. */
export const NATIVE_ERROR_PREFIX = 'PortAudioError:';

function _setName(ctor: { prototype: Error }, name: string): void {
  Object.defineProperty(ctor.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** PortAudio's `paHostApiNotFound`: the host API of a host error is unknown. */
const PA_HOST_API_NOT_FOUND = -9979;

const RESOLVER_KEY = Symbol.for('@sounddevice/core.hostApiNameResolver.v1');
const _resolverHolder = globalThis as { [RESOLVER_KEY]?: ((index: number) => string | undefined) | null };

/**
 * Register how the messages of {@link PortAudioError} name a host API (the
 * `ALSA` of `[ALSA error -5]`). Called by `@sounddevice/raw` once it can
 * query PortAudio; without it, messages say `host API <index>`.
 *
 * @param fn - Returns the name of the host API with that index (or
 *   `undefined` when unknown); `null` unregisters it.
 * @throws TypeError if `fn` is neither a function nor `null`.
 */
export function setHostApiNameResolver(fn: ((index: number) => string | undefined) | null): void {
  if (fn !== null && typeof fn !== 'function') {
    throw new TypeError(`fn must be a function or null, got ${typeof fn}`);
  }
  _resolverHolder[RESOLVER_KEY] = fn;
}

function _hostApiLabel(hostApi: number): string {
  if (hostApi === PA_HOST_API_NOT_FOUND) return '<host API not found>';
  if (hostApi < 0) return `<error getting host API: ${hostApi}>`;
  let name: string | undefined;
  try {
    name = _resolverHolder[RESOLVER_KEY]?.(hostApi);
  } catch {
    name = undefined;
  }
  return name ?? `host API ${hostApi}`;
}

/** Python's `str(PortAudioError)`: text, `[PaErrorCode n]`, then `: 'host text' [ALSA error n]`. */
function _formatMessage(text: string, code?: number, hostError?: HostErrorInfo): string {
  let message = text;
  if (code !== undefined) message += ` [PaErrorCode ${code}]`;
  // A host error that carries nothing (code 0, no text: PortAudio could not
  // tell, e.g. when initialization itself failed) adds no noise to the text;
  // Python prints `: '' [<error getting host API: -10000> error 0]` there.
  const empty = hostError !== undefined && hostError[1] === 0 && hostError[2] === '';
  if (hostError !== undefined && !empty) message += `: '${hostError[2]}' [${_hostApiLabel(hostError[0])} error ${hostError[1]}]`;
  return message;
}

/**
 * Raised when PortAudio reports a failure.
 *
 * The message reads like Python's, e.g.
 * `Error opening OutputStream: Invalid sample rate [PaErrorCode -9997]`,
 * followed by `: '<host error text>' [<host API name> error <host code>]`
 * (e.g. `[ALSA error -5]`) when the host API reported its own error.
 */
export class PortAudioError extends Error {
  /**
   * As in Python: `[text]`, `[text, paErrorCode]` or
   * `[text, paErrorCode, [hostApi, hostErrorCode, hostErrorText]]`, depending
   * on what is known.
   */
  readonly args: [text: string, code?: number, hostError?: HostErrorInfo];

  /**
   * @param message - What failed, with PortAudio's error text.
   * @param code - The PortAudio `PaErrorCode` value, if known.
   * @param hostError - The host API's own error
   *   (`[hostApi, hostErrorCode, hostErrorText]`), if there is one.
   */
  constructor(message: string, code?: number, hostError?: HostErrorInfo) {
    super(_formatMessage(message, code, hostError));
    if (hostError !== undefined) {
      this.args = [message, code, [hostError[0], hostError[1], hostError[2]]];
    } else if (code !== undefined) {
      this.args = [message, code];
    } else {
      this.args = [message];
    }
  }

  /** The PortAudio `PaErrorCode` value, or `undefined` if not known. */
  get code(): number | undefined {
    return this.args[1];
  }

  /**
   * The host API's own error as `[hostApi, hostErrorCode, hostErrorText]`, or
   * `undefined` if PortAudio did not report one.
   */
  get hostApiError(): HostErrorInfo | undefined {
    return this.args[2];
  }

  /**
   * Build a `PortAudioError` from the plain object the native addon uses.
   *
   * @param obj - `{ message, code?, hostApi?, hostErrorCode?, hostErrorText? }`;
   *   the host error is included when `hostApi` and `hostErrorCode` are
   *   numbers.
   * @returns The new error (its stack is the caller's).
   */
  static fromNative(obj: NativeErrorObject): PortAudioError {
    const text = typeof obj.message === 'string' ? obj.message : 'Unknown PortAudio error';
    const code = typeof obj.code === 'number' ? obj.code : undefined;
    const hostError: HostErrorInfo | undefined =
      typeof obj.hostApi === 'number' && typeof obj.hostErrorCode === 'number'
        ? [obj.hostApi, obj.hostErrorCode, typeof obj.hostErrorText === 'string' ? obj.hostErrorText : '']
        : undefined;
    return new PortAudioError(text, code, hostError);
  }
}
_setName(PortAudioError, 'PortAudioError');

/** A device as listed in device selection errors: its index and `"name, host API"`. */
export interface DeviceCandidate {
  /** The device index. */
  index: number;
  /** The device name and its host API name, e.g. `'default, ALSA'`. */
  name: string;
}

/**
 * Raised when a device index or query string selects no device. The message
 * says what was asked for and lists the devices that are available.
 */
export class DeviceNotFoundError extends RangeError {
  /** The devices that could have been selected (of the requested kind); may be empty. */
  readonly candidates: DeviceCandidate[];

  /**
   * @param message - What was asked for and what is available.
   * @param candidates - The available devices (default: none).
   */
  constructor(message: string, candidates: DeviceCandidate[] = []) {
    super(message);
    this.candidates = candidates;
  }
}
_setName(DeviceNotFoundError, 'DeviceNotFoundError');

/**
 * Raised when a device query string matches several devices and none of them
 * by its exact name. The message lists every matching device; use a device
 * index or a longer query string (for example including the host API name).
 */
export class AmbiguousDeviceError extends RangeError {
  /** The devices that matched the query. */
  readonly candidates: DeviceCandidate[];

  /**
   * @param message - What was asked for and which devices matched.
   * @param candidates - The matching devices.
   */
  constructor(message: string, candidates: DeviceCandidate[]) {
    super(message);
    this.candidates = candidates;
  }
}
_setName(AmbiguousDeviceError, 'AmbiguousDeviceError');

function _isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turn an error thrown by the native addon into the error users should see.
 *
 * An `Error` whose message is `PortAudioError:` followed by a JSON
 * {@link NativeErrorObject} becomes a {@link PortAudioError} that keeps the
 * original stack frames. Every other value (including such an error with
 * malformed JSON) is returned unchanged.
 *
 * @param e - Anything that was thrown.
 * @returns The error to throw instead.
 */
export function parseNativeError(e: unknown): unknown {
  if (!(e instanceof Error) || typeof e.message !== 'string' || !e.message.startsWith(NATIVE_ERROR_PREFIX)) {
    return e;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(e.message.slice(NATIVE_ERROR_PREFIX.length));
  } catch {
    return e;
  }
  if (!_isPlainObject(payload) || typeof payload['message'] !== 'string') return e;
  const error = PortAudioError.fromNative(payload as unknown as NativeErrorObject);
  const stack = e.stack;
  if (typeof stack === 'string') {
    const framesAt = stack.indexOf('\n    at ');
    const frames = framesAt >= 0 ? stack.slice(framesAt) : '';
    error.stack = `${error.name}: ${error.message}${frames}`;
  }
  return error;
}

/**
 * Call a function that calls into the native addon, converting what it throws
 * with {@link parseNativeError}. If the function returns a promise, its
 * rejection is converted the same way.
 *
 * @param fn - The function to call.
 * @returns What `fn` returns.
 * @throws Whatever `fn` throws, converted by {@link parseNativeError}.
 */
export function rethrowNative<T>(fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    throw parseNativeError(e);
  }
  if (result instanceof Promise) {
    return result.catch((e: unknown) => {
      throw parseNativeError(e);
    }) as T;
  }
  return result;
}
