/**
 * How the blocks of an array stream are presented: ndarrays `[frames,
 * channels]` over the reused block memory, for callbacks on the main thread
 * and (through the adapter module) in processor workers.
 */
import type { StreamPresentation } from '@sounddevice/raw';
import type { AudioArray, SampleDType } from './dtypes.js';
import { blockView } from './processor-adapter.mjs';

/** File URL of the module processor workers import to wrap blocks as ndarrays. */
export const PROCESSOR_ADAPTER_URL = new URL('./processor-adapter.mjs', import.meta.url).href;

/** Channels and formats of a stream's two sides, filled in once the options are resolved. */
export class BlockLayout {
  inputChannels = 0;
  outputChannels = 0;
  inputDType: SampleDType = 'float32';
  outputDType: SampleDType = 'float32';

  /**
   * Takes the resolved channels and formats of an opened stream.
   *
   * @param resolved - The stream's resolved options.
   */
  fill(resolved: {
    input?: { channels: number; dtype: string } | undefined;
    output?: { channels: number; dtype: string } | undefined;
  }): void {
    this.inputChannels = resolved.input?.channels ?? 0;
    this.outputChannels = resolved.output?.channels ?? 0;
    this.inputDType = (resolved.input?.dtype ?? 'float32') as SampleDType;
    this.outputDType = (resolved.output?.dtype ?? 'float32') as SampleDType;
  }
}

/**
 * The presentation handed to `StreamBase`: views are built lazily (once per
 * block size, then reused), after `layout` has been filled.
 *
 * @param kind - Class name for messages.
 * @param direction - The stream's directions.
 * @param layout - Filled by the constructor right after opening.
 */
export function arrayPresentation(
  kind: string,
  direction: 'duplex' | 'input' | 'output',
  layout: BlockLayout,
): StreamPresentation<AudioArray, AudioArray> {
  return {
    kind,
    direction,
    wrapInput: (bytes, frames) => blockView(bytes, frames, layout.inputChannels, layout.inputDType),
    wrapOutput: (bytes, frames) => blockView(bytes, frames, layout.outputChannels, layout.outputDType),
    processorAdapter: PROCESSOR_ADAPTER_URL,
  };
}
