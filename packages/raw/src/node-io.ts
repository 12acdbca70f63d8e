/**
 * Node.js streams over sounddevice streams: a `Readable` of input bytes and a
 * `Writable` for output bytes with backpressure, so a decoder can be piped
 * straight into a device.
 */
import { Readable, Writable } from 'node:stream';
import { checkPositiveInteger } from '@sounddevice/core';
import type { RawInputStream, RawOutputStream, RawStream } from './raw-streams.js';

/** Options of {@link createReadable}. */
export interface ReadableOptions {
  /** Frames per chunk (default: the stream's block size, or 1024). */
  frames?: number;
  /** Stop the sounddevice stream when the Readable is destroyed (default true). */
  stopOnEnd?: boolean;
}

/**
 * A `Readable` yielding the input bytes of a blocking (callback-less) input
 * or duplex stream. Starts the stream on the first read.
 *
 * @param stream - A `RawInputStream` or `RawStream` without callback.
 * @param options - See {@link ReadableOptions}.
 */
export function createReadable(stream: RawInputStream | RawStream, options: ReadableOptions = {}): Readable {
  const frames = checkPositiveInteger(options.frames ?? (stream.blockSize || 1024), 'frames');
  const stopOnEnd = options.stopOnEnd ?? true;
  return new Readable({
    read(): void {
      if (stream.stopped) stream.start();
      stream.read(frames).then(
        ({ data }) => this.push(data),
        (e: unknown) => (stream.active ? this.destroy(e as Error) : this.push(null)),
      );
    },
    destroy(error, callback): void {
      if (stopOnEnd && !stream.closed && stream.active) stream.abort();
      callback(error);
    },
  });
}

/** Options of {@link createWritable}. */
export interface WritableOptions {
  /** Let the queued output play and stop the stream when the Writable ends (default true). */
  stopOnFinish?: boolean;
}

/**
 * A `Writable` that plays the bytes written to it through a blocking
 * (callback-less) output or duplex stream, with backpressure: a write
 * completes once its frames are queued for the device. Partial frames are
 * kept until the rest arrives. Starts the stream on the first write.
 *
 * @param stream - A `RawOutputStream` or `RawStream` without callback.
 * @param options - See {@link WritableOptions}.
 */
export function createWritable(stream: RawOutputStream | RawStream, options: WritableOptions = {}): Writable {
  const frameBytes = (Array.isArray(stream.channels) ? stream.channels[1] : stream.channels) *
    (Array.isArray(stream.sampleSize) ? stream.sampleSize[1] : stream.sampleSize);
  let pending = Buffer.alloc(0);
  const stopOnFinish = options.stopOnFinish ?? true;
  return new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      const bytes = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const whole = bytes.length - (bytes.length % frameBytes);
      pending = Buffer.from(bytes.subarray(whole));
      if (whole === 0) return callback();
      if (stream.stopped) stream.start();
      stream.write(bytes.subarray(0, whole)).then(
        () => callback(),
        (e: unknown) => callback(e as Error),
      );
    },
    final(callback): void {
      try {
        if (stopOnFinish && stream.active) stream.stop();
        callback();
      } catch (e) {
        callback(e as Error);
      }
    },
  });
}
