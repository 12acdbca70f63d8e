/**
 * The shared base of `Stream`, `InputStream` and `OutputStream`: opens the
 * stream through `StreamBase` with ndarray blocks and converts between
 * arrays and the bytes of blocking reads and writes.
 */
import ndarray from 'ndarray';
import { StreamBase, type AnyStreamOptions, type DuplexCallback, type ReadIntoResult, type ReadResult, type WaitOptions } from '@sounddevice/raw';
import { type AudioArray, rejectInt24, sampleBytes, samplesOf } from './dtypes.js';
import { BlockLayout, arrayPresentation } from './block-layout.js';
import { scatter, toInterleaved } from './convert.js';
import { describeInput } from './input-forms.js';
import { describeTarget, targetBytes } from './target.js';
import { takeTransfer } from './buffer-transfer.js';


/** Base class of the array streams; not used directly. */
export abstract class ArrayStreamBase extends StreamBase<AudioArray, AudioArray> {
  /** @internal Channels and formats of the blocks. */
  protected readonly _layout!: BlockLayout;

  /** @internal */
  protected constructor(
    kind: string,
    direction: 'duplex' | 'input' | 'output',
    options: AnyStreamOptions,
    callback: DuplexCallback<AudioArray, AudioArray> | undefined,
  ) {
    if (options !== null && typeof options === 'object') {
      rejectInt24(options.dtype, direction === 'duplex' ? [0, 1] : direction === 'input' ? [0] : [1], kind);
    }
    const layout = new BlockLayout();
    // play/rec/playrec open these classes with whole buffers (see buffer-transfer.ts).
    super(arrayPresentation(kind, direction, layout), options, callback, takeTransfer());
    layout.fill(this._resolved);
    this._layout = layout;
  }

  /** @internal An ndarray over bytes read from the input. */
  protected _inputArray(bytes: Uint8Array, frames: number): AudioArray {
    const { inputChannels, inputDType } = this._layout;
    return ndarray(samplesOf(bytes, inputDType), [frames, inputChannels]);
  }

  /** @internal Reads `frames` frames as an ndarray. */
  protected async _readArray(frames: number, options: WaitOptions): Promise<ReadResult<AudioArray>> {
    const { bytes, overflowed } = await this._readBytes(frames, options);
    return { data: this._inputArray(bytes, frames), overflowed };
  }

  /** @internal Like {@link _readArray}, blocking the thread. */
  protected _readArraySync(frames: number): ReadResult<AudioArray> {
    const { bytes, overflowed } = this._readSyncBytes(frames);
    return { data: this._inputArray(bytes, frames), overflowed };
  }

  /** @internal Reads into the caller's array: straight into its memory when contiguous. */
  protected async _readIntoArray(array: unknown, options: WaitOptions): Promise<ReadIntoResult> {
    this._checkBlocking('read');
    const target = describeTarget(array, 'array');
    const { inputChannels, inputDType } = this._layout;
    if (target.dtype !== inputDType) {
      throw new TypeError(`array holds ${target.dtype} samples but the stream's input dtype is '${inputDType}'`);
    }
    if (target.channels !== inputChannels) {
      throw new RangeError(
        `array must have ${inputChannels} channel(s) like the stream's input (shape [frames, ${inputChannels}]), got ${target.channels}`,
      );
    }
    const direct = targetBytes(target);
    if (direct !== undefined) return this._readIntoBytes(direct, options);
    if (target.frames === 0) return { frames: 0, overflowed: false };
    const { bytes, overflowed } = await this._readBytes(target.frames, options);
    scatter(samplesOf(bytes, inputDType), target);
    return { frames: target.frames, overflowed };
  }

  /** @internal The bytes of `data` for the output: checked, converted or copied when needed. */
  protected _outputBytes(data: unknown): Uint8Array {
    this._checkBlocking('write');
    const { outputChannels, outputDType } = this._layout;
    const src = describeInput(data, 'data');
    if (src.channels !== outputChannels) {
      throw new RangeError(
        `data must have ${outputChannels} channel(s) like the stream's output (shape [frames, ${outputChannels}]` +
          `${outputChannels === 1 ? ' or 1-D' : ''}), got ${src.channels}`,
      );
    }
    return sampleBytes(toInterleaved(src, { param: 'data', dtype: outputDType }));
  }
}
