/**
 * `RawStream`, `RawInputStream`, `RawOutputStream`: streams over plain bytes
 * (Buffers of interleaved frames in the stream's sample format), with no
 * array library involved.
 */
import {
  type CallbackFlags,
  type DeviceSpec,
  type DType,
  type ExtraSettings,
  type Latency,
  type PairValue,
  checkBoolean,
  checkOneOf,
  checkPositiveInteger,
  checkUnknownKeys,
  describe,
} from '@sounddevice/core';
import type { DuplexCallback, InputCallback, OutputCallback } from './callback-types.js';
import { type BufferTransfer, type StreamPresentation, StreamBase, type WaitOptions } from './stream-base.js';
import type { DirectionOptions, StreamOptionsBase } from './stream-options.js';

const _buffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function _presentation(kind: string, direction: 'duplex' | 'input' | 'output'): StreamPresentation<Buffer, Buffer> {
  return { kind, direction, wrapInput: _buffer, wrapOutput: _buffer };
}

/** Options of {@link RawStream}: `device`, `channels`, `dtype`, `latency`, `extraSettings` may be `[input, output]` pairs. */
export interface RawStreamOptions extends StreamOptionsBase, DirectionOptions<true> {
  /** Called for each block with `(indata, outdata, frames, time, status)`. */
  callback?: DuplexCallback<Buffer, Buffer> | null;
}

/**
 * Options of {@link RawInputStream}. `device`, `channels`, `dtype`,
 * `latency`, `extraSettings` may be `[input, output]` pairs, as in Python: the
 * input half is used.
 */
export interface RawInputStreamOptions extends StreamOptionsBase, DirectionOptions<false> {
  /** Called for each block with `(indata, frames, time, status)`. */
  callback?: InputCallback<Buffer> | null;
}

/**
 * Options of {@link RawOutputStream}. `device`, `channels`, `dtype`,
 * `latency`, `extraSettings` may be `[input, output]` pairs, as in Python: the
 * output half is used.
 */
export interface RawOutputStreamOptions extends StreamOptionsBase, DirectionOptions<false> {
  /** Called for each block with `(outdata, frames, time, status)`; fill `outdata`. */
  callback?: OutputCallback<Buffer> | null;
}

/** What `read()` returns. */
export interface ReadResult<T> {
  /** The frames read. */
  data: T;
  /** True if input was lost (overflow) since the previous read. */
  overflowed: boolean;
}

/** What `readInto()` returns. */
export interface ReadIntoResult {
  /** Frames written into the caller's buffer. */
  frames: number;
  /** True if input was lost (overflow) since the previous read. */
  overflowed: boolean;
}

/** One block yielded by async iteration over an input stream. */
export interface InputBlock<T> {
  data: T;
  status: CallbackFlags;
}

function _checkCallback(callback: unknown): void {
  if (callback !== undefined && callback !== null && typeof callback !== 'function') {
    throw new TypeError(`callback must be a function, got ${typeof callback}`);
  }
}

/** Shared blocking-I/O methods of the raw input side. */
abstract class RawInputMixin<O> extends StreamBase<Buffer, O> {
  /**
   * Read `frames` frames, waiting off the main thread until they are there.
   *
   * @param frames - Number of frames, a positive integer.
   * @param options - `signal` aborts the wait.
   * @returns The bytes and whether input overflowed since the last read.
   */
  async read(frames: number, options: WaitOptions = {}): Promise<ReadResult<Buffer>> {
    const { bytes, overflowed } = await this._readBytes(frames, options);
    return { data: bytes, overflowed };
  }

  /**
   * Read into a buffer the caller owns (no allocation): as many frames as fit.
   *
   * @param buffer - A Buffer/typed array whose byte length is a whole number of frames.
   * @param options - `signal` aborts the wait.
   */
  readInto(buffer: ArrayBufferView | ArrayBuffer, options: WaitOptions = {}): Promise<ReadIntoResult> {
    return this._readIntoBytes(buffer, options);
  }

  /** Like {@link read}, but blocks the calling thread (for scripts). */
  readSync(frames: number): ReadResult<Buffer> {
    const { bytes, overflowed } = this._readSyncBytes(frames);
    return { data: bytes, overflowed };
  }

  /**
   * Async iteration over input blocks of `blockSize` frames (1024 when
   * PortAudio chooses). Starts the stream if needed; ends when it stops.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<InputBlock<Buffer>> {
    if (this.stopped) this.start();
    const frames = this.blockSize > 0 ? this.blockSize : 1024;
    while (this.active) {
      let result: ReadResult<Buffer>;
      try {
        result = await this.read(frames);
      } catch (e) {
        if (!this.active || this.closed) return;
        throw e;
      }
      yield { data: result.data, status: this.takeStatus() };
    }
  }
}

/**
 * A full-duplex stream of raw bytes (Python's `RawStream`).
 *
 * With `callback`, PortAudio's blocks are handed to it on the main thread;
 * with `processor`, to a module in a worker; with neither, use
 * `read`/`write`.
 */
export class RawStream extends RawInputMixin<Buffer> {
  /**
   * @param options - See {@link RawStreamOptions}; unspecified values come
   *   from `defaults`, then from the device.
   * @throws TypeError/RangeError for invalid options, PortAudioError when
   *   PortAudio refuses to open the stream.
   */
  constructor(options: RawStreamOptions = {}) {
    _checkCallback(options.callback);
    super(_presentation('RawStream', 'duplex'), options, options.callback ?? undefined);
  }

  /**
   * Write bytes (whole frames), waiting off the main thread until they are
   * all queued.
   *
   * @param data - Interleaved frames in the stream's format: a Buffer, typed
   *   array, ArrayBuffer, or (as Python's iterable of int) an array of byte
   *   values 0-255, which is copied.
   * @param options - `signal` aborts the wait.
   * @returns True if output underflowed since the last write.
   * @throws TypeError/RangeError for other data, or not whole frames.
   */
  write(data: ArrayBufferView | ArrayBuffer | readonly number[], options: WaitOptions = {}): Promise<boolean> {
    return this._writeBytes(this._frameBytes(data, 'write', 'data'), options);
  }

  /**
   * Like {@link write}, but blocks the calling thread (for scripts).
   *
   * @param data - See {@link write}.
   */
  writeSync(data: ArrayBufferView | ArrayBuffer | readonly number[]): boolean {
    return this._writeSyncBytes(this._frameBytes(data, 'write', 'data'));
  }
}

/** An input-only stream of raw bytes (Python's `RawInputStream`). */
export class RawInputStream extends RawInputMixin<Buffer> {
  /**
   * @param options - See {@link RawInputStreamOptions}.
   * @throws TypeError/RangeError for invalid options, PortAudioError when
   *   PortAudio refuses to open the stream.
   */
  constructor(options: RawInputStreamOptions = {}) {
    _checkCallback(options.callback);
    const cb = options.callback ?? undefined;
    super(
      _presentation('RawInputStream', 'input'),
      options,
      cb && ((indata, _out, frames, time, status) => cb(indata, frames, time, status)),
    );
  }
}

/** An output-only stream of raw bytes (Python's `RawOutputStream`). */
export class RawOutputStream extends StreamBase<Buffer, Buffer> {
  /**
   * @param options - See {@link RawOutputStreamOptions}.
   * @throws TypeError/RangeError for invalid options, PortAudioError when
   *   PortAudio refuses to open the stream.
   */
  constructor(options: RawOutputStreamOptions = {}) {
    _checkCallback(options.callback);
    const cb = options.callback ?? undefined;
    super(
      _presentation('RawOutputStream', 'output'),
      options,
      cb && ((_in, outdata, frames, time, status) => cb(outdata, frames, time, status)),
    );
  }

  /**
   * Write bytes (whole frames), waiting off the main thread until they are
   * all queued.
   *
   * @param data - Interleaved frames in the stream's format: a Buffer, typed
   *   array, ArrayBuffer, or (as Python's iterable of int) an array of byte
   *   values 0-255, which is copied.
   * @param options - `signal` aborts the wait.
   * @returns True if output underflowed since the last write.
   * @throws TypeError/RangeError for other data, or not whole frames.
   */
  write(data: ArrayBufferView | ArrayBuffer | readonly number[], options: WaitOptions = {}): Promise<boolean> {
    return this._writeBytes(this._frameBytes(data, 'write', 'data'), options);
  }

  /**
   * Like {@link write}, but blocks the calling thread (for scripts).
   *
   * @param data - See {@link write}.
   */
  writeSync(data: ArrayBufferView | ArrayBuffer | readonly number[]): boolean {
    return this._writeSyncBytes(this._frameBytes(data, 'write', 'data'));
  }
}

export type { DeviceSpec, DType, ExtraSettings, Latency, PairValue };

/** Options of {@link RawBufferStream}. */
export interface RawBufferStreamOptions extends StreamOptionsBase, DirectionOptions<true> {}

/**
 * A stream that plays and/or records whole buffers on the audio thread, with
 * channel maps (the engine of `play`/`rec`/`playrec`). It finishes by itself
 * when the data is played and the recording buffer is full (or loops).
 * Most users want `play`/`rec`/`playrec` from `@sounddevice/numeric`.
 */
export class RawBufferStream extends StreamBase<Buffer, Buffer> {
  /**
   * @param direction - Which directions to open.
   * @param options - Stream options (pairs allowed for duplex).
   * @param transfer - The buffers and channel maps; see {@link BufferTransfer}.
   * @param kind - Class name for messages.
   */
  constructor(
    direction: 'duplex' | 'input' | 'output',
    options: RawBufferStreamOptions,
    transfer: BufferTransfer,
    kind = 'RawBufferStream',
  ) {
    checkOneOf(direction, ['duplex', 'input', 'output'], 'direction');
    super({ kind, direction, wrapInput: _buffer, wrapOutput: _buffer }, options, undefined, _checkTransfer(transfer));
  }
}

/** A channel map: integers from `min` (-1: silence, in play maps) up. */
function _checkMap(map: unknown, param: string, min: number): number[] {
  if (!Array.isArray(map) || map.length === 0) throw new TypeError(`${param} must be a non-empty array of channel indices, got ${describe(map)}`);
  for (const [i, c] of map.entries()) {
    if (typeof c !== 'number') throw new TypeError(`${param}[${i}] must be an integer, got ${describe(c)}`);
    if (!Number.isInteger(c) || c < min) throw new RangeError(`${param}[${i}] must be an integer of at least ${min}, got ${describe(c)}`);
  }
  return map as number[];
}

/** Validates a {@link BufferTransfer} (the addon would only say "Missing field"). */
function _checkTransfer(transfer: unknown): BufferTransfer {
  if (typeof transfer !== 'object' || transfer === null) throw new TypeError(`transfer must be an object { play?, rec? }, got ${describe(transfer)}`);
  checkUnknownKeys(transfer, ['play', 'rec'], 'transfer');
  const { play, rec } = transfer as Record<string, unknown>;
  const out: BufferTransfer = {};
  if (play !== undefined) {
    if (typeof play !== 'object' || play === null) throw new TypeError(`transfer.play must be an object, got ${describe(play)}`);
    checkUnknownKeys(play, ['bytes', 'channels', 'map', 'loop'], 'transfer.play');
    const p = play as Record<string, unknown>;
    if (!(p.bytes instanceof Uint8Array)) throw new TypeError(`transfer.play.bytes must be a Uint8Array, got ${describe(p.bytes)}`);
    out.play = {
      bytes: p.bytes,
      channels: checkPositiveInteger(p.channels, 'transfer.play.channels'),
      map: _checkMap(p.map, 'transfer.play.map', -1),
      loop: checkBoolean(p.loop ?? false, 'transfer.play.loop'),
    };
  }
  if (rec !== undefined) {
    if (typeof rec !== 'object' || rec === null) throw new TypeError(`transfer.rec must be an object, got ${describe(rec)}`);
    checkUnknownKeys(rec, ['bytes', 'map'], 'transfer.rec');
    const r = rec as Record<string, unknown>;
    if (!(r.bytes instanceof Uint8Array)) throw new TypeError(`transfer.rec.bytes must be a Uint8Array, got ${describe(r.bytes)}`);
    out.rec = { bytes: r.bytes, map: _checkMap(r.map, 'transfer.rec.map', 0) };
  }
  return out;
}
