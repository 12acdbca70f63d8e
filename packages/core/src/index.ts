/**
 * `@sounddevice/core`: the pure TypeScript part of sounddevice for Node.js:
 * sample formats, callback flags, errors, module-wide defaults, device
 * matching, host-API-specific settings and argument validation. No native
 * code, no runtime dependencies.
 *
 * @packageDocumentation
 */

export { type ArrayDType, type DType, ARRAY_DTYPES, DTYPES, sampleSize, validateArrayDType, validateDType } from './dtype.js';
export { CallbackAbort, CallbackFlags, CallbackStop } from './flags.js';
export {
  type DeviceCandidate,
  type HostErrorInfo,
  type NativeErrorObject,
  AmbiguousDeviceError,
  DeviceNotFoundError,
  NATIVE_ERROR_PREFIX,
  PortAudioError,
  parseNativeError,
  rethrowNative,
  setHostApiNameResolver,
} from './errors.js';
export {
  type DeviceInfo,
  type DeviceKind,
  type DeviceListOptions,
  type HostApiInfo,
  DeviceList,
  hostApiName,
} from './devices.js';
export { matchDevice } from './match-device.js';
export { type InOutPair, type PairValue, createPairView, resolvePair } from './pair.js';
export {
  type Defaults,
  type DefaultsSnapshot,
  type DeviceSpec,
  defaults,
  setDefaultDeviceProvider,
  setDefaultHostApiProvider,
} from './defaults.js';
export {
  type AsioSettingsOptions,
  type ConversionQuality,
  type CoreAudioSettingsOptions,
  type ExtraSettings,
  type NativeAsioSettings,
  type NativeCoreAudioSettings,
  type NativeExtraSettings,
  type NativeWasapiSettings,
  type WasapiSettingsOptions,
  AsioSettings,
  CoreAudioFlags,
  CoreAudioSettings,
  WasapiFlags,
  WasapiSettings,
  isExtraSettings,
} from './settings.js';
export {
  type Latency,
  checkBoolean,
  checkResampleQuality,
  RESAMPLE_QUALITIES,
  type ResampleQuality,
  checkLatency,
  checkNonNegativeInteger,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkUnknownKeys,
  describe,
} from './validate.js';
export { suggestName } from './suggest.js';
