/** Blocking reads and async iteration, shared by `Stream` and `InputStream`. */
import type { CallbackFlags } from '@sounddevice/core';
import type { ReadIntoResult, ReadResult, WaitOptions } from '@sounddevice/raw';
import { ArrayStreamBase } from './array-stream-base.js';
import type { AudioArray } from './dtypes.js';

/** One block yielded by async iteration over an input stream. */
export interface ArrayInputBlock {
  /** The block, shape `[frames, channels]`. */
  data: AudioArray;
  /** Status gathered since the previous block. */
  status: CallbackFlags;
}

/** Base of the array streams with an input side; not used directly. */
export abstract class ArrayInputBase extends ArrayStreamBase {
  /**
   * Read `frames` frames, waiting off the main thread until they are there.
   *
   * @param frames - Number of frames, a positive integer.
   * @param options - `signal` aborts the wait.
   * @returns `data`, a new ndarray of shape `[frames, channels]` in the
   *   stream's dtype, and `overflowed`: true if input was lost since the
   *   previous read.
   */
  read(frames: number, options: WaitOptions = {}): Promise<ReadResult<AudioArray>> {
    return this._readArray(frames, options);
  }

  /**
   * Read into an array you own (no allocation when it is contiguous): as
   * many frames as it has.
   *
   * @param array - An ndarray `[frames, channels]` over a typed array of the
   *   stream's dtype, or such a typed array for a mono stream. Non-contiguous
   *   ndarrays are filled through a temporary copy.
   * @param options - `signal` aborts the wait.
   * @returns Frames read and whether input overflowed since the last read.
   * @throws TypeError for another dtype or form, RangeError for another
   *   number of channels.
   */
  readInto(array: AudioArray | ArrayBufferView, options: WaitOptions = {}): Promise<ReadIntoResult> {
    return this._readIntoArray(array, options);
  }

  /**
   * Like {@link read}, but blocks the calling thread (for scripts).
   *
   * @param frames - Number of frames, a positive integer.
   */
  readSync(frames: number): ReadResult<AudioArray> {
    return this._readArraySync(frames);
  }

  /**
   * Async iteration over input blocks of `blockSize` frames (1024 when
   * PortAudio chooses). Starts the stream if needed; ends when it stops.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<ArrayInputBlock> {
    if (this.stopped) this.start();
    const frames = this.blockSize > 0 ? this.blockSize : 1024;
    while (this.active) {
      let result: ReadResult<AudioArray>;
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
