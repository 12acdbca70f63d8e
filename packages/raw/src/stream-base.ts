/**
 * The machinery shared by every stream class (raw and numeric): opening the
 * native stream, lifecycle, attributes, delivery of callback blocks on the
 * main thread, processor workers and blocking I/O. Subclasses only choose the
 * directions and how bytes are presented (Buffers here, ndarrays in numeric).
 */
import { EventEmitter } from 'node:events';
import { CallbackFlags, PortAudioError, checkBoolean, checkPositiveInteger, checkUnknownKeys, describe } from '@sounddevice/core';
import { BlockViews, type ViewFactory } from './block-views.js';
import { type AnyCallback, isCallbackAbort, isCallbackStop } from './callback-types.js';
import { KeepAlive } from './keep-alive.js';
import { type NativeStreamHandle, callNative, convertNativeError, native } from './native.js';
import { ProcessorHost } from './processor-host.js';
import {
  type CallbackTime,
  type DirectionOptions,
  type ResolvedOptions,
  type StreamDirection,
  type StreamOptionsBase,
  resolveStreamOptions,
} from './stream-options.js';

const EVENT_BLOCKS = 1;
const EVENT_FINISHED = 2;
const PA_INPUT_OVERFLOW = 0x2;
const PA_OUTPUT_UNDERFLOW = 0x4;
const PA_DEVICE_UNAVAILABLE = -9985;

/** How a subclass presents blocks to the user. */
export interface StreamPresentation<I, O> {
  /** Class name used in messages ("RawStream", "InputStream", …). */
  kind: string;
  direction: StreamDirection;
  wrapInput: ViewFactory<I>;
  wrapOutput: ViewFactory<O>;
  /**
   * Module (file URL) the processor worker imports to wrap blocks the same
   * way; it must export `wrapInput`/`wrapOutput(bytes, frames, info)`.
   */
  processorAdapter?: string;
}

/**
 * Whole-buffer playback/recording handed to the audio thread at once (the
 * engine of `play`/`rec`/`playrec`): no JavaScript runs per block.
 */
export interface BufferTransfer {
  /** Interleaved frames to play, in the output dtype, with `channels` channels. */
  play?: { bytes: Uint8Array; channels: number; map: number[]; loop: boolean };
  /** Memory to record into (interleaved, `map.length` channels of the input dtype). */
  rec?: { bytes: Uint8Array; map: number[] };
}

/** Options accepted by the shared constructor. */
export type AnyStreamOptions = StreamOptionsBase & DirectionOptions<boolean> & { callback?: unknown };

/** Options of {@link StreamBase.stop} and {@link StreamBase.abort}. */
export interface HaltOptions {
  /**
   * Swallow PortAudio's errors, as Python's `ignore_errors=True` does
   * (default `true`): stopping a stream that was never started, is already
   * stopped, or is closed then does nothing. `false` throws them
   * (`PortAudioError`, e.g. "Stream is stopped").
   */
  ignoreErrors?: boolean;
}

/** PortAudio's `paStreamIsNotStopped`: `start()` of a running or finished stream. */
const PA_STREAM_IS_NOT_STOPPED = -9982;

/** Options of waiting methods. */
export interface WaitOptions {
  /** Aborts the wait: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

type Pairable<T> = T | [T, T];

/**
 * Ends the worker of a processor stream dropped without close(): the
 * worker holds its own handle on the native stream, so without this the
 * stream would never be closed (the finalizer of the main thread's handle
 * is not enough) and the worker would run for the life of the process.
 */
const _processorReaper = new FinalizationRegistry<ProcessorHost>((host) => host.terminate());

/**
 * Base class of all streams; not used directly. Emits `'finished'` when the
 * stream becomes inactive and `'error'` (only if somebody listens) when a
 * callback throws.
 */
export abstract class StreamBase<I, O> extends EventEmitter {
  /** @internal */
  protected readonly _native: NativeStreamHandle;
  /** @internal */
  protected readonly _resolved: ResolvedOptions;
  private readonly _presentation: StreamPresentation<I, O>;
  private readonly _callback: AnyCallback<I, O> | undefined;
  private readonly _finishedCallback: (() => void) | undefined;
  private readonly _keepAlive = new KeepAlive<this>(this);
  private readonly _inViews: BlockViews<I> | undefined;
  private readonly _outViews: BlockViews<O> | undefined;
  /** Filled by the native `exchange`: frames, status, 3 times, outputLate, blocks still ready. */
  private readonly _meta = new Float64Array(7);
  private readonly _processor: ProcessorHost | undefined;
  private readonly _buffers: BufferTransfer | undefined;
  private _callbackDone = false;
  /** Inside `_drain` (a stop() from the callback must not drain again). */
  private _draining = false;
  /** A drain of the blocks left over by the last one is queued (setImmediate). */
  private _drainScheduled = false;
  /** This stream, weakly: pending re-arms must not keep a dropped stream from being collected. */
  private readonly _self: WeakRef<this>;
  private _activation = 0;
  private _finishedActivation = 0;
  private _callbackError: unknown;
  private _finished: Promise<void> = Promise.resolve();
  private _settleFinished: ((error?: unknown) => void) | undefined;

  /** @internal */
  protected constructor(
    presentation: StreamPresentation<I, O>,
    options: AnyStreamOptions,
    callback: AnyCallback<I, O> | undefined,
    buffers?: BufferTransfer,
  ) {
    super();
    this._presentation = presentation;
    const resolved = resolveStreamOptions(presentation.direction, options, undefined, `Error opening ${presentation.kind}: `);
    this._resolved = resolved;
    this._callback = callback;
    if (options.finishedCallback !== undefined && options.finishedCallback !== null && typeof options.finishedCallback !== 'function') {
      throw new TypeError(`finishedCallback must be a function, got ${describe(options.finishedCallback)}`);
    }
    this._finishedCallback = options.finishedCallback ?? undefined;
    const processor = options.processor ?? undefined;
    if (processor !== undefined && callback !== undefined) {
      throw new TypeError('Give either callback or processor, not both');
    }
    if (processor !== undefined && typeof processor !== 'string' && !(processor instanceof URL)) {
      throw new TypeError(`processor must be a module path or file URL, got ${describe(processor)}`);
    }
    const mode = buffers ? 'buffers' : callback !== undefined || processor !== undefined ? 'callback' : 'blocking';
    this._buffers = buffers;
    // Native notifications, processor errors and pending re-arms reach this
    // stream only weakly: none of them may keep a dropped stream alive.
    const ref = (this._self = new WeakRef(this));
    const blockFrames = resolved.blockSize > 0 ? resolved.blockSize : 1024;
    // The notification reaches the stream through the keep-alive's strong
    // reference while it runs (a WeakRef's deref() costs an allocation per
    // call), weakly otherwise: the native side holds this function, and a
    // strong reference here would keep a dropped stream from being collected.
    const live = this._keepAlive.live;
    this._native = this._open(mode, resolved, (event) => (live.owner ?? ref.deref())?._onNotify(event), processor === undefined, buffers);
    const inFrame = this._native.inFrameBytes;
    const outFrame = this._native.outFrameBytes;
    if (callback !== undefined) {
      this._inViews = inFrame > 0 ? new BlockViews(inFrame, blockFrames, presentation.wrapInput) : undefined;
      this._outViews = outFrame > 0 ? new BlockViews(outFrame, blockFrames, presentation.wrapOutput) : undefined;
    }
    if (processor !== undefined) {
      this._processor = new ProcessorHost({
        streamId: this._native.id,
        module: processor,
        data: options.processorData,
        adapter: presentation.processorAdapter,
        info: this._viewInfo(),
        onError: (error) => ref.deref()?._failFromCallback(error),
      });
      _processorReaper.register(this, this._processor, this);
    }
  }

  private _open(
    mode: 'callback' | 'blocking' | 'buffers',
    r: ResolvedOptions,
    notify: (event: number) => void,
    deliverBlocks: boolean,
    buffers: BufferTransfer | undefined,
  ): NativeStreamHandle {
    const sr = r.sampleRate;
    // (Capped to what the addon takes, a u32: it refuses sizes that large
    // with a RangeError instead of seeing them wrapped around.)
    const ringFrames = Math.min(
      0xffff_ffff,
      Math.max(4 * r.blockSize, Math.ceil(Math.max(r.input?.native.latency ?? 0, r.output?.native.latency ?? 0) * sr * 2), 2048),
    );
    try {
      return new (native().NativeStream)(
        {
          input: r.input?.native,
          output: r.output?.native,
          sampleRate: sr,
          blockSize: r.blockSize,
          flags: r.flags,
          mode,
          cushion: r.cushion,
          ringFrames,
          kind: this._presentation.kind,
          resample: r.resample,
          play: buffers?.play && {
            data: buffers.play.bytes,
            channels: buffers.play.channels,
            map: buffers.play.map,
            looping: buffers.play.loop,
          },
          rec: buffers?.rec && { data: buffers.rec.bytes, map: buffers.rec.map },
        },
        notify,
        deliverBlocks,
      );
    } catch (e) {
      throw this._explainOpenError(convertNativeError(e), r);
    }
  }

  /** Adds which device and settings were asked for to PortAudio's terse open errors. */
  private _explainOpenError(error: unknown, r: ResolvedOptions): unknown {
    if (!(error instanceof PortAudioError)) return error;
    const parts: string[] = [];
    for (const [name, d] of [['input', r.input], ['output', r.output]] as const) {
      if (d === undefined) continue;
      parts.push(
        `${name}: device ${d.device} '${d.deviceInfo.name}', ${d.channels} channel(s) of ${d.dtype}` +
          ` (device supports ${name === 'input' ? d.deviceInfo.maxInputChannels : d.deviceInfo.maxOutputChannels}` +
          `, default rate ${d.deviceInfo.defaultSampleRate} Hz)`,
      );
    }
    error.message += ` — asked for ${r.sampleRate} Hz, ${parts.join('; ')}`;
    return error;
  }

  /** What the processor worker needs to build views. */
  private _viewInfo(): Record<string, unknown> {
    const r = this._resolved;
    return {
      kind: this._presentation.kind,
      inFrameBytes: this._native.inFrameBytes,
      outFrameBytes: this._native.outFrameBytes,
      blockSize: r.blockSize,
      inputChannels: r.input?.channels,
      outputChannels: r.output?.channels,
      inputDType: r.input?.dtype,
      outputDType: r.output?.dtype,
      direction: this._presentation.direction,
    };
  }

  // ---- attributes -------------------------------------------------------

  private _pair<T>(input: T | undefined, output: T | undefined): Pairable<T> {
    if (this._presentation.direction === 'duplex') return [input as T, output as T];
    return (this._presentation.direction === 'input' ? input : output) as T;
  }

  /** True while the stream runs (started and not yet finished). */
  get active(): boolean {
    if (this.closed) return false;
    // Some host APIs (ALSA) call the finished callback just before they mark
    // the stream inactive: once it ran, the stream is inactive for us too,
    // so `active` is false as soon as `finished` has settled.
    if (this._native.finished) return false;
    return callNative(() => this._native.active);
  }

  /** True when the stream is stopped (also when it was never started or is closed). */
  get stopped(): boolean {
    if (this.closed) return true;
    return callNative(() => this._native.stopped);
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this._native.closed;
  }

  /** The sample rate PortAudio actually uses (read back after opening). */
  get sampleRate(): number {
    return this._native.info.sampleRate;
  }

  /** Frames per block (0: PortAudio chooses, blocks may vary). */
  get blockSize(): number {
    return this._resolved.blockSize;
  }

  /** Device index (`[input, output]` for full-duplex streams). */
  get device(): Pairable<number> {
    return this._pair(this._resolved.input?.device, this._resolved.output?.device);
  }

  /** Number of channels (`[input, output]` for full-duplex streams). */
  get channels(): Pairable<number> {
    return this._pair(this._resolved.input?.channels, this._resolved.output?.channels);
  }

  /** Sample format (`[input, output]` for full-duplex streams). */
  get dtype(): Pairable<string> {
    return this._pair<string>(this._resolved.input?.dtype, this._resolved.output?.dtype);
  }

  /** Bytes per sample (`[input, output]` for full-duplex streams). */
  get sampleSize(): Pairable<number> {
    return this._pair(this._resolved.input?.sampleSize, this._resolved.output?.sampleSize);
  }

  /**
   * Latency in seconds as PortAudio reports it after opening; for callback
   * streams the output side includes the cushion (`cushion * blockSize`
   * frames). With `blockSize` 0 the cushion's blocks have the size PortAudio
   * chooses, known once the first block has been processed: until then the
   * cushion is not included, so the value grows at `start()` (Python's does
   * not change; see "Differences from Python" in docs/naming.md). With
   * `cushion: 0`, or a fixed `blockSize`, it never changes.
   * `[input, output]` for full-duplex streams.
   */
  get latency(): Pairable<number> {
    const info = this._native.info;
    const blockFrames = this._resolved.blockSize > 0 ? this._resolved.blockSize : this._native.blockFrames;
    const cushion = (this._native.cushion * blockFrames) / info.sampleRate;
    return this._pair(
      this._resolved.input ? info.inputLatency : undefined,
      this._resolved.output ? info.outputLatency + cushion : undefined,
    );
  }

  /**
   * The cushion of callback streams in blocks (0 for other streams, and on a
   * device that does not run on a clock, where it is not used: see
   * {@link unpaced}): the one asked for, plus the blocks it grew by in this
   * run for a host that asks for several blocks at once (see the `cushion`
   * option).
   */
  get cushion(): number {
    return this._native.cushion;
  }

  /**
   * True when the device does not run on a clock: it takes and gives blocks
   * as fast as the program does (ALSA `file`/`null` PCMs such as the
   * testbed's `vfile_out`, `vfile_in`, `vnull`; found from the ALSA
   * configuration before the first block, or at run time from blocks arriving
   * faster than real time). The engine then waits for the program instead of
   * playing silence or dropping input: blocking writes play back to back,
   * reads are contiguous, callbacks are never late. Set once the stream is
   * open (or, for a device only found out at run time, once it runs).
   */
  get unpaced(): boolean {
    return this._native.unpaced;
  }

  /**
   * PortAudio's estimate (`Pa_GetStreamCpuLoad`) of the share of the
   * available time the audio thread spends in its callback, 0…1 (can exceed
   * 1 when overloaded), as Python's `cpu_load`. Here that callback is the
   * native engine, which only moves blocks to and from its rings: a
   * JavaScript callback or processor runs on another thread and is not
   * included. Blocking streams run on the same engine, so they report its
   * load too, where Python's report 0.
   */
  get cpuLoad(): number {
    return callNative(() => this._native.cpuLoad);
  }

  /** The stream's clock in seconds (same base as the callback's `time`). */
  get time(): number {
    return callNative(() => this._native.time);
  }

  /** Frames that can be read without waiting. */
  get readAvailable(): number {
    return this._native.readAvailable;
  }

  /** Frames that can be written without waiting. */
  get writeAvailable(): number {
    return this._native.writeAvailable;
  }

  /** Frames processed by the audio thread since the last start. */
  get framesProcessed(): number {
    return this._native.frames;
  }

  /**
   * Settles when the stream becomes inactive after the latest `start()`:
   * resolves normally, rejects with the error a callback threw.
   */
  get finished(): Promise<void> {
    return this._finished;
  }

  /** Buffer streams (play/rec): true once the audio thread has finished with the data. */
  get done(): boolean {
    return this._native.finished;
  }

  /** Processor streams: resolves once the worker is loaded and waiting for blocks. */
  get ready(): Promise<void> {
    return this._processor?.ready ?? Promise.resolve();
  }

  // ---- lifecycle --------------------------------------------------------

  /**
   * Start audio processing. As in Python, starting a stream that runs, or
   * that finished by itself (`CallbackStop`, end of `play` data) and was not
   * stopped, does nothing (PortAudio's "Stream is not stopped" is ignored;
   * call `stop()` first to run it again).
   *
   * @returns The stream itself, so that `await using s = new Stream(…).start()`
   *   is Python's `with Stream(…) as s:` (started at once, stopped and closed
   *   at the end of the scope).
   * @throws PortAudioError if the stream is closed, or if the processor
   *   module failed to load (the error is its `cause`).
   */
  start(): this {
    const failure = this._processor?.failure;
    if (failure !== undefined && !this._native.closed) {
      const error = new PortAudioError(`Can't start ${this._presentation.kind}: its processor cannot run: ${failure.message}`);
      (error as Error & { cause?: unknown }).cause = failure;
      throw error;
    }
    try {
      callNative(() => this._native.start());
    } catch (e) {
      if (e instanceof PortAudioError && e.code === PA_STREAM_IS_NOT_STOPPED) return this;
      throw e;
    }
    this._activation += 1;
    this._callbackDone = false;
    this._callbackError = undefined;
    this._finished = new Promise<void>((resolve, reject) => {
      this._settleFinished = (error) => (error === undefined ? resolve() : reject(error));
    });
    // A rejection nobody awaits must not crash the process.
    this._finished.catch(() => {});
    this._keepAlive.hold();
    return this;
  }

  /**
   * Stop after the queued output has played (PortAudio `Pa_StopStream`).
   * For callback streams with input, the blocks the audio thread captured
   * but the callback has not seen yet are handed to it before this returns
   * (as in Python, where every captured block has been through the callback
   * when `stop()` returns): a recording stopped this way loses nothing.
   *
   * @param options - `ignoreErrors` (default `true`, as Python's): a stream
   *   never started, already stopped or closed is left as it is, silently.
   * @throws PortAudioError only with `ignoreErrors: false`.
   */
  stop(options: HaltOptions = {}): void {
    if (!this._halt('stop', options)) return;
    if (this._inViews !== undefined && !this._draining) this._drain();
    this._afterHalt();
  }

  /**
   * Stop at once, dropping queued output (PortAudio `Pa_AbortStream`).
   *
   * @param options - `ignoreErrors` (default `true`, as Python's): a stream
   *   never started, already stopped or closed is left as it is, silently.
   * @throws PortAudioError only with `ignoreErrors: false`.
   */
  abort(options: HaltOptions = {}): void {
    if (!this._halt('abort', options)) return;
    this._afterHalt();
  }

  /** Runs the native stop/abort; false when it failed and the error is ignored. */
  private _halt(op: 'stop' | 'abort', options: HaltOptions): boolean {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`options must be an object { ignoreErrors? }, got ${describe(options)}`);
    }
    checkUnknownKeys(options, ['ignoreErrors'], `${op} options`);
    const ignore = checkBoolean(options.ignoreErrors ?? true, 'ignoreErrors');
    try {
      callNative(() => (op === 'stop' ? this._native.stop() : this._native.abort()));
    } catch (e) {
      if (ignore && e instanceof PortAudioError) return false;
      throw e;
    }
    return true;
  }

  /**
   * Close the stream (aborting it if it runs), end a processor worker and
   * free everything. Idempotent.
   */
  async close(): Promise<void> {
    this.closeSync();
    await this._processor?.exit();
  }

  /** Like {@link close} but without waiting for a processor worker to exit. */
  closeSync(): void {
    if (this._native.closed) return;
    const wasActive = this._activation > this._finishedActivation;
    this._native.close();
    if (this._processor !== undefined) {
      _processorReaper.unregister(this);
      this._processor.terminateSoon();
    }
    if (wasActive) this._handleFinished();
    this._keepAlive.release();
  }

  /**
   * `await using stream = new RawStream(...)` stops the stream at the end of
   * the scope (queued output plays out, as `stop()`) and then closes it, as
   * Python's `with` does; errors stopping it are ignored. (An explicit
   * `close()` still aborts.) Python's `with` also starts the stream: write
   * `await using s = new RawStream(...).start()` for that.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this._native.closed) this.stop();
    await this.close();
  }

  private _afterHalt(): void {
    // Pending reads/writes wake up by themselves and reject with
    // "Stream is stopped" (as PortAudio's blocking calls do).
    if (this._native.finished || !this._native.active) this._handleFinished();
  }

  private _onNotify(event: number): void {
    if (event === EVENT_BLOCKS) this._drain();
    else if (event === EVENT_FINISHED) this._handleFinished();
  }

  /** Runs once per activation: finishedCallback, 'finished', settles `finished`. */
  private _handleFinished(): void {
    if (this._finishedActivation >= this._activation) return;
    this._finishedActivation = this._activation;
    this._keepAlive.release();
    if (this._native.panicked && this._callbackError === undefined) {
      this._callbackError = new PortAudioError('The audio thread failed unexpectedly and the stream was aborted');
    }
    if (this._native.hostLost && this._callbackError === undefined) {
      // The host API dropped the running stream (a JACK server that went
      // away): the native watchdog noticed and reported it as finished.
      const lost = new PortAudioError(
        `${this._presentation.kind} stopped: the audio device stopped working (its host API ended ` +
          'the stream, e.g. the JACK server went away). Open a new stream, after reinitialize() ' +
          'once the device or server is back.',
        PA_DEVICE_UNAVAILABLE,
      );
      this._callbackError = lost;
      this._report(lost, `Error in ${this._presentation.kind}`);
    }
    try {
      this._finishedCallback?.();
    } catch (e) {
      this._report(e);
    }
    this.emit('finished');
    this._settleFinished?.(this._callbackError);
  }

  // ---- callbacks on the main thread --------------------------------------

  private _drain(): void {
    const callback = this._callback;
    if (callback === undefined || this._callbackDone) return;
    this._draining = true;
    try {
      this._drainBlocks(callback);
    } finally {
      this._draining = false;
    }
  }

  /**
   * Runs the callback on the blocks ready now, one native `exchange` per
   * block: it queues the block's output and takes the next block in the
   * same call (or, with none left, re-arms the "blocks ready"
   * notification). Only the blocks ready at the start are handled: on an
   * unpaced device (a file PCM, `vnull`) new ones are ready as fast as the
   * callback makes them, and an unbounded loop would keep timers and I/O
   * (a file being read for the callback) waiting; the rest get the next
   * event-loop turn. No block is missed: whatever arrives before the
   * re-arm is taken right after it, and every block after it is announced.
   */
  private _drainBlocks(callback: AnyCallback<I, O>): void {
    const n = this._native;
    const meta = this._meta;
    const inViews = this._inViews;
    const outViews = this._outViews;
    let frames = n.exchange(_EMPTY, inViews?.backing ?? _EMPTY, meta, true);
    // Blocks ready besides the one just taken (meta[6]): this drain's budget.
    let budget = frames > 0 ? meta[6]! : 0;
    while (frames !== 0) {
      if (frames < 0) {
        // The next block is larger than any before it (blockSize 0).
        inViews!.ensure(-frames);
        frames = n.exchange(_EMPTY, inViews!.backing, meta, true);
        continue;
      }
      // The device played silence in this block's output slot: what the
      // callback makes now would come a block late and push all later
      // output back, so it is not queued (the latency stays the cushion).
      const late = meta[5] === 1;
      const status = new CallbackFlags(meta[1]!);
      const time: CallbackTime = { inputBufferAdcTime: meta[2]!, currentTime: meta[3]!, outputBufferDacTime: meta[4]! };
      const input = inViews?.get(frames);
      const output = outViews?.get(frames);
      if (output !== undefined) output.bytes.fill(this._outputSilence());
      let result: unknown;
      try {
        result = callback(input?.view as I, output?.view as O, frames, time, status);
      } catch (e) {
        if (isCallbackStop(e)) {
          if (output && !late) n.exchange(output.bytes, _EMPTY, meta, false);
          this._callbackDone = true;
          n.requestStop();
        } else if (isCallbackAbort(e)) {
          this._callbackDone = true;
          n.requestAbort();
        } else {
          this._failFromCallback(e);
        }
        return;
      }
      // An async callback: its rejection is reported like a throw
      // (instead of an unhandled rejection, which ends the process). Only
      // the first: when the event loop was late, several blocks' callbacks
      // may have started before the first one's promise rejected, and the
      // stream stops at that first failure as it does for a throw.
      if (result !== undefined && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (e: unknown) => {
          if (!this._native.closed && !this._callbackDone && !isCallbackStop(e) && !isCallbackAbort(e)) this._failFromCallback(e);
        });
      }
      const take = budget > 0 && !this._callbackDone;
      budget -= 1;
      frames = n.exchange(output !== undefined && !late ? output.bytes : _EMPTY, inViews?.backing ?? _EMPTY, meta, take);
    }
    // Blocks still waiting (meta[6]: the budget ran out on an unpaced
    // device) get the next event-loop turn; the notification was left
    // un-armed for them.
    if (meta[6]! > 0 && !this._callbackDone) this._drainNextTurn();
  }

  /**
   * Drains again on the next event-loop turn, through the weak reference:
   * on an unpaced device this is pending almost all the time, and a strong
   * reference would keep a stream its owner dropped from being collected.
   */
  private _drainNextTurn(): void {
    if (this._drainScheduled) return;
    this._drainScheduled = true;
    const self = this._self;
    setImmediate(() => {
      const stream = self.deref();
      if (stream === undefined) return;
      stream._drainScheduled = false;
      if (!stream._native.closed) stream._drain();
    });
  }

  private _outputSilence(): number {
    return this._resolved.output?.dtype === 'uint8' ? 0x80 : 0;
  }

  /** A callback (or processor) threw: report, stop the stream, keep the process alive. */
  private _failFromCallback(error: unknown): void {
    this._callbackDone = true;
    this._callbackError ??= error;
    this._report(error);
    if (!this._native.closed) this._native.requestAbort();
  }

  private _report(error: unknown, heading = `Exception in ${this._presentation.kind} callback`): void {
    const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    process.stderr.write(`${heading}:\n${text}\n`);
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  // ---- blocking I/O -----------------------------------------------------

  /** @internal */
  protected _checkBlocking(op: 'read' | 'write'): void {
    if (this._callback !== undefined || this._processor !== undefined || this._buffers !== undefined) {
      throw new PortAudioError(
        op === 'read' ? "Can't read from a callback stream" : "Can't write to a callback stream",
        op === 'read' ? -9977 : -9976,
      );
    }
    if (op === 'read' && this._resolved.input === undefined) {
      throw new PortAudioError("Can't read from an output only stream", -9975);
    }
    if (op === 'write' && this._resolved.output === undefined) {
      throw new PortAudioError("Can't write to an input only stream", -9974);
    }
  }

  /**
   * @internal Validates a byte buffer and returns it as a Uint8Array of whole
   * frames. For writes, an array of byte values (integers 0-255) is copied
   * into one, as Python's raw `write()` takes an iterable of int.
   */
  protected _frameBytes(data: unknown, op: 'read' | 'write', param: string): Uint8Array {
    let bytes: Uint8Array;
    if (data instanceof Uint8Array) bytes = data;
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (op === 'write' && Array.isArray(data)) bytes = _byteValues(data, param);
    else {
      const allowed = op === 'write' ? 'Buffer, typed array, ArrayBuffer or array of byte values' : 'Buffer, typed array or ArrayBuffer';
      throw new TypeError(`${param} must be a ${allowed}, got ${describe(data)}`);
    }
    const frame = op === 'read' ? this._native.inFrameBytes : this._native.outFrameBytes;
    if (bytes.byteLength % frame !== 0) {
      throw new RangeError(
        `${param} must hold whole frames of ${frame} bytes (channels × sample size), got ${bytes.byteLength} bytes`,
      );
    }
    return bytes;
  }

  /**
   * @internal Starts a wait on the thread pool; `signal` cancels. An
   * already-aborted signal rejects before the wait starts, so it reads or
   * writes nothing.
   */
  protected async _await<T>(start: () => Promise<T>, options: WaitOptions): Promise<T> {
    const { signal } = options;
    if (signal === undefined) return callNative(start);
    signal.throwIfAborted();
    const onAbort = (): void => this._native.cancelWaits();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await callNative(start);
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** @internal */
  protected async _readBytes(frames: number, options: WaitOptions): Promise<{ bytes: Buffer; overflowed: boolean }> {
    this._checkBlocking('read');
    checkPositiveInteger(frames, 'frames');
    const bytes = Buffer.alloc(frames * this._native.inFrameBytes);
    const overflowed = await this._await(() => this._native.read(bytes), options);
    return { bytes, overflowed };
  }

  /** @internal */
  protected async _readIntoBytes(buffer: unknown, options: WaitOptions): Promise<{ frames: number; overflowed: boolean }> {
    this._checkBlocking('read');
    const bytes = this._frameBytes(buffer, 'read', 'buffer');
    const overflowed = await this._await(() => this._native.read(bytes), options);
    return { frames: bytes.byteLength / this._native.inFrameBytes, overflowed };
  }

  /** @internal */
  protected _readSyncBytes(frames: number): { bytes: Buffer; overflowed: boolean } {
    this._checkBlocking('read');
    checkPositiveInteger(frames, 'frames');
    const bytes = Buffer.alloc(frames * this._native.inFrameBytes);
    const overflowed = callNative(() => this._native.readSync(bytes));
    return { bytes, overflowed };
  }

  /** @internal */
  protected async _writeBytes(bytes: Uint8Array, options: WaitOptions): Promise<boolean> {
    this._checkBlocking('write');
    return this._await(() => this._native.write(bytes), options);
  }

  /** @internal */
  protected _writeSyncBytes(bytes: Uint8Array): boolean {
    this._checkBlocking('write');
    return callNative(() => this._native.writeSync(bytes));
  }

  /**
   * Status bits gathered by the audio thread since the last call (blocking
   * and buffer streams; callback streams see them per block). Clears them.
   */
  takeStatus(): CallbackFlags {
    return new CallbackFlags(this._native.takeFlags(PA_INPUT_OVERFLOW | PA_OUTPUT_UNDERFLOW | 0x1 | 0x8 | 0x10));
  }
}

const _EMPTY = new Uint8Array(0);

/** An array of byte values (integers 0-255) as bytes. */
function _byteValues(values: readonly unknown[], param: string): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
      throw new RangeError(`${param}[${i}] must be a byte value (an integer from 0 to 255), got ${describe(v)}`);
    }
    bytes[i] = v;
  }
  return bytes;
}
