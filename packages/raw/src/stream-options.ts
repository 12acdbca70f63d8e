/**
 * Stream options: their types, validation, and resolution against
 * `defaults` and the device (Python's `_get_stream_parameters`).
 */
import {
  type DType,
  type DeviceInfo,
  type DeviceKind,
  type DeviceSpec,
  type ExtraSettings,
  type Latency,
  type PairValue,
  type ResampleQuality,
  checkBoolean,
  checkResampleQuality,
  checkLatency,
  checkNonNegativeInteger,
  checkPositiveInteger,
  checkPositiveNumber,
  checkUnknownKeys,
  PortAudioError,
  defaults,
  describe,
  isExtraSettings,
  resolvePair,
  sampleSize,
  validateDType,
} from '@sounddevice/core';
import { queryDevices, resolveDevice } from './devices.js';
import type { NativeDirection } from './native.js';

/** The largest block size (2^24 frames: minutes of audio; devices use a few thousand at most). */
const MAX_BLOCK_SIZE = 2 ** 24;

/** Which directions a stream has. */
export type StreamDirection = 'duplex' | 'input' | 'output';

/** PortAudio's timestamps of one block (seconds, in the stream's `time` base). */
export interface CallbackTime {
  /** When the first input sample of the block was captured at the ADC. */
  inputBufferAdcTime: number;
  /** When the first output sample of the block will reach the DAC. */
  outputBufferDacTime: number;
  /** When the callback was invoked. */
  currentTime: number;
}

/** Options shared by every stream class (Python's stream constructor arguments). */
export interface StreamOptionsBase {
  /** Sampling frequency in Hz; default `defaults.sampleRate`, then the device's default. */
  sampleRate?: number | null;
  /** Frames per block, 0 (default) lets PortAudio choose, possibly varying per block. */
  blockSize?: number | null;
  /** Called once whenever the stream becomes inactive (stop, abort, `CallbackStop`, end of data). */
  finishedCallback?: (() => void) | null;
  /** Don't clip out-of-range samples (PortAudio `paClipOff`). */
  clipOff?: boolean | null;
  /** Don't dither (PortAudio `paDitherOff`). */
  ditherOff?: boolean | null;
  /** Full-duplex only: never drop input, call back with output only on overflow (`paNeverDropInput`). */
  neverDropInput?: boolean | null;
  /** Call the callback to fill the initial output buffers instead of using silence. */
  primeOutputBuffersUsingStreamCallback?: boolean | null;
  /**
   * Callback streams: how far the audio thread works ahead of your callback,
   * in blocks (an integer 0-64, default 2). What each value trades:
   *
   * - `0`, synchronous: the audio thread hands each block to the callback (or
   *   processor) and waits for its output, as Python's callback runs on the
   *   audio thread. `latency` and a loopback's delay equal Python's for the
   *   same arguments. A callback that is not back within 80 % of the block's
   *   duration (a garbage collection, a busy event loop) costs that block:
   *   it plays silence, its late output is dropped when it comes, and the next
   *   call's `status` reports `outputUnderflow`, as in Python. Best in a
   *   `processor` (a worker, immune to the main thread being busy).
   * - `1` or more: that many blocks of silence are played first and the
   *   callback's output is queued behind them, adding `cushion * blockSize`
   *   frames of output latency (included in `latency`) and absorbing that much
   *   jitter. The latency never grows beyond it because the program was late:
   *   when the cushion runs dry the device plays silence, and output made for
   *   such a block afterwards is not queued (an output-only callback is not
   *   asked for it; a duplex callback gets its input and its output is
   *   dropped). One exception: a host that asks for several blocks at once
   *   (DirectSound and WASAPI fill their buffer that way) would drain a
   *   smaller cushion inside every burst while the program keeps up; such a
   *   block is asked for anyway and the cushion grows by it (at most 16
   *   blocks, for the rest of the run; `stream.cushion` and `latency` say by
   *   how much).
   *
   * On a device that does not run on a clock (ALSA `file`/`null` PCMs such as
   * the testbed's `vfile_out`, see `unpaced`) the cushion is not used: every
   * block waits for the callback for as long as it takes, so the output is the
   * callback's blocks back to back and no input is dropped, whatever the value.
   */
  cushion?: number | null;
  /**
   * Instead of `callback`: path or file URL of a module whose exported
   * function (`default` or `process`) has the callback's signature. It runs
   * in the stream's own worker thread, immune to the main thread being busy.
   */
  processor?: string | URL | null;
  /** Passed to the processor module's optional `init(data)` export (structured-clonable). */
  processorData?: unknown;
  /**
   * When the device does not support `sampleRate`, run it at a rate it does
   * (its default rate, else the nearest common one) and convert, on the audio
   * thread, with a band-limited sinc filter: the program sees exactly
   * `sampleRate` in every mode (callback, processor, blocking, `play`/`rec`/
   * `playrec`). `latency` includes the converter's delay; `time` and the
   * callback's timestamps stay in PortAudio's clock; status flags are the
   * device's. A rate the device supports is never converted. Default
   * `defaults.resample` (`false`, as in Python: an unsupported rate is then a
   * `PortAudioError` naming this option and the rates the device supports).
   */
  resample?: boolean | null;
  /**
   * Quality of the conversion (`'low'`, `'medium'`, `'high'`, `'best'`; see
   * the README's table); default `defaults.resampleQuality` (`'high'`).
   */
  resampleQuality?: ResampleQuality | null;
}

/**
 * Options of one direction's parameters: single values, or `[input, output]`
 * pairs. As in Python, one-way streams accept pairs too and use the half of
 * their direction (`latency: [0.1, 0.2]` gives an output stream 0.2 s), so
 * the same options serve every kind of stream. (`Pair` is kept for
 * compatibility; both forms are allowed either way.)
 */
export interface DirectionOptions<Pair extends boolean = true> {
  /** Device index or name substrings; default `defaults.device`, then PortAudio's default. */
  device?: PairValue<DeviceSpec>;
  /** Number of channels; default `defaults.channels`, then the device's maximum. */
  channels?: PairValue<number>;
  /** Sample format; default `defaults.dtype` (`'float32'`). */
  dtype?: PairValue<DType>;
  /** `'low'`, `'high'` (default) or seconds. */
  latency?: PairValue<Latency>;
  /** `AsioSettings`, `CoreAudioSettings` or `WasapiSettings`. */
  extraSettings?: PairValue<ExtraSettings>;
}

export const STREAM_OPTION_KEYS = [
  'sampleRate',
  'blockSize',
  'device',
  'channels',
  'dtype',
  'latency',
  'extraSettings',
  'callback',
  'finishedCallback',
  'clipOff',
  'ditherOff',
  'neverDropInput',
  'primeOutputBuffersUsingStreamCallback',
  'cushion',
  'processor',
  'processorData',
  'resample',
  'resampleQuality',
] as const;

function _nativeSettings(extra: ExtraSettings): NativeDirection['extraSettings'] {
  const n = extra.toNative();
  if (n.kind === 'asio') return { kind: n.kind, channelSelectors: n.channelSelectors };
  if (n.kind === 'coreaudio') return { kind: n.kind, channelMap: n.channelMap ?? undefined, flags: n.flags };
  return { kind: n.kind, flags: n.flags };
}

/** One resolved direction. */
export interface ResolvedDirection {
  device: number;
  deviceInfo: DeviceInfo;
  channels: number;
  dtype: DType;
  sampleSize: number;
  native: NativeDirection;
}

/** Everything a stream needs to open. */
export interface ResolvedOptions {
  input: ResolvedDirection | undefined;
  output: ResolvedDirection | undefined;
  sampleRate: number;
  blockSize: number;
  flags: number;
  cushion: number;
  /** The converter's quality when `resample` is on; `undefined`: off. */
  resample: ResampleQuality | undefined;
}

const PA_CLIP_OFF = 0x1;
const PA_DITHER_OFF = 0x2;
const PA_NEVER_DROP_INPUT = 0x4;
const PA_PRIME_OUTPUT = 0x8;

/**
 * The half of an option for one direction. As in Python, an `[input, output]`
 * pair is accepted by every stream: a one-way stream (and `play`/`rec`, and
 * the settings checks) uses the half of its direction.
 */
function _pick<T>(value: unknown, index: 0 | 1, param: string): T | undefined {
  return resolvePair(value as T | [T, T] | null | undefined, index, param);
}

/** PortAudio's `paInvalidChannelCount`. */
const PA_INVALID_CHANNEL_COUNT = -9998;

/**
 * Too many (or no) channels: a PortAudioError with PortAudio's code, as
 * Python gets from PortAudio, with what the device has.
 */
function _channelError(where: string, kind: DeviceKind, channels: number, max: number, opening: string): PortAudioError {
  const has = max < 1 ? `it has no ${kind} channels; choose another ${kind} device` : `channels must be at most ${max}`;
  return new PortAudioError(
    `${opening}Invalid number of channels: ${where} (${kind}) cannot take ${channels}; ${has}`,
    PA_INVALID_CHANNEL_COUNT,
  );
}

function _direction(kind: DeviceKind, options: DirectionOptions<boolean>, opening: string): ResolvedDirection {
  const i = kind === 'input' ? 0 : 1;
  const device = resolveDevice(_pick<DeviceSpec>(options.device, i, 'device') ?? undefined, kind);
  const info = queryDevices(device);
  const max = kind === 'input' ? info.maxInputChannels : info.maxOutputChannels;
  const where = `device ${device} '${info.name}'`;

  let channels = _pick<number>(options.channels, i, 'channels') ?? defaults.channels[i] ?? max;
  if (max < 1) throw _channelError(where, kind, channels, max, opening);
  channels = checkPositiveInteger(channels, 'channels');
  if (channels > max) throw _channelError(where, kind, channels, max, opening);
  const given = _pick<DType>(options.dtype, i, 'dtype');
  const dtype = validateDType(given ?? defaults.dtype[i], given === undefined ? `defaults.dtype[${i}]` : 'dtype');
  const latencyOption = checkLatency(_pick<Latency>(options.latency, i, 'latency') ?? defaults.latency[i], 'latency');
  const latency =
    latencyOption === 'low'
      ? kind === 'input'
        ? info.defaultLowInputLatency
        : info.defaultLowOutputLatency
      : latencyOption === 'high'
        ? kind === 'input'
          ? info.defaultHighInputLatency
          : info.defaultHighOutputLatency
        : latencyOption;
  const extra = _pick<ExtraSettings>(options.extraSettings, i, 'extraSettings') ?? defaults.extraSettings[i];
  if (extra !== null && extra !== undefined && !isExtraSettings(extra)) {
    throw new TypeError(
      `extraSettings must be AsioSettings, CoreAudioSettings or WasapiSettings, got ${describe(extra)}`,
    );
  }
  return {
    device,
    deviceInfo: info,
    channels,
    dtype,
    sampleSize: sampleSize(dtype),
    native: {
      device,
      channels,
      dtype,
      latency,
      extraSettings: extra ? _nativeSettings(extra) : undefined,
    },
  };
}

/**
 * Validate `options` and resolve every value as Python does: given value,
 * else `defaults`, else the device's own default. Pairs are accepted for
 * every direction; one-way streams use the half of their direction.
 *
 * @param direction - The stream's directions.
 * @param options - The options given.
 * @param allowedKeys - The option names allowed.
 * @param opening - Prefix of PortAudio-style errors, e.g.
 *   `'Error opening OutputStream: '` (empty for the settings checks).
 * @throws TypeError/RangeError naming the option and the allowed values;
 *   PortAudioError (`paInvalidChannelCount`) for more channels than the
 *   device has.
 */
export function resolveStreamOptions(
  direction: StreamDirection,
  options: StreamOptionsBase & DirectionOptions<boolean> & { callback?: unknown },
  allowedKeys: readonly string[] = STREAM_OPTION_KEYS,
  opening = '',
): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  checkUnknownKeys(options, allowedKeys, 'options');
  const input = direction !== 'output' ? _direction('input', options, opening) : undefined;
  const output = direction !== 'input' ? _direction('output', options, opening) : undefined;

  let sampleRate = options.sampleRate ?? defaults.sampleRate;
  if (sampleRate === null || sampleRate === undefined) {
    const rates = [input?.deviceInfo.defaultSampleRate, output?.deviceInfo.defaultSampleRate].filter(
      (r): r is number => r !== undefined,
    );
    if (rates.length === 2 && rates[0] !== rates[1]) {
      throw new RangeError(
        `sampleRate must be given: the input device's default rate (${rates[0]} Hz) differs from the output device's (${rates[1]} Hz)`,
      );
    }
    sampleRate = rates[0]!;
  }
  sampleRate = checkPositiveNumber(sampleRate, 'sampleRate');
  const blockSize = checkNonNegativeInteger(options.blockSize ?? defaults.blockSize, 'blockSize');
  if (blockSize > MAX_BLOCK_SIZE) throw new RangeError(`blockSize must be at most ${MAX_BLOCK_SIZE} frames, got ${blockSize}`);

  const flag = (value: boolean | null | undefined, fallback: boolean, name: string, bit: number): number =>
    checkBoolean(value ?? fallback, name) ? bit : 0;
  const neverDropInput = flag(options.neverDropInput, defaults.neverDropInput, 'neverDropInput', PA_NEVER_DROP_INPUT);
  if (neverDropInput && direction !== 'duplex') {
    throw new RangeError('neverDropInput is only allowed on full-duplex streams (Stream/RawStream), not on ' + direction + ' streams');
  }
  const flags =
    flag(options.clipOff, defaults.clipOff, 'clipOff', PA_CLIP_OFF) |
    flag(options.ditherOff, defaults.ditherOff, 'ditherOff', PA_DITHER_OFF) |
    neverDropInput |
    flag(
      options.primeOutputBuffersUsingStreamCallback,
      defaults.primeOutputBuffersUsingStreamCallback,
      'primeOutputBuffersUsingStreamCallback',
      PA_PRIME_OUTPUT,
    );
  const cushion = checkNonNegativeInteger(options.cushion ?? 2, 'cushion');
  if (cushion > 64) throw new RangeError(`cushion must be at most 64 blocks, got ${cushion}`);
  const resample = checkBoolean(options.resample ?? defaults.resample, 'resample');
  const quality = checkResampleQuality(options.resampleQuality ?? defaults.resampleQuality, 'resampleQuality');
  return { input, output, sampleRate, blockSize, flags, cushion, resample: resample ? quality : undefined };
}
