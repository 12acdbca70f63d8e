/**
 * How `play`/`rec`/`playrec` open their stream as the public class Python
 * returns from `get_stream()` (`OutputStream`, `InputStream`, `Stream`)
 * while handing whole buffers to the audio thread: the transfer is parked
 * here for the duration of the constructor call, which the array stream
 * base takes it from. Nothing else can run in between (it is synchronous).
 */
import type { BufferTransfer } from '@sounddevice/raw';

let _pending: BufferTransfer | undefined;

/**
 * Run `open` (a stream constructor call) with `transfer` as the stream's
 * buffers.
 *
 * @param transfer - What to play and where to record.
 * @param open - Constructs the stream.
 * @returns The stream.
 */
export function openWithTransfer<S>(transfer: BufferTransfer, open: () => S): S {
  _pending = transfer;
  try {
    return open();
  } finally {
    _pending = undefined;
  }
}

/**
 * @internal The transfer of the stream being constructed, if any (taken
 * once: a stream constructed inside that one, e.g. by a callback, gets none).
 */
export function takeTransfer(): BufferTransfer | undefined {
  const transfer = _pending;
  _pending = undefined;
  return transfer;
}
