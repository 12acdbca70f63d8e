/**
 * The module-wide state of `play`/`rec`/`playrec` (Python's
 * `_last_callback`): the current stream, its accumulated status, and
 * `wait`, `stop`, `getStatus`, `getStream`.
 */
import { CallbackFlags, checkBoolean, checkUnknownKeys } from '@sounddevice/core';
import type { AnyStreamOptions, BufferTransfer, RawBufferStreamOptions } from '@sounddevice/raw';
import { InputStream, OutputStream, Stream } from './array-streams.js';
import { openWithTransfer } from './buffer-transfer.js';

/** The stream of a `play` (OutputStream), `rec` (InputStream) or `playrec` (Stream), as in Python. */
export type CallStream = OutputStream | InputStream | Stream;

/** One invocation of `play`, `rec` or `playrec`. */
interface Call {
  stream: CallStream;
  status: CallbackFlags;
  /** Settles when the stream has finished and the result is complete. */
  done: Promise<void>;
  finished: boolean;
  finish: () => void;
}

let _last: Call | undefined;

/** Options of {@link wait} and {@link stop}. */
export interface IgnoreErrorsOptions {
  /** Swallow errors of the stream (and of closing it); default true, as in Python. */
  ignoreErrors?: boolean;
}

function _ignoreErrors(options: IgnoreErrorsOptions, fn: string): boolean {
  checkUnknownKeys(options, ['ignoreErrors'], `${fn} options`);
  return checkBoolean(options.ignoreErrors ?? true, 'ignoreErrors');
}

function _collectStatus(call: Call): void {
  if (!call.stream.closed) call.status.merge(call.stream.takeStatus());
}

/** Ends a call once: gathers the status, completes the result, closes the stream. */
function _end(call: Call): void {
  if (call.finished) return;
  call.finished = true;
  _collectStatus(call);
  try {
    call.finish();
  } finally {
    call.stream.closeSync();
  }
}

function _open(direction: 'duplex' | 'input' | 'output', options: RawBufferStreamOptions): CallStream {
  const o = options as AnyStreamOptions as never;
  if (direction === 'output') return new OutputStream(o);
  if (direction === 'input') return new InputStream(o);
  return new Stream(o);
}

/**
 * Open and start the stream of a new call, after stopping the previous one
 * (as Python does): an `OutputStream` (play), `InputStream` (rec) or
 * `Stream` (playrec) that hands `transfer` to the audio thread whole.
 *
 * @param direction - Directions of the stream.
 * @param options - Stream options (channels and dtype included).
 * @param transfer - What to play and where to record.
 * @param finish - Completes the result once recording has ended.
 * @returns A promise that settles when the call is done.
 */
export function startCall(
  direction: 'duplex' | 'input' | 'output',
  options: RawBufferStreamOptions,
  transfer: BufferTransfer,
  finish: () => void,
): Promise<void> {
  stop();
  const stream = openWithTransfer(transfer, () => _open(direction, options));
  try {
    stream.start();
  } catch (e) {
    stream.closeSync();
    throw e;
  }
  const call: Call = { stream, status: new CallbackFlags(), done: Promise.resolve(), finished: false, finish };
  call.done = stream.finished.then(
    () => _end(call),
    (error: unknown) => {
      _end(call);
      throw error;
    },
  );
  call.done.catch(() => {});
  _last = call;
  return call.done;
}

/**
 * Wait until `play()`/`rec()`/`playrec()` has finished (returns at once if
 * it has, or if none was started), then close its stream.
 *
 * @param options - `ignoreErrors` (default true): when false, an error of
 *   the stream (e.g. the audio thread failed) rejects the promise.
 * @returns A `CallbackFlags` if any buffer over- or underflow happened
 *   during the last call, else `null`.
 */
export async function wait(options: IgnoreErrorsOptions = {}): Promise<CallbackFlags | null> {
  const ignore = _ignoreErrors(options, 'wait');
  const call = _last;
  if (call === undefined) return null;
  try {
    await call.done;
  } catch (e) {
    if (!ignore) throw e;
  }
  return call.status.any ? call.status : null;
}

/**
 * Stop `play()`/`rec()`/`playrec()` (only those: other streams are not
 * affected) and close its stream. What was recorded so far stays in the
 * returned array.
 *
 * @param options - `ignoreErrors` (default true): when false, an error
 *   stopping the stream is thrown.
 */
export function stop(options: IgnoreErrorsOptions = {}): void {
  const ignore = _ignoreErrors(options, 'stop');
  const call = _last;
  if (call === undefined || call.finished) return;
  try {
    if (!call.stream.closed) call.stream.stop({ ignoreErrors: ignore });
  } catch (e) {
    if (!ignore) {
      _end(call);
      throw e;
    }
  }
  _end(call);
}

/**
 * Over- and underflows of the last `play()`/`rec()`/`playrec()` (so far,
 * if it still runs).
 *
 * @returns Its `CallbackFlags`.
 * @throws Error if none was called yet.
 */
export function getStatus(): CallbackFlags {
  const call = _last;
  if (call === undefined) throw new Error('play()/rec()/playrec() was not called yet');
  _collectStatus(call);
  return call.status;
}

/**
 * The stream of the last `play()`/`rec()`/`playrec()`: as in Python, an
 * `OutputStream`, `InputStream` or `Stream` respectively (with every
 * stream attribute: `sampleRate`, `latency`, `active`, …; it plays and
 * records on the audio thread, so `read`/`write` refuse as on a callback
 * stream). It is closed once the call has finished or was stopped.
 *
 * @returns The stream.
 * @throws Error if none was called yet.
 */
export function getStream(): CallStream {
  const call = _last;
  if (call === undefined) throw new Error('play()/rec()/playrec() was not called yet');
  return call.stream;
}
