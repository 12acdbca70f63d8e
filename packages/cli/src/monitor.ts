/**
 * Shared by the live input displays (`meter`, `spectrogram`, `plot`): an
 * input stream whose blocks arrive as float32 samples on the main thread,
 * and waiting for the user to stop.
 */
import { type DeviceInfo, RawInputStream, queryDevices } from '@sounddevice/raw';
import { onInterrupt, timeout } from './interrupt.js';
import type { CliIO } from './io.js';

/** What {@link openInput} opens. */
export interface InputSpec {
  device?: number | string;
  /** Input channels to open (default: 2, or 1 on a mono device). */
  channels?: number;
  samplerate?: number;
  /** Frames per block (0: PortAudio chooses). */
  blocksize?: number;
  /**
   * Called on the main thread for each block with the interleaved samples
   * (valid only during the call) and the number of frames.
   */
  onBlock: (samples: Float32Array, frames: number) => void;
}

/** Opens (not starts) a float32 input stream that hands each block to `spec.onBlock`. */
export function openInput(spec: InputSpec): { stream: RawInputStream; info: DeviceInfo } {
  const info = queryDevices(spec.device ?? undefined, 'input');
  let copy = new Float32Array(0);
  const stream = new RawInputStream({
    device: info.index,
    channels: spec.channels ?? Math.min(2, info.maxInputChannels),
    dtype: 'float32',
    sampleRate: spec.samplerate ?? null,
    blockSize: spec.blocksize ?? 0,
    callback: (indata, frames) => {
      let samples: Float32Array;
      if (indata.byteOffset % 4 === 0) {
        samples = new Float32Array(indata.buffer, indata.byteOffset, indata.byteLength / 4);
      } else {
        if (copy.length * 4 < indata.byteLength) copy = new Float32Array(indata.byteLength / 4);
        samples = copy.subarray(0, indata.byteLength / 4);
        new Uint8Array(samples.buffer, 0, indata.byteLength).set(indata);
      }
      spec.onBlock(samples, frames);
    },
  });
  return { stream, info };
}

/** How {@link waitForStop} ends. */
export interface StopSpec {
  /** Seconds; default: no limit. */
  duration?: number;
  /** Also stop when this settles (e.g. the stream finished). */
  finished?: Promise<unknown>;
  /**
   * Keys typed on a terminal stdin (raw mode): `q`, Enter and Ctrl+C stop, others
   * go to this handler.
   */
  onKey?: (key: string) => void;
  io: CliIO;
}

/**
 * Waits until Ctrl+C (SIGINT, or the key in raw mode), `q`, SIGTERM, the
 * duration or `finished`. With `onKey` and a terminal stdin, keys are read
 * one by one (raw mode, restored afterwards).
 */
export async function waitForStop(spec: StopSpec): Promise<void> {
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const removeInterrupt = onInterrupt(() => stop?.());
  const stdin = spec.io.stdin;
  const raw = spec.onKey !== undefined && stdin !== undefined && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  const onData = (data: Buffer | string): void => {
    for (const key of data.toString()) {
      if (key === '\x03' || key === 'q' || key === 'Q' || key === '\r' || key === '\n') stop?.();
      else spec.onKey?.(key);
    }
  };
  if (raw) {
    stdin.setRawMode!(true);
    stdin.on('data', onData);
    stdin.resume();
  }
  const limit = spec.duration === undefined ? undefined : timeout(spec.duration * 1000);
  try {
    const waits: Promise<unknown>[] = [stopped];
    if (spec.finished) waits.push(spec.finished);
    if (limit) waits.push(limit.promise);
    await Promise.race(waits);
  } finally {
    limit?.cancel();
    removeInterrupt();
    if (raw) {
      stdin.removeListener('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
    }
  }
}
