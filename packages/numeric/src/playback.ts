/**
 * What `play`/`playrec` hand to the audio thread: the data copied once into
 * an interleaved typed array of the stream's format (float64 and plain
 * numbers become float32) and the output channel map.
 */
import { type DeviceSpec, type PairValue, queryDevices, resolveDevice } from '@sounddevice/raw';
import { type SampleArray, type SampleDType, sampleBytes } from './dtypes.js';
import { toInterleaved } from './convert.js';
import { describeInput } from './input-forms.js';
import { outputMap } from './mapping.js';

/** A prepared playback. */
export interface Playback {
  /** The samples, a private copy. */
  samples: SampleArray;
  bytes: Uint8Array;
  frames: number;
  /** Channels of the data. */
  dataChannels: number;
  /** Format of the data as given (`'float64'` for plain numbers). */
  dataDType: SampleDType;
  /** Format played (float64 → float32). */
  streamDType: Exclude<SampleDType, 'float64'>;
  /** Output channels of the stream. */
  channels: number;
  /** For each output channel, the data channel or -1. */
  map: number[];
  /** `sampleRate` of an AudioBuffer-like input. */
  sampleRate: number | undefined;
}

function _outputDevice(device: PairValue<DeviceSpec>): number {
  const spec = Array.isArray(device) ? device[1] : device;
  const index = resolveDevice((spec ?? undefined) as DeviceSpec | undefined, 'output');
  return queryDevices(index).maxOutputChannels;
}

/**
 * Prepare data for playback.
 *
 * @param data - Audio data in any accepted form.
 * @param mapping - The output mapping option.
 * @param mappingParam - Its name for messages.
 * @param device - The device option (consulted only for a mapping of `[1]`).
 * @throws TypeError/RangeError for unusable data or mappings.
 */
export function preparePlayback(data: unknown, mapping: unknown, mappingParam: string, device: PairValue<DeviceSpec>): Playback {
  const src = describeInput(data, 'data');
  if (src.channels < 1) throw new RangeError(`data must have at least one channel, got shape [${src.frames}, ${src.channels}]`);
  const streamDType = src.dtype === 'float64' ? 'float32' : src.dtype;
  const { channels, map } = outputMap(mapping, src.channels, mappingParam, () => _outputDevice(device));
  const samples = toInterleaved(src, { param: 'data', dtype: streamDType, float64ToFloat32: true, copy: true });
  return {
    samples,
    bytes: sampleBytes(samples),
    frames: src.frames,
    dataChannels: src.channels,
    dataDType: src.dtype,
    streamDType,
    channels,
    map,
    sampleRate: src.sampleRate,
  };
}
