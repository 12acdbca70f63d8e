/**
 * `@sounddevice/raw`: play and record raw audio bytes through PortAudio.
 * Streams over Buffers, device queries, settings checks and module-wide
 * defaults — without any array library. `@sounddevice/numeric` builds on it
 * with arrays, `play`, `rec` and `playrec`.
 *
 * @packageDocumentation
 */

export {
  type ArrayDType,
  type DType,
  type DeviceInfo,
  type DeviceKind,
  type DeviceSpec,
  type ExtraSettings,
  type HostApiInfo,
  type InOutPair,
  type Latency,
  type PairValue,
  AmbiguousDeviceError,
  AsioSettings,
  CallbackAbort,
  CallbackFlags,
  CallbackStop,
  CoreAudioSettings,
  DeviceList,
  DeviceNotFoundError,
  DTYPES,
  PortAudioError,
  WasapiSettings,
  defaults,
  sampleSize,
} from '@sounddevice/core';
export { getPortAudioLibraryPath, getPortAudioVersion, initialize, reinitialize, sleep, terminate, type ReinitializeOptions } from './library.js';
export { queryDevices, queryHostApis, refreshDevices, type QueryDevicesOptions } from './devices.js';
export { watchDevices, DeviceWatcher, type WatchDevicesOptions, type DeviceChangeEvent, type DeviceWatcherEvents } from './device-watcher.js';
export type { DeviceChange } from './device-changes.js';
export type { DeviceChangeCause } from './device-sources.js';
export { checkInputSettings, checkOutputSettings, type CheckSettingsOptions } from './check-settings.js';
export type { DuplexCallback, InputCallback, OutputCallback } from './callback-types.js';
export type { CallbackTime, DirectionOptions, StreamOptionsBase } from './stream-options.js';
export { StreamBase, type BufferTransfer, type HaltOptions, type StreamPresentation, type WaitOptions, type AnyStreamOptions } from './stream-base.js';
export {
  type InputBlock,
  type RawInputStreamOptions,
  type RawOutputStreamOptions,
  type RawStreamOptions,
  type ReadIntoResult,
  type ReadResult,
  RawInputStream,
  type RawBufferStreamOptions,
  RawBufferStream,
  RawOutputStream,
  RawStream,
} from './raw-streams.js';
export { createReadable, createWritable, type ReadableOptions, type WritableOptions } from './node-io.js';
export { resolveDevice } from './devices.js';
export { callNative as _callNative, native as _native } from './native.js';
export { version } from './version.js';
