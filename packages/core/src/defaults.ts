/**
 * Module-wide default settings: `defaults` (Python's `sd.default`).
 *
 * @module
 */

import { type ArrayDType, validateArrayDType } from './dtype.js';
import { type InOutPair, type PairValue, createPairView } from './pair.js';
import { type ExtraSettings, isExtraSettings } from './settings.js';
import { suggestName } from './suggest.js';
import {
  type Latency,
  type ResampleQuality,
  checkBoolean,
  checkResampleQuality,
  checkLatency,
  checkNonNegativeInteger,
  checkPositiveInteger,
  checkPositiveNumber,
  describe,
} from './validate.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A device selection: a device index, a query string (see `matchDevice()`),
 * or `null` for PortAudio's default device.
 */
export type DeviceSpec = number | string | null;

/** A copy of all settable defaults at one moment, as plain values. */
export interface DefaultsSnapshot {
  device: [DeviceSpec, DeviceSpec];
  channels: [number | null, number | null];
  dtype: [ArrayDType, ArrayDType];
  latency: [Latency, Latency];
  extraSettings: [ExtraSettings | null, ExtraSettings | null];
  sampleRate: number | null;
  blockSize: number;
  clipOff: boolean;
  ditherOff: boolean;
  neverDropInput: boolean;
  primeOutputBuffersUsingStreamCallback: boolean;
  resample: boolean;
  resampleQuality: ResampleQuality;
}

type PairName = 'device' | 'channels' | 'dtype' | 'latency' | 'extraSettings';
type SingleName = Exclude<keyof DefaultsSnapshot, PairName>;

interface DefaultsState {
  pairs: { [K in PairName]: DefaultsSnapshot[K] };
  singles: { [K in SingleName]: DefaultsSnapshot[K] };
  hostApiProvider: (() => number) | null;
  /** PortAudio's default input and output device (-1: none), once PortAudio can be asked. */
  deviceProvider?: (() => [number, number]) | null;
}

interface PairSpec {
  factory: readonly [unknown, unknown];
  check: (value: unknown, param: string) => unknown;
}

function _checkDevice(value: unknown, param: string): DeviceSpec {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return checkNonNegativeInteger(value, param);
  throw new TypeError(`${param} must be a device index, a device query string or null, got ${describe(value)}`);
}

function _checkExtraSettings(value: unknown, param: string): ExtraSettings {
  if (isExtraSettings(value)) return value;
  throw new TypeError(
    `${param} must be an AsioSettings, CoreAudioSettings or WasapiSettings object or null, got ${describe(value)}`,
  );
}

const PAIR_SPECS: Readonly<Record<PairName, PairSpec>> = {
  device: { factory: [null, null], check: _checkDevice },
  channels: { factory: [null, null], check: checkPositiveInteger },
  dtype: { factory: ['float32', 'float32'], check: validateArrayDType },
  latency: { factory: ['high', 'high'], check: checkLatency },
  extraSettings: { factory: [null, null], check: _checkExtraSettings },
};

const SINGLE_SPECS: Readonly<Record<SingleName, { factory: unknown; check: (v: unknown, p: string) => unknown }>> = {
  sampleRate: { factory: null, check: checkPositiveNumber },
  blockSize: { factory: 0, check: checkNonNegativeInteger },
  clipOff: { factory: false, check: checkBoolean },
  ditherOff: { factory: false, check: checkBoolean },
  neverDropInput: { factory: false, check: checkBoolean },
  primeOutputBuffersUsingStreamCallback: { factory: false, check: checkBoolean },
  resample: { factory: false, check: checkBoolean },
  resampleQuality: { factory: 'high', check: checkResampleQuality },
};

const PAIR_NAMES = Object.keys(PAIR_SPECS) as PairName[];
const SINGLE_NAMES = Object.keys(SINGLE_SPECS) as SingleName[];
const SETTABLE: ReadonlySet<string> = new Set<string>([...PAIR_NAMES, ...SINGLE_NAMES]);
const KNOWN_NAMES: readonly string[] = [...PAIR_NAMES, ...SINGLE_NAMES, 'hostApi', 'reset', 'snapshot', 'toJSON'];

function _factoryState(): DefaultsState {
  const pairs = {} as Record<PairName, [unknown, unknown]>;
  for (const name of PAIR_NAMES) pairs[name] = [...PAIR_SPECS[name].factory] as [unknown, unknown];
  const singles = {} as Record<SingleName, unknown>;
  for (const name of SINGLE_NAMES) singles[name] = SINGLE_SPECS[name].factory;
  return { pairs, singles, hostApiProvider: null } as DefaultsState;
}

/*
 * The state lives on `globalThis` so that the ESM and CJS builds of this
 * package, if both get loaded, share one set of defaults.
 */
const STATE_KEY = Symbol.for('@sounddevice/core.defaults.v1');
const _global = globalThis as { [STATE_KEY]?: DefaultsState };
const state: DefaultsState = (_global[STATE_KEY] ??= _factoryState());

function _normalize(name: PairName, index: 0 | 1, value: unknown, param: string): unknown {
  const spec = PAIR_SPECS[name];
  return value === null || value === undefined ? spec.factory[index] : spec.check(value, param);
}

function _assignPair(name: PairName, value: unknown): void {
  const param = `defaults.${name}`;
  let next: [unknown, unknown];
  if (Array.isArray(value)) {
    const pair = value as readonly unknown[];
    if (pair.length !== 2) {
      throw new RangeError(
        `${param} must be a single value or an [input, output] pair, got an array of length ${pair.length}`,
      );
    }
    next = [_normalize(name, 0, pair[0], `${param}[0]`), _normalize(name, 1, pair[1], `${param}[1]`)];
  } else {
    next = [_normalize(name, 0, value, param), _normalize(name, 1, value, param)];
  }
  const store = state.pairs[name] as [unknown, unknown];
  store[0] = next[0];
  store[1] = next[1];
}

function _assignHalf(name: PairName, index: 0 | 1, value: unknown): void {
  const store = state.pairs[name] as [unknown, unknown];
  store[index] = _normalize(name, index, value, `defaults.${name}[${index}]`);
}

function _assignSingle(name: SingleName, value: unknown): void {
  const spec = SINGLE_SPECS[name];
  const next = value === null || value === undefined ? spec.factory : spec.check(value, `defaults.${name}`);
  (state.singles as Record<SingleName, unknown>)[name] = next;
}

const views = new Map<PairName, InOutPair<unknown>>();

/**
 * A half of `defaults.device` as Python reads it: the value set, else
 * PortAudio's default device index (-1 when there is none), else (PortAudio
 * not loaded) `null`.
 */
function _readDevice(index: 0 | 1): DeviceSpec {
  const stored = state.pairs.device[index];
  if (stored !== null) return stored;
  const provider = state.deviceProvider;
  if (provider === null || provider === undefined) return null;
  try {
    return provider()[index];
  } catch {
    return null;
  }
}

function _view<T>(name: PairName): InOutPair<T> {
  let view = views.get(name);
  if (view === undefined) {
    const store = state.pairs[name] as [unknown, unknown];
    const read = name === 'device' ? _readDevice : (index: 0 | 1): unknown => store[index];
    view = createPairView(store, (index, value) => _assignHalf(name, index, value), `defaults.${name}`, read);
    views.set(name, view);
  }
  return view as InOutPair<T>;
}

/**
 * The type of {@link defaults}. Do not create instances; use `defaults`.
 */
export class Defaults {
  /**
   * Default input and output device: index, query string (see
   * `matchDevice()`), or `null` for PortAudio's default device.
   *
   * Reading a half that is not set gives what Python's `sd.default.device`
   * gives: PortAudio's default device index for that direction (-1 when
   * there is none), once `@sounddevice/raw` is loaded (`null` before).
   * Assigning `null` unsets it again. {@link Defaults.snapshot} shows what
   * was set (`null` where nothing was).
   */
  get device(): InOutPair<DeviceSpec> {
    return _view('device');
  }
  set device(value: PairValue<DeviceSpec>) {
    _assignPair('device', value);
  }

  /**
   * Default number of input and output channels (positive integers), or
   * `null` for "as many as the device has" (or as the data has).
   * Factory default `[null, null]`.
   */
  get channels(): InOutPair<number | null> {
    return _view('channels');
  }
  set channels(value: PairValue<number>) {
    _assignPair('channels', value);
  }

  /**
   * Default input and output sample format. Factory default
   * `['float32', 'float32']`. `'float64'` is accepted, as in Python: `rec()`
   * then records float64 arrays (and `play`/`playrec` ignore it, as they play
   * the data's format); streams cannot use it (their constructor throws a
   * `TypeError` naming `defaults.dtype`).
   */
  get dtype(): InOutPair<ArrayDType> {
    return _view('dtype');
  }
  set dtype(value: PairValue<ArrayDType>) {
    _assignPair('dtype', value);
  }

  /**
   * Default suggested input and output latency: `'low'` or `'high'` (the
   * device's default low or high latency) or seconds.
   * Factory default `['high', 'high']`.
   */
  get latency(): InOutPair<Latency> {
    return _view('latency');
  }
  set latency(value: PairValue<Latency>) {
    _assignPair('latency', value);
  }

  /**
   * Default host-API-specific input and output settings
   * (`AsioSettings`, `CoreAudioSettings`, `WasapiSettings`), or `null`.
   * Factory default `[null, null]`.
   */
  get extraSettings(): InOutPair<ExtraSettings | null> {
    return _view('extraSettings');
  }
  set extraSettings(value: PairValue<ExtraSettings>) {
    _assignPair('extraSettings', value);
  }

  /**
   * Default sample rate in Hz, or `null` for the device's default sample
   * rate. Factory default `null`.
   */
  get sampleRate(): number | null {
    return state.singles.sampleRate;
  }
  set sampleRate(value: number | null | undefined) {
    _assignSingle('sampleRate', value);
  }

  /**
   * Default block size (frames per callback or preferred read/write
   * granularity); 0 lets PortAudio choose an optimal, possibly varying size.
   * Factory default `0`.
   */
  get blockSize(): number {
    return state.singles.blockSize;
  }
  set blockSize(value: number | null | undefined) {
    _assignSingle('blockSize', value);
  }

  /** Disable PortAudio's clipping of out-of-range samples. Factory default `false`. */
  get clipOff(): boolean {
    return state.singles.clipOff;
  }
  set clipOff(value: boolean | null | undefined) {
    _assignSingle('clipOff', value);
  }

  /**
   * Convert the sample rate when the device does not support `sampleRate`:
   * the stream runs the device at a rate it supports and the program sees
   * exactly the rate it asked for. Factory default `false` (as in Python: an
   * unsupported rate is an error, which names this option).
   */
  get resample(): boolean {
    return state.singles.resample;
  }
  set resample(value: boolean | null | undefined) {
    _assignSingle('resample', value);
  }

  /**
   * Quality of the sample-rate conversion: `'low'`, `'medium'`, `'high'`
   * or `'best'` (see the README's table). Factory default `'high'`.
   */
  get resampleQuality(): ResampleQuality {
    return state.singles.resampleQuality;
  }
  set resampleQuality(value: ResampleQuality | null | undefined) {
    _assignSingle('resampleQuality', value);
  }

  /** Disable PortAudio's dithering. Factory default `false`. */
  get ditherOff(): boolean {
    return state.singles.ditherOff;
  }
  set ditherOff(value: boolean | null | undefined) {
    _assignSingle('ditherOff', value);
  }

  /**
   * Ask full-duplex callback streams with block size 0 not to discard
   * overflowed input without calling the callback (`paNeverDropInput`); an
   * error for other streams. Factory default `false`.
   */
  get neverDropInput(): boolean {
    return state.singles.neverDropInput;
  }
  set neverDropInput(value: boolean | null | undefined) {
    _assignSingle('neverDropInput', value);
  }

  /**
   * Fill the initial output buffers by calling the stream callback instead of
   * with silence (`paPrimeOutputBuffersUsingStreamCallback`). No effect on
   * input-only and blocking streams. Factory default `false`.
   */
  get primeOutputBuffersUsingStreamCallback(): boolean {
    return state.singles.primeOutputBuffersUsingStreamCallback;
  }
  set primeOutputBuffersUsingStreamCallback(value: boolean | null | undefined) {
    _assignSingle('primeOutputBuffersUsingStreamCallback', value);
  }

  /**
   * Index of PortAudio's default host API (read-only).
   *
   * @throws Error if PortAudio is not loaded yet (importing `@sounddevice/raw`
   *   or `@sounddevice/numeric` and using it loads it).
   */
  get hostApi(): number {
    const provider = state.hostApiProvider;
    if (provider === null) {
      throw new Error(
        'defaults.hostApi is not available: PortAudio is not loaded. It becomes available once ' +
          '@sounddevice/raw (or @sounddevice/numeric) has loaded the native addon.',
      );
    }
    return provider();
  }

  /** Reset every attribute to its factory default. */
  reset(): void {
    const fresh = _factoryState();
    for (const name of PAIR_NAMES) {
      const store = state.pairs[name] as [unknown, unknown];
      const factory = fresh.pairs[name] as [unknown, unknown];
      store[0] = factory[0];
      store[1] = factory[1];
    }
    Object.assign(state.singles, fresh.singles);
  }

  /**
   * Copy the current defaults into plain values (pairs become plain
   * two-element arrays), e.g. so that a stream sees one consistent set.
   * Shows what was set: a `device` half that was not set is `null` here
   * (PortAudio's default), where reading `defaults.device` gives its index.
   *
   * @returns The current values of all settable attributes.
   */
  snapshot(): DefaultsSnapshot {
    const copy = <T>(pair: [T, T]): [T, T] => [pair[0], pair[1]];
    const { pairs, singles } = state;
    return {
      device: copy(pairs.device),
      channels: copy(pairs.channels),
      dtype: copy(pairs.dtype),
      latency: copy(pairs.latency),
      extraSettings: copy(pairs.extraSettings),
      ...singles,
    };
  }

  /** Same as {@link Defaults.snapshot}, for `JSON.stringify(defaults)`. */
  toJSON(): DefaultsSnapshot {
    return this.snapshot();
  }

  /** Show the current values in `console.log`. */
  [INSPECT](): DefaultsSnapshot {
    return this.snapshot();
  }
}

/** Keys that tools probe objects with; reading them must not throw. */
const PROBE_KEYS: ReadonlySet<string> = new Set(['then', 'asymmetricMatch', 'nodeType', 'tagName', 'inspect']);

function _isProbe(key: string): boolean {
  return PROBE_KEYS.has(key) || key.startsWith('_') || key.startsWith('$') || key.startsWith('@@');
}

function _unknownAttribute(key: string): TypeError {
  const suggestion = suggestName(key, KNOWN_NAMES);
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  return new TypeError(
    `defaults has no attribute ${describe(key)}${hint}; known attributes: ${KNOWN_NAMES.join(', ')}`,
  );
}

/**
 * Module-wide defaults for the `sounddevice` packages, like Python's
 * `sd.default`.
 *
 * `device`, `channels`, `dtype`, `latency` and `extraSettings` are
 * `[input, output]` pairs: assigning a single value sets both halves,
 * assigning a two-element array sets `[input, output]`, and the value read is
 * a live {@link InOutPair} (`defaults.device[0] = 3` and
 * `defaults.device.input = 3` both change the default input device).
 * `sampleRate`, `blockSize`, `clipOff`, `ditherOff`, `neverDropInput`,
 * `primeOutputBuffersUsingStreamCallback`, `resample` and `resampleQuality`
 * are single values; `hostApi` is
 * read-only. Assigning `null` restores an attribute's (or half's) factory
 * default; `defaults.reset()` restores all of them.
 *
 * Values are checked on assignment (`TypeError`/`RangeError` naming e.g.
 * `defaults.dtype`), and reading or writing an unknown attribute (such as
 * Python's `samplerate`) throws a `TypeError`.
 *
 * ```ts
 * defaults.sampleRate = 48000;
 * defaults.channels = [1, 2];
 * defaults.device = 'vfile';
 * const [input, output] = defaults.dtype; // 'float32', 'float32'
 * defaults.reset();
 * ```
 */
export const defaults: Defaults = new Proxy(new Defaults(), {
  get(target, key) {
    if (typeof key === 'symbol' || key in target) return Reflect.get(target, key);
    if (_isProbe(key)) return undefined;
    throw _unknownAttribute(key);
  },
  set(target, key, value) {
    if (typeof key === 'symbol') return Reflect.set(target, key, value);
    if (SETTABLE.has(key)) return Reflect.set(target, key, value);
    if (key === 'hostApi') throw new TypeError('defaults.hostApi is read-only');
    if (key in target) throw new TypeError(`defaults.${key} cannot be assigned`);
    throw _unknownAttribute(key);
  },
  deleteProperty(_target, key) {
    throw new TypeError(`defaults.${String(key)} cannot be deleted; assign null to restore its factory default`);
  },
  defineProperty(_target, key) {
    throw new TypeError(`defaults.${String(key)} cannot be defined`);
  },
});

/**
 * Register where the unset halves of `defaults.device` come from (Python
 * reads PortAudio's default devices there). Called by the native layer once
 * PortAudio can be loaded.
 *
 * @param fn - Returns `[defaultInputDevice, defaultOutputDevice]` (-1 for
 *   none); `null` unregisters it (unset halves then read `null`).
 * @throws TypeError if `fn` is neither a function nor `null`.
 */
export function setDefaultDeviceProvider(fn: (() => [number, number]) | null): void {
  if (fn !== null && typeof fn !== 'function') {
    throw new TypeError(`fn must be a function or null, got ${describe(fn)}`);
  }
  state.deviceProvider = fn;
}

/**
 * Register where `defaults.hostApi` comes from. Called by the native layer
 * once PortAudio is loaded.
 *
 * @param fn - Returns the index of PortAudio's default host API; `null`
 *   unregisters it (reading `defaults.hostApi` then throws again).
 * @throws TypeError if `fn` is neither a function nor `null`.
 */
export function setDefaultHostApiProvider(fn: (() => number) | null): void {
  if (fn !== null && typeof fn !== 'function') {
    throw new TypeError(`fn must be a function or null, got ${describe(fn)}`);
  }
  state.hostApiProvider = fn;
}
