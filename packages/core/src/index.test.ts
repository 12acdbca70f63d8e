import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('@sounddevice/core entry point', () => {
  it('exports the public names', () => {
    const expected = [
      'ARRAY_DTYPES',
      'AmbiguousDeviceError',
      'AsioSettings',
      'CallbackAbort',
      'CallbackFlags',
      'CallbackStop',
      'CoreAudioFlags',
      'CoreAudioSettings',
      'DTYPES',
      'DeviceList',
      'DeviceNotFoundError',
      'NATIVE_ERROR_PREFIX',
      'PortAudioError',
      'WasapiFlags',
      'RESAMPLE_QUALITIES',
      'WasapiSettings',
      'checkBoolean',
      'checkLatency',
      'checkNonNegativeInteger',
      'checkOneOf',
      'checkPositiveInteger',
      'checkPositiveNumber',
      'checkResampleQuality',
      'checkUnknownKeys',
      'createPairView',
      'defaults',
      'describe',
      'hostApiName',
      'isExtraSettings',
      'matchDevice',
      'parseNativeError',
      'resolvePair',
      'rethrowNative',
      'sampleSize',
      'setDefaultDeviceProvider',
      'setDefaultHostApiProvider',
      'setHostApiNameResolver',
      'suggestName',
      'validateArrayDType',
      'validateDType',
    ];
    expect(Object.keys(core).sort()).toEqual(expected.sort());
  });
});
