/**
 * Reading what a device captured: where the signal starts and ends in
 * vfile_out's file (PortAudio primes with silence), gaps inside it, and
 * whether it is whole repetitions of some data.
 */
export interface Capture {
  /** Frames of silence before the first non-silent frame (all frames if silent). */
  lead: number;
  /** Frames of silence after the last non-silent frame. */
  trail: number;
  /** Silent frames between the first and last non-silent frames. */
  gaps: number;
  /** The bytes from the first to the last non-silent frame. */
  sound: Buffer;
  /** Frames in the file. */
  frames: number;
}

function _silent(bytes: Uint8Array, frame: number, frameBytes: number, silence: number): boolean {
  for (let i = frame * frameBytes; i < (frame + 1) * frameBytes; i++) if (bytes[i] !== silence) return false;
  return true;
}

/** Splits captured bytes into leading silence, the sound, and trailing silence. */
export function splitCapture(bytes: Uint8Array, frameBytes: number, silence: number): Capture {
  if (bytes.byteLength % frameBytes !== 0) throw new Error(`${bytes.byteLength} bytes are not whole frames of ${frameBytes}`);
  const frames = bytes.byteLength / frameBytes;
  let first = 0;
  while (first < frames && _silent(bytes, first, frameBytes, silence)) first++;
  let last = frames - 1;
  while (last >= first && _silent(bytes, last, frameBytes, silence)) last--;
  let gaps = 0;
  for (let f = first; f <= last; f++) if (_silent(bytes, f, frameBytes, silence)) gaps++;
  const sound = Buffer.from(bytes.buffer, bytes.byteOffset + first * frameBytes, (last + 1 - first) * frameBytes);
  return { lead: first, trail: frames - 1 - last, gaps, sound, frames };
}

/** How `sound` repeats `data`: whole copies, then a prefix of `partial` bytes; `exact` if nothing else. */
export function repetitions(sound: Uint8Array, data: Uint8Array): { whole: number; partial: number; exact: boolean } {
  let at = 0;
  let whole = 0;
  while (at + data.byteLength <= sound.byteLength) {
    if (Buffer.compare(sound.subarray(at, at + data.byteLength), data) !== 0) break;
    at += data.byteLength;
    whole++;
  }
  const rest = sound.subarray(at);
  const exact = rest.byteLength < data.byteLength && Buffer.compare(rest, data.subarray(0, rest.byteLength)) === 0;
  return { whole, partial: rest.byteLength, exact };
}

/** Prints one line of figures for the report (vitest shows it with the test). */
export function report(label: string, figures: object): void {
  process.stderr.write(`parity ${label}: ${JSON.stringify(figures)}\n`);
}

/**
 * The most leading silence a stream of ours may put before the signal on
 * vfile_out: PortAudio's priming of a callback-mode stream (2085 frames seen
 * for play() at 48 kHz, 2048 for a callback at block size 256; ours runs
 * blocking streams in callback mode too, Python's blocking streams are not
 * primed at all). More is silence inserted while waiting for the program,
 * which an unpaced device must not get (design.md, "Threads").
 */
export const PRIMING_BOUND = 4096;
