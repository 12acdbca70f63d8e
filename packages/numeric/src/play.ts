/** `play()`: play an array in the background (Python's `sd.play`). */
import { type DeviceSpec, type PairValue, checkBoolean } from '@sounddevice/core';
import { type CallStreamOptions, PLAY_KEYS, checkCallOptions, streamOptionsOf } from './call-options.js';
import type { AudioData } from './input-forms.js';
import { startCall } from './last-call.js';
import type { ChannelMapping } from './mapping.js';
import { preparePlayback } from './playback.js';

/** Options of {@link play}. */
export interface PlayOptions extends CallStreamOptions {
  /**
   * Output device (index or name substrings); default `defaults.device[1]`.
   * An `[input, output]` pair is accepted, as in Python: its output half is used.
   */
  device?: PairValue<DeviceSpec>;
  /**
   * Output channel numbers (starting at 1) the data's channels are played
   * on, each at most once; mono data is played on every listed channel.
   * Unlisted channels are silent. Default: channels 1…n.
   */
  mapping?: ChannelMapping | null;
  /** Return a Promise that resolves when playback has finished (default false). */
  blocking?: boolean;
  /** Play the data over and over until `stop()` (default false). */
  loop?: boolean;
  /** Passed to the stream. */
  primeOutputBuffersUsingStreamCallback?: boolean | null;
}

/**
 * Play audio data in the background. Returns at once; `await wait()` waits
 * for the end, `stop()` stops. A `play`/`rec`/`playrec` still running is
 * stopped first.
 *
 * The data is copied once and played by the audio thread itself: no
 * JavaScript runs while it plays, so a busy main thread cannot make it
 * glitch.
 *
 * @param data - `[frames, channels]` audio in any accepted form: an ndarray
 *   (scijs or @stdlib), a typed array (mono), an array of per-channel typed
 *   arrays, nested arrays `[frame][channel]`, an array of numbers (mono) or
 *   an AudioBuffer. Its format is the stream's dtype: `float32`, `int32`,
 *   `int16`, `int8`, `uint8`; `float64` and plain numbers are converted to
 *   `float32`.
 * @param options - See {@link PlayOptions}; other stream options
 *   (`sampleRate`, `device`, `latency`, …) are passed to the stream. An
 *   AudioBuffer's own `sampleRate` is used when none is given.
 * @returns Nothing, or with `blocking: true` a Promise that settles when
 *   playback has finished.
 * @throws TypeError/RangeError for unusable data, mappings or options;
 *   PortAudioError when the stream cannot be opened.
 */
export function play(data: AudioData, options?: PlayOptions & { blocking?: false }): void;
export function play(data: AudioData, options: PlayOptions & { blocking: true }): Promise<void>;
export function play(data: AudioData, options?: PlayOptions): void | Promise<void>;
export function play(data: AudioData, options: PlayOptions = {}): void | Promise<void> {
  const blocking = checkCallOptions(options, PLAY_KEYS, 'play');
  const loop = checkBoolean(options.loop ?? false, 'loop');
  const p = preparePlayback(data, options.mapping, 'mapping', options.device);
  const streamOptions = {
    ...streamOptionsOf(options, ['primeOutputBuffersUsingStreamCallback']),
    channels: p.channels,
    dtype: p.streamDType,
  };
  if (streamOptions.sampleRate === undefined && p.sampleRate !== undefined) streamOptions.sampleRate = p.sampleRate;
  const done = startCall(
    'output',
    streamOptions,
    { play: { bytes: p.bytes, channels: p.dataChannels, map: p.map, loop } },
    () => {},
  );
  return blocking ? done : undefined;
}
