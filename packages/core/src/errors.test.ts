import { describe, expect, it } from 'vitest';
import {
  AmbiguousDeviceError,
  DeviceNotFoundError,
  NATIVE_ERROR_PREFIX,
  PortAudioError,
  parseNativeError,
  rethrowNative,
  setHostApiNameResolver,
} from './errors.js';

function nativeError(payload: unknown): Error {
  return new Error(`${NATIVE_ERROR_PREFIX}${JSON.stringify(payload)}`);
}

describe('PortAudioError', () => {
  it('formats the message like Python', () => {
    const e = new PortAudioError('Error opening OutputStream: Invalid sample rate', -9997);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('PortAudioError');
    expect(e.message).toBe('Error opening OutputStream: Invalid sample rate [PaErrorCode -9997]');
    expect(e.args).toEqual(['Error opening OutputStream: Invalid sample rate', -9997]);
    expect(e.code).toBe(-9997);
    expect(e.hostApiError).toBeUndefined();
    expect(String(e)).toBe('PortAudioError: Error opening OutputStream: Invalid sample rate [PaErrorCode -9997]');
  });

  it('keeps the plain text when there is no code', () => {
    const e = new PortAudioError('PortAudio not initialized');
    expect(e.message).toBe('PortAudio not initialized');
    expect(e.args).toEqual(['PortAudio not initialized']);
    expect(e.code).toBeUndefined();
  });

  it("adds the host error as Python's str() does, with the host API's name (issue 13)", () => {
    setHostApiNameResolver((index) => (index === 8 ? 'ALSA' : undefined));
    try {
      const e = new PortAudioError('Error starting stream: Unanticipated host error', -9999, [8, -16, 'Device busy']);
      expect(e.message).toBe("Error starting stream: Unanticipated host error [PaErrorCode -9999]: 'Device busy' [ALSA error -16]");
      expect(e.args).toEqual(['Error starting stream: Unanticipated host error', -9999, [8, -16, 'Device busy']]);
      expect(e.hostApiError).toEqual([8, -16, 'Device busy']);
      const silent = new PortAudioError('Unanticipated host error', -9999, [8, -16, '']);
      expect(silent.message).toBe("Unanticipated host error [PaErrorCode -9999]: '' [ALSA error -16]");
      expect(silent.hostApiError).toEqual([8, -16, '']);
      expect(new PortAudioError('x', -9999, [3, -5, 'y']).message).toBe("x [PaErrorCode -9999]: 'y' [host API 3 error -5]");
      expect(new PortAudioError('x', -9999, [-9979, -5, 'y']).message).toBe("x [PaErrorCode -9999]: 'y' [<host API not found> error -5]");
      expect(new PortAudioError('x', -9999, [-2, -5, 'y']).message).toBe("x [PaErrorCode -9999]: 'y' [<error getting host API: -2> error -5]");
      // Nothing known about the host error: no empty suffix (a deliberate difference).
      const bare = new PortAudioError('Error initializing PortAudio: Unanticipated host error', -9999, [-10000, 0, '']);
      expect(bare.message).toBe('Error initializing PortAudio: Unanticipated host error [PaErrorCode -9999]');
      expect(bare.args[2]).toEqual([-10000, 0, '']);
    } finally {
      setHostApiNameResolver(null);
    }
  });

  it('is built from the native plain object', () => {
    const e = PortAudioError.fromNative({
      message: 'Error opening InputStream: Device unavailable',
      code: -9985,
      hostApi: 8,
      hostErrorCode: -16,
      hostErrorText: 'Device or resource busy',
    });
    expect(e.args).toEqual(['Error opening InputStream: Device unavailable', -9985, [8, -16, 'Device or resource busy']]);
    expect(PortAudioError.fromNative({ message: 'x' }).args).toEqual(['x']);
    expect(PortAudioError.fromNative({ message: 'x', code: -1, hostApi: 2 }).args).toEqual(['x', -1]);
    expect(PortAudioError.fromNative({ message: 'x', code: -1, hostApi: 2, hostErrorCode: 5 }).hostApiError).toEqual([
      2,
      5,
      '',
    ]);
  });
});

describe('parseNativeError', () => {
  it('turns a prefixed native error into a PortAudioError, keeping the stack frames', () => {
    const original = nativeError({ message: 'Error opening OutputStream: Invalid sample rate', code: -9997 });
    const parsed = parseNativeError(original);
    expect(parsed).toBeInstanceOf(PortAudioError);
    const e = parsed as PortAudioError;
    expect(e.message).toBe('Error opening OutputStream: Invalid sample rate [PaErrorCode -9997]');
    expect(e.code).toBe(-9997);
    const lines = e.stack!.split('\n');
    expect(lines[0]).toBe('PortAudioError: Error opening OutputStream: Invalid sample rate [PaErrorCode -9997]');
    expect(lines.slice(1)).toEqual(original.stack!.split('\n').slice(1));
    expect(lines[1]).toMatch(/errors\.test\.ts/);
  });

  it('passes everything else through unchanged', () => {
    const values: unknown[] = [
      new TypeError('channels must be a positive integer, got 0'),
      new Error(`${NATIVE_ERROR_PREFIX}not json`),
      new Error(`${NATIVE_ERROR_PREFIX}[1, 2]`),
      new Error(`${NATIVE_ERROR_PREFIX}{"code": -1}`),
      'PortAudioError:{"message":"a string, not an Error"}',
      { message: 'PortAudioError:{"message":"x"}' },
      null,
      undefined,
      42,
    ];
    for (const value of values) expect(parseNativeError(value)).toBe(value);
  });
});

describe('rethrowNative', () => {
  it('returns the result', () => {
    expect(rethrowNative(() => 42)).toBe(42);
  });

  it('converts what is thrown', () => {
    expect(() =>
      rethrowNative(() => {
        throw nativeError({ message: 'Error stopping stream: Stream is stopped', code: -9983 });
      }),
    ).toThrow(new PortAudioError('Error stopping stream: Stream is stopped', -9983));
    const other = new RangeError('other');
    expect(() =>
      rethrowNative(() => {
        throw other;
      }),
    ).toThrow(other);
  });

  it('converts promise rejections', async () => {
    await expect(rethrowNative(() => Promise.resolve('ok'))).resolves.toBe('ok');
    const rejected = rethrowNative(() => Promise.reject(nativeError({ message: 'Timed out', code: -9987 })));
    await expect(rejected).rejects.toBeInstanceOf(PortAudioError);
    await expect(rethrowNative(() => Promise.reject(nativeError({ message: 'Timed out', code: -9987 })))).rejects.toThrow(
      'Timed out [PaErrorCode -9987]',
    );
  });
});

describe('device selection errors', () => {
  it('are RangeErrors with candidates', () => {
    const missing = new DeviceNotFoundError('No device matching \'x\'');
    expect(missing).toBeInstanceOf(RangeError);
    expect(missing.name).toBe('DeviceNotFoundError');
    expect(missing.candidates).toEqual([]);

    const candidates = [
      { index: 7, name: 'default, ALSA' },
      { index: 12, name: 'default, OSS' },
    ];
    const ambiguous = new AmbiguousDeviceError('Multiple devices found for \'default\'', candidates);
    expect(ambiguous).toBeInstanceOf(RangeError);
    expect(ambiguous).not.toBeInstanceOf(DeviceNotFoundError);
    expect(ambiguous.name).toBe('AmbiguousDeviceError');
    expect(ambiguous.candidates).toBe(candidates);
    expect(ambiguous.stack?.split('\n')[0]).toBe("AmbiguousDeviceError: Multiple devices found for 'default'");
  });
});
