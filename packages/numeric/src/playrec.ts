/** `playrec()`: play and record at the same time (Python's `sd.playrec`). */
import { type DeviceSpec, type PairValue, describe } from '@sounddevice/core';
import { type CallStreamOptions, PLAYREC_KEYS, checkCallOptions, streamOptionsOf } from './call-options.js';
import type { AudioArray } from './dtypes.js';
import type { AudioData } from './input-forms.js';
import { startCall } from './last-call.js';
import type { ChannelMapping } from './mapping.js';
import { preparePlayback } from './playback.js';
import type { RecDType } from './rec.js';
import { prepareRecording } from './recording.js';

/** Options of {@link playrec}. */
export interface PlayrecOptions<T = AudioArray> extends CallStreamOptions {
  /** Device(s): one for both, or `[input, output]`. */
  device?: PairValue<DeviceSpec>;
  /**
   * Input channels; default `defaults.channels[0]`, else the input
   * mapping's length (Python's order). With a mapping, they must agree.
   */
  channels?: number | null;
  /** Format of the recording; default: the played data's (`defaults.dtype` is ignored). */
  dtype?: RecDType | null;
  /**
   * Record into this array; its frames must equal the data's. `channels` or
   * `dtype` that disagree with it throw (Python ignores them silently).
   */
  out?: T | null;
  /** Input channel numbers (from 1) to record. */
  inputMapping?: ChannelMapping | null;
  /** Output channel numbers (from 1) to play the data's channels on. */
  outputMapping?: ChannelMapping | null;
  /** Return a Promise of the recording that resolves when done (default false). */
  blocking?: boolean;
  /** Passed to the stream. */
  neverDropInput?: boolean | null;
}

/**
 * Play audio data and record at the same time, on one full-duplex stream
 * run entirely by the audio thread. Returns the recording array at once,
 * filled while the stream runs; it has as many frames as the data.
 *
 * @param data - Audio data to play, as for `play()`; its channels give the
 *   output channels, its format the output dtype (float64 → float32).
 * @param options - See {@link PlayrecOptions}; other stream options are
 *   passed to the stream.
 * @returns The recording (`out`, or a new ndarray `[frames, channels]`);
 *   with `blocking: true` a Promise of it.
 * @throws TypeError/RangeError for invalid or conflicting arguments;
 *   PortAudioError when the stream cannot be opened.
 */
export function playrec<T = AudioArray>(data: AudioData, options: PlayrecOptions<T> & { blocking: true }): Promise<T>;
export function playrec<T = AudioArray>(data: AudioData, options?: PlayrecOptions<T> & { blocking?: false }): T;
export function playrec<T = AudioArray>(data: AudioData, options?: PlayrecOptions<T>): T | Promise<T>;
export function playrec(data: AudioData, options: PlayrecOptions<unknown> = {}): unknown {
  const blocking = checkCallOptions(options, PLAYREC_KEYS, 'playrec');
  const p = preparePlayback(data, options.outputMapping, 'outputMapping', options.device ?? null);
  if (p.frames < 1) throw new RangeError(`data must have at least one frame to play and record, got ${p.frames}`);
  const hasOut = options.out !== undefined && options.out !== null;
  const r = prepareRecording({
    frames: hasOut ? undefined : p.frames,
    channels: options.channels,
    dtype: options.dtype,
    out: options.out,
    mapping: options.inputMapping,
    mappingParam: 'inputMapping',
    defaultDType: p.dataDType,
  });
  if (r.frames !== p.frames) {
    throw new RangeError(`out must have as many frames as data (${p.frames}), got ${describe(r.frames)}`);
  }
  const streamOptions = {
    ...streamOptionsOf(options, ['neverDropInput']),
    channels: [r.deviceChannels, p.channels] as [number, number],
    dtype: [r.streamDType, p.streamDType] as [typeof r.streamDType, typeof p.streamDType],
  };
  if (streamOptions.sampleRate === undefined && p.sampleRate !== undefined) streamOptions.sampleRate = p.sampleRate;
  const done = startCall(
    'duplex',
    streamOptions,
    {
      play: { bytes: p.bytes, channels: p.dataChannels, map: p.map, loop: false },
      rec: { bytes: r.bytes, map: r.map },
    },
    r.finish,
  );
  return blocking ? done.then(() => r.result) : r.result;
}
