/**
 * `@sounddevice/numeric`: play and record audio arrays through PortAudio.
 * Array streams (`Stream`, `InputStream`, `OutputStream`) whose blocks are
 * scijs ndarrays of shape `[frames, channels]`, and `play`, `rec`,
 * `playrec`, `wait`, `stop`, `getStatus`, `getStream` with Python's
 * semantics. Everything of `@sounddevice/raw` is re-exported.
 *
 * @packageDocumentation
 */

export * from '@sounddevice/raw';
export { type AudioArray, type SampleArray, type SampleDType } from './dtypes.js';
export { type AudioBufferLike, type AudioData } from './input-forms.js';
export { type ArrayInputBlock } from './array-input.js';
export { ArrayStreamBase } from './array-stream-base.js';
export {
  type InputStreamOptions,
  type OutputStreamOptions,
  type StreamDType,
  type StreamOptions,
  InputStream,
  OutputStream,
  Stream,
} from './array-streams.js';
export { type ChannelMapping } from './mapping.js';
export { type CallStreamOptions } from './call-options.js';
export { type PlayOptions, play } from './play.js';
export { type RecDType, type RecOptions, rec } from './rec.js';
export { type PlayrecOptions, playrec } from './playrec.js';
export { type CallStream, type IgnoreErrorsOptions, getStatus, getStream, stop, wait } from './last-call.js';
export { version } from './version.js';
export { PROCESSOR_ADAPTER_URL } from './block-layout.js';
