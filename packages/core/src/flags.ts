/**
 * Stream callback status flags, and the exceptions a callback throws to end
 * its stream.
 *
 * @module
 */

import { checkBoolean, checkNonNegativeInteger } from './validate.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The status bits of a stream callback (PortAudio's `PaStreamCallbackFlags`).
 *
 * A stream callback receives one as its `status` argument; `getStatus()`
 * returns one for `play()`/`rec()`/`playrec()`. Several objects can be
 * collected into one with {@link CallbackFlags.merge}:
 *
 * ```ts
 * const errors = new CallbackFlags();
 * errors.merge(status1).merge(status2);
 * if (errors.inputOverflow) console.warn('input overflow');
 * ```
 *
 * `String(flags)` (and `${flags}`) lists the set flags as Python's `str()`
 * does: `'input underflow, output overflow'`, or `''` when none is set.
 * `console.log`/`util.inspect` show Python's `repr()` form,
 * `<CallbackFlags: input underflow, output overflow>` or
 * `<CallbackFlags: no flags set>`, which {@link CallbackFlags.repr} returns.
 */
export class CallbackFlags {
  /** PortAudio's `paInputUnderflow` bit. */
  static readonly INPUT_UNDERFLOW = 0x01;
  /** PortAudio's `paInputOverflow` bit. */
  static readonly INPUT_OVERFLOW = 0x02;
  /** PortAudio's `paOutputUnderflow` bit. */
  static readonly OUTPUT_UNDERFLOW = 0x04;
  /** PortAudio's `paOutputOverflow` bit. */
  static readonly OUTPUT_OVERFLOW = 0x08;
  /** PortAudio's `paPrimingOutput` bit. */
  static readonly PRIMING_OUTPUT = 0x10;

  private _bits: number;

  /**
   * @param bits - The initial PortAudio status bits (default 0: no flags set).
   *   Bits unknown to this class are kept.
   * @throws TypeError or RangeError if `bits` is not a non-negative integer.
   */
  constructor(bits = 0) {
    // The common case (a status word from the engine, once per block) skips
    // the full check.
    const word = bits >>> 0;
    this._bits = word === bits ? word : checkNonNegativeInteger(bits, 'bits');
  }

  /** The raw PortAudio status bits. */
  get bits(): number {
    return this._bits;
  }

  /** `true` if any bit is set (Python: `bool(flags)`). */
  get any(): boolean {
    return this._bits !== 0;
  }

  /**
   * Input underflow: in a stream with block size 0 the input is all silence
   * because no real data was available; otherwise zero samples were inserted
   * into the input. Only happens in full-duplex streams.
   */
  get inputUnderflow(): boolean {
    return this._get(CallbackFlags.INPUT_UNDERFLOW);
  }
  set inputUnderflow(value: boolean) {
    this._set(CallbackFlags.INPUT_UNDERFLOW, value, 'inputUnderflow');
  }

  /**
   * Input overflow: input data before the first sample of this buffer (or
   * before some of its samples) was discarded, possibly because the callback
   * takes too much CPU time. Happens in input-only and full-duplex streams.
   */
  get inputOverflow(): boolean {
    return this._get(CallbackFlags.INPUT_OVERFLOW);
  }
  set inputOverflow(value: boolean) {
    this._set(CallbackFlags.INPUT_OVERFLOW, value, 'inputOverflow');
  }

  /**
   * Output underflow: output data (or a gap) was inserted, possibly because
   * the callback takes too much CPU time. Happens in output-only and
   * full-duplex streams.
   */
  get outputUnderflow(): boolean {
    return this._get(CallbackFlags.OUTPUT_UNDERFLOW);
  }
  set outputUnderflow(value: boolean) {
    this._set(CallbackFlags.OUTPUT_UNDERFLOW, value, 'outputUnderflow');
  }

  /**
   * Output overflow: output data will be discarded because there is no room.
   * Only happens in full-duplex streams opened with `neverDropInput: true`.
   */
  get outputOverflow(): boolean {
    return this._get(CallbackFlags.OUTPUT_OVERFLOW);
  }
  set outputOverflow(value: boolean) {
    this._set(CallbackFlags.OUTPUT_OVERFLOW, value, 'outputOverflow');
  }

  /**
   * Priming output: some or all of the output is used to prime the stream and
   * the input may be zero. Only with some host APIs, and only with
   * `primeOutputBuffersUsingStreamCallback: true`.
   */
  get primingOutput(): boolean {
    return this._get(CallbackFlags.PRIMING_OUTPUT);
  }
  set primingOutput(value: boolean) {
    this._set(CallbackFlags.PRIMING_OUTPUT, value, 'primingOutput');
  }

  /**
   * Add the flags of another status to this one (bitwise OR, Python's `|=`).
   *
   * @param other - Another `CallbackFlags`, or raw PortAudio status bits.
   * @returns This object, so that calls can be chained.
   * @throws TypeError or RangeError if `other` is neither a `CallbackFlags`
   *   nor a non-negative integer.
   */
  merge(other: CallbackFlags | number): this {
    const bits = other instanceof CallbackFlags ? other.bits : checkNonNegativeInteger(other, 'other');
    this._bits = (this._bits | bits) >>> 0;
    return this;
  }

  /**
   * The set flags as Python's `str(flags)` gives them: their names joined by
   * `', '` in alphabetical order (`'input overflow, output underflow'`), or
   * `''` when no flag is set.
   *
   * @returns The names of the set flags.
   */
  toString(): string {
    return _FLAG_NAMES.filter(([bit]) => (this._bits & bit) !== 0)
      .map(([, name]) => name)
      .join(', ');
  }

  /**
   * Python's `repr(flags)`: `<CallbackFlags: input overflow, output underflow>`,
   * or `<CallbackFlags: no flags set>`. This is what `console.log` and
   * `util.inspect` show.
   *
   * @returns The flags in angle brackets.
   */
  repr(): string {
    const names = this.toString();
    return `<CallbackFlags: ${names === '' ? 'no flags set' : names}>`;
  }

  /** Same text as {@link CallbackFlags.repr}, for `console.log` and `util.inspect`. */
  [INSPECT](): string {
    return this.repr();
  }

  private _get(bit: number): boolean {
    return (this._bits & bit) !== 0;
  }

  private _set(bit: number, value: boolean, param: string): void {
    this._bits = checkBoolean(value, param) ? (this._bits | bit) >>> 0 : (this._bits & ~bit) >>> 0;
  }
}

/** Flag names in the order Python lists them (alphabetical). */
const _FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [CallbackFlags.INPUT_OVERFLOW, 'input overflow'],
  [CallbackFlags.INPUT_UNDERFLOW, 'input underflow'],
  [CallbackFlags.OUTPUT_OVERFLOW, 'output overflow'],
  [CallbackFlags.OUTPUT_UNDERFLOW, 'output underflow'],
  [CallbackFlags.PRIMING_OUTPUT, 'priming output'],
];

function _setName(ctor: { prototype: Error }, name: string): void {
  Object.defineProperty(ctor.prototype, 'name', { value: name, writable: true, configurable: true });
}

/**
 * Throw this from a stream callback to stop the stream: the callback is not
 * called again, but the audio already handed over is still played (like
 * `stream.stop()`).
 */
export class CallbackStop extends Error {
  /**
   * @param message - Optional text (default `'Stream callback requested stop'`).
   * @param options - Standard error options (`cause`).
   */
  constructor(message = 'Stream callback requested stop', options?: ErrorOptions) {
    super(message, options);
  }
}
_setName(CallbackStop, 'CallbackStop');

/**
 * Throw this from a stream callback to abort the stream: pending audio is
 * discarded and the callback is not called again (like `stream.abort()`).
 */
export class CallbackAbort extends Error {
  /**
   * @param message - Optional text (default `'Stream callback requested abort'`).
   * @param options - Standard error options (`cause`).
   */
  constructor(message = 'Stream callback requested abort', options?: ErrorOptions) {
    super(message, options);
  }
}
_setName(CallbackAbort, 'CallbackAbort');
