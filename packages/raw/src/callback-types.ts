/** Callback signatures of the stream classes (Python's argument order). */
import type { CallbackFlags } from '@sounddevice/core';
import type { CallbackTime } from './stream-options.js';

/** Full-duplex callback: `indata` to read, `outdata` to fill, both valid only during the call. */
export type DuplexCallback<I, O> = (
  indata: I,
  outdata: O,
  frames: number,
  time: CallbackTime,
  status: CallbackFlags,
) => void;

/** Input-only callback: `indata` is valid only during the call. */
export type InputCallback<I> = (indata: I, frames: number, time: CallbackTime, status: CallbackFlags) => void;

/** Output-only callback: fill `outdata` (valid only during the call). */
export type OutputCallback<O> = (outdata: O, frames: number, time: CallbackTime, status: CallbackFlags) => void;

/** Whichever of the three a stream has, normalized to the duplex form. */
export type AnyCallback<I, O> = DuplexCallback<I, O>;

/** True for `CallbackStop` (also across module copies, e.g. inside a worker). */
export function isCallbackStop(e: unknown): boolean {
  return e instanceof Error && e.name === 'CallbackStop';
}

/** True for `CallbackAbort` (also across module copies). */
export function isCallbackAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'CallbackAbort';
}
