/**
 * Where `rec`/`playrec` record to: the caller's `out` or a new array, the
 * memory the audio thread writes (the array itself when possible, else a
 * float32 or contiguous temporary) and the copy made when recording ends.
 */
import ndarray from 'ndarray';
import { checkPositiveInteger, defaults, describe, validateArrayDType } from '@sounddevice/core';
import { type AudioArray, type SampleArray, type SampleDType, allocSamples, sampleBytes } from './dtypes.js';
import { scatter } from './convert.js';
import { inputMap } from './mapping.js';
import { describeTarget, targetBytes } from './target.js';

/** What the caller asked for. */
export interface RecordingRequest {
  frames: unknown;
  channels: unknown;
  dtype: unknown;
  out: unknown;
  mapping: unknown;
  /** Parameter name of the mapping (`'mapping'`, `'inputMapping'`). */
  mappingParam: string;
  /** Where `dtype` comes from when not given (defaults.dtype[0], or the played data's). */
  defaultDType: unknown;
}

/** A prepared recording. */
export interface Recording {
  /** What `rec`/`playrec` return: `out` itself, or a new ndarray `[frames, channels]`. */
  result: unknown;
  frames: number;
  /** Format the stream records in (`'float64'` is recorded as float32). */
  streamDType: Exclude<SampleDType, 'float64'>;
  /** Input channels of the stream. */
  deviceChannels: number;
  /** For each recorded channel, the input channel (0-based). */
  map: number[];
  /** The memory the audio thread fills. */
  bytes: Uint8Array;
  /** Copies a temporary into the result (float64 or non-contiguous `out`); no-op otherwise. */
  finish(): void;
}

function _dtype(value: unknown, param: string): SampleDType {
  const dtype = validateArrayDType(value, param);
  if (dtype === 'int24') {
    throw new TypeError(`${param} 'int24' is not supported for arrays (no typed array holds packed 24 bit samples); use RawInputStream`);
  }
  return dtype;
}

function _streamDType(dtype: SampleDType): Exclude<SampleDType, 'float64'> {
  return dtype === 'float64' ? 'float32' : dtype;
}

function _fromOut(req: RecordingRequest): Recording {
  const target = describeTarget(req.out, 'out');
  if (req.dtype !== undefined && req.dtype !== null && req.dtype !== target.dtype) {
    throw new TypeError(`out holds ${target.dtype} samples but dtype is ${describe(req.dtype)}; leave dtype out or make them agree`);
  }
  if (req.frames !== undefined && req.frames !== null && req.frames !== target.frames) {
    throw new RangeError(`frames is ${describe(req.frames)} but out has ${target.frames} frames; leave frames out or make them agree`);
  }
  if (req.channels !== undefined && req.channels !== null && req.channels !== target.channels) {
    throw new RangeError(`channels is ${describe(req.channels)} but out has ${target.channels} channels; leave channels out or make them agree`);
  }
  if (target.frames < 1 || target.channels < 1) {
    throw new RangeError(`out must have at least one frame and one channel, got shape [${target.frames}, ${target.channels}]`);
  }
  const { channels, map } = inputMap(req.mapping, target.channels, req.mappingParam);
  const streamDType = _streamDType(target.dtype);
  const direct = target.dtype === streamDType ? targetBytes(target) : undefined;
  let temp: SampleArray | undefined;
  if (direct === undefined) temp = allocSamples(streamDType, target.frames * target.channels);
  return {
    result: req.out,
    frames: target.frames,
    streamDType,
    deviceChannels: channels,
    map,
    bytes: direct ?? sampleBytes(temp!),
    finish: () => {
      if (temp !== undefined) scatter(temp, target);
    },
  };
}

/**
 * The number of channels to record, in Python's order: `channels`, else
 * `defaults.channels[0]`, else the mapping's length. A mapping must then
 * have one entry per channel.
 */
function _channels(req: RecordingRequest): number {
  let count: number;
  let from: string;
  if (req.channels !== undefined && req.channels !== null) {
    count = checkPositiveInteger(req.channels, 'channels');
    from = 'channels';
  } else if (defaults.channels[0] !== null && defaults.channels[0] !== undefined) {
    count = defaults.channels[0];
    from = 'defaults.channels[0]';
  } else if (req.mapping !== undefined && req.mapping !== null) {
    return typeof req.mapping === 'number' ? 1 : Array.isArray(req.mapping) ? req.mapping.length : 0;
  } else {
    throw new TypeError(
      'channels must be given (or defaults.channels, or a mapping): the number of input channels to record is unknown',
    );
  }
  const entries = typeof req.mapping === 'number' ? 1 : Array.isArray(req.mapping) ? req.mapping.length : undefined;
  if (entries !== undefined && entries !== count) {
    throw new RangeError(
      `${req.mappingParam} has ${entries} entr${entries === 1 ? 'y' : 'ies'} but ${from} is ${count}: the number of ` +
        `recorded channels and the size of ${req.mappingParam} must agree (leave ${from} out to record one channel per entry)`,
    );
  }
  return count;
}

/**
 * Prepare a recording from `rec`'s or `playrec`'s arguments (Python's rules:
 * `out` gives frames, channels and dtype; a mapping gives channels).
 *
 * @param req - The arguments.
 * @throws TypeError/RangeError for invalid or conflicting arguments.
 */
export function prepareRecording(req: RecordingRequest): Recording {
  if (req.out !== undefined && req.out !== null) return _fromOut(req);
  const frames = checkPositiveInteger(req.frames, 'frames');
  const dtype = _dtype(req.dtype ?? req.defaultDType, 'dtype');
  const requested = _channels(req);
  const { channels, map } = inputMap(req.mapping, requested, req.mappingParam);
  const streamDType = _streamDType(dtype);
  const data = allocSamples(dtype, frames * requested);
  const result: AudioArray = ndarray(data, [frames, requested]);
  const temp = dtype === streamDType ? undefined : allocSamples(streamDType, frames * requested);
  return {
    result,
    frames,
    streamDType,
    deviceChannels: channels,
    map,
    bytes: sampleBytes(temp ?? data),
    finish: () => {
      if (temp !== undefined) data.set(temp);
    },
  };
}
