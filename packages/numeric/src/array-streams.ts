/**
 * `Stream`, `InputStream`, `OutputStream`: Python's array streams. Blocks,
 * reads and writes are ndarrays of shape `[frames, channels]` (C order) over
 * the dtype's typed array.
 */
import type { CallbackFlags, DType, PairValue } from '@sounddevice/core';
import type { AnyStreamOptions, CallbackTime, DirectionOptions, DuplexCallback, InputCallback, OutputCallback, StreamOptionsBase, WaitOptions } from '@sounddevice/raw';
import { ArrayInputBase } from './array-input.js';
import { ArrayStreamBase } from './array-stream-base.js';
import type { AudioArray } from './dtypes.js';
import type { AudioData } from './input-forms.js';

/** Sample formats of array streams: every `DType` except `'int24'` (raw classes only). */
export type StreamDType = Exclude<DType, 'int24'>;

/** Options of {@link Stream}: `device`, `channels`, `dtype`, `latency`, `extraSettings` may be `[input, output]` pairs. */
export interface StreamOptions extends StreamOptionsBase, Omit<DirectionOptions<true>, 'dtype'> {
  /** Sample format(s); default `defaults.dtype` (`'float32'`). */
  dtype?: PairValue<StreamDType>;
  /**
   * Called for each block with `(indata, outdata, frames, time, status)`;
   * `indata`/`outdata` are ndarrays `[frames, channels]` reused from block to
   * block: read and fill them only during the call.
   */
  callback?: DuplexCallback<AudioArray, AudioArray> | null;
}

/**
 * Options of {@link InputStream}. `device`, `channels`, `dtype`, `latency`,
 * `extraSettings` may be `[input, output]` pairs, as in Python: the input
 * half is used.
 */
export interface InputStreamOptions extends StreamOptionsBase, Omit<DirectionOptions<false>, 'dtype'> {
  /** Sample format; default `defaults.dtype[0]`. */
  dtype?: PairValue<StreamDType>;
  /** Called for each block with `(indata, frames, time, status)`. */
  callback?: InputCallback<AudioArray> | null;
}

/**
 * Options of {@link OutputStream}. `device`, `channels`, `dtype`, `latency`,
 * `extraSettings` may be `[input, output]` pairs, as in Python: the output
 * half is used.
 */
export interface OutputStreamOptions extends StreamOptionsBase, Omit<DirectionOptions<false>, 'dtype'> {
  /** Sample format; default `defaults.dtype[1]`. */
  dtype?: PairValue<StreamDType>;
  /** Called for each block with `(outdata, frames, time, status)`; fill `outdata`. */
  callback?: OutputCallback<AudioArray> | null;
}

function _callback<F>(options: { callback?: F | null } | undefined): F | undefined {
  const cb = options?.callback;
  if (cb !== undefined && cb !== null && typeof cb !== 'function') {
    throw new TypeError(`callback must be a function, got ${typeof cb}`);
  }
  return cb ?? undefined;
}

/**
 * A full-duplex stream of arrays (Python's `Stream`).
 *
 * With `callback`, each block is handed to it on the main thread; with
 * `processor`, to a module in the stream's own worker thread (it receives
 * ndarrays too); with neither, use `read`/`write`.
 */
export class Stream extends ArrayInputBase {
  /**
   * @param options - See {@link StreamOptions}; unspecified values come from
   *   `defaults`, then from the device.
   * @throws TypeError/RangeError for invalid options (`'int24'` included),
   *   PortAudioError when PortAudio refuses to open the stream.
   */
  constructor(options: StreamOptions = {}) {
    super('Stream', 'duplex', options as AnyStreamOptions, _callback(options));
  }

  /**
   * Write frames, waiting off the main thread until they are all queued.
   *
   * @param data - `[frames, channels]` data in any accepted form (ndarray,
   *   typed array for mono, per-channel typed arrays, nested arrays,
   *   AudioBuffer) of the stream's output dtype; copied if not contiguous.
   * @param options - `signal` aborts the wait.
   * @returns True if output underflowed since the last write.
   * @throws TypeError for another dtype or an unsupported form, RangeError
   *   for another number of channels.
   */
  write(data: AudioData, options: WaitOptions = {}): Promise<boolean> {
    return this._writeBytes(this._outputBytes(data), options);
  }

  /**
   * Like {@link write}, but blocks the calling thread (for scripts).
   *
   * @param data - See {@link write}.
   */
  writeSync(data: AudioData): boolean {
    return this._writeSyncBytes(this._outputBytes(data));
  }
}

/** An input-only stream of arrays (Python's `InputStream`). */
export class InputStream extends ArrayInputBase {
  /**
   * @param options - See {@link InputStreamOptions}.
   * @throws TypeError/RangeError for invalid options, PortAudioError when
   *   PortAudio refuses to open the stream.
   */
  constructor(options: InputStreamOptions = {}) {
    const cb = _callback(options);
    super(
      'InputStream',
      'input',
      options as AnyStreamOptions,
      cb && ((indata: AudioArray, _out: AudioArray, frames: number, time: CallbackTime, status: CallbackFlags) => cb(indata, frames, time, status)),
    );
  }
}

/** An output-only stream of arrays (Python's `OutputStream`). */
export class OutputStream extends ArrayStreamBase {
  /**
   * @param options - See {@link OutputStreamOptions}.
   * @throws TypeError/RangeError for invalid options, PortAudioError when
   *   PortAudio refuses to open the stream.
   */
  constructor(options: OutputStreamOptions = {}) {
    const cb = _callback(options);
    super(
      'OutputStream',
      'output',
      options as AnyStreamOptions,
      cb && ((_in: AudioArray, outdata: AudioArray, frames: number, time: CallbackTime, status: CallbackFlags) => cb(outdata, frames, time, status)),
    );
  }

  /**
   * Write frames, waiting off the main thread until they are all queued.
   *
   * @param data - See {@link Stream.write}.
   * @param options - `signal` aborts the wait.
   * @returns True if output underflowed since the last write.
   */
  write(data: AudioData, options: WaitOptions = {}): Promise<boolean> {
    return this._writeBytes(this._outputBytes(data), options);
  }

  /**
   * Like {@link write}, but blocks the calling thread (for scripts).
   *
   * @param data - See {@link Stream.write}.
   */
  writeSync(data: AudioData): boolean {
    return this._writeSyncBytes(this._outputBytes(data));
  }
}
