import { describe, expect, it } from 'vitest';
import { ARRAY_DTYPES, DTYPES, sampleSize, validateArrayDType, validateDType } from './dtype.js';

describe('DTYPES', () => {
  it('lists the PortAudio sample formats', () => {
    expect(DTYPES).toEqual(['float32', 'int32', 'int24', 'int16', 'int8', 'uint8']);
    expect(ARRAY_DTYPES).toEqual([...DTYPES, 'float64']);
    expect(Object.isFrozen(DTYPES)).toBe(true);
  });
});

describe('sampleSize', () => {
  it('gives the bytes per sample, int24 packed', () => {
    expect(DTYPES.map((dtype) => sampleSize(dtype))).toEqual([4, 4, 3, 2, 1, 1]);
  });

  it('rejects unknown formats', () => {
    expect(() => sampleSize('float64' as never)).toThrow(RangeError);
  });
});

describe('validateDType', () => {
  it('returns valid formats', () => {
    for (const dtype of DTYPES) expect(validateDType(dtype)).toBe(dtype);
  });

  it('throws RangeError naming parameter, value and allowed values', () => {
    expect(() => validateDType('float64')).toThrow(
      new RangeError("dtype must be one of 'float32', 'int32', 'int24', 'int16', 'int8', 'uint8', got 'float64'"),
    );
    expect(() => validateDType('int12', 'defaults.dtype')).toThrow(/^defaults\.dtype must be one of .* got 'int12'$/);
  });

  it('throws TypeError for non-strings', () => {
    expect(() => validateDType(32)).toThrow(TypeError);
    expect(() => validateDType(undefined)).toThrow(/dtype must be one of .*, got undefined/);
    expect(() => validateDType(Float32Array)).toThrow(TypeError);
  });
});

describe('validateArrayDType', () => {
  it("also allows 'float64'", () => {
    expect(validateArrayDType('float64')).toBe('float64');
    expect(validateArrayDType('int24')).toBe('int24');
    expect(() => validateArrayDType('float16', 'out.dtype')).toThrow(
      /^out\.dtype must be one of .*'uint8', 'float64', got 'float16'$/,
    );
    expect(() => validateArrayDType(null)).toThrow(TypeError);
  });
});
