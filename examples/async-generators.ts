/**
 * async-generators: audio blocks as async iterators.
 *
 * The TypeScript version of Python's asyncio_generators.py. One async
 * generator yields the blocks of an input stream (to look at them), another
 * yields pairs of blocks, an input block and an output block to fill, from a
 * full-duplex stream (here: to wire input to output). Both are fed by a
 * stream callback through a queue, and both close their stream when the
 * loop that consumes them ends, however it ends.
 *
 * (Input streams are also async iterables by themselves, without a callback:
 * `for await (const { data, status } of new sd.InputStream(...))`.)
 *
 * Python's example takes no options; the ones here choose devices and sizes.
 *
 *   pnpm --filter @sounddevice/examples run async-generators [-i DEVICE] [-o DEVICE] [-b N] ...
 */
import * as sd from '@sounddevice/numeric';
import { Command, Option } from 'commander';
import ndarray from 'ndarray';
import { errorLine, exit, float, int, intOrStr, parseArgs, usageError } from './lib/cli.js';

const CONSTRUCTORS = { float32: Float32Array, int32: Int32Array, int16: Int16Array, int8: Int8Array } as const;

/** A queue whose `get()` waits for the next item (Python's `asyncio.Queue`). */
class AsyncQueue<T> {
  private readonly _items: T[] = [];
  private _waiter: (() => void) | undefined;

  put(item: T): void {
    this._items.push(item);
    this._waiter?.();
  }

  /** The next item, once there is one; rejects with the signal's reason when it aborts. */
  async get(signal?: AbortSignal): Promise<T> {
    while (this._items.length === 0) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(signal!.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        this._waiter = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
      this._waiter = undefined;
    }
    return this._items.shift()!;
  }
}

interface StreamSettings {
  device?: number | string | [number | string | null, number | string | null];
  sampleRate?: number;
  channels?: number;
  dtype?: sd.StreamDType;
  /** Ends the iteration (it then throws the signal's reason). */
  signal?: AbortSignal;
}

/** Copies a block: the stream reuses its memory for the next one. */
function copy(block: sd.AudioArray): sd.AudioArray {
  return ndarray(block.data.slice(), block.shape);
}

/** Yields the input blocks of an InputStream with their status. */
async function* inputstreamGenerator({ signal, ...options }: StreamSettings = {}): AsyncGenerator<{ indata: sd.AudioArray; status: sd.CallbackFlags }> {
  const queue = new AsyncQueue<{ indata: sd.AudioArray; status: sd.CallbackFlags }>();
  await using stream = new sd.InputStream({
    channels: 1,
    ...options,
    device: options.device as number | string | undefined,
    callback: (indata, _frames, _time, status) => queue.put({ indata: copy(indata), status }),
  });
  stream.start();
  for (;;) yield await queue.get(signal);
}

/**
 * Yields an input block, an output block to fill and the status, for each
 * block of a full-duplex Stream. The output blocks go back to the stream
 * through a queue that starts with `preFillBlocks` blocks of silence.
 */
async function* streamGenerator(
  blockSize: number,
  { channels = 1, dtype = 'float32', preFillBlocks = 10, signal, ...options }: StreamSettings & { preFillBlocks?: number } = {},
): AsyncGenerator<{ indata: sd.AudioArray; outdata: sd.AudioArray; status: sd.CallbackFlags }> {
  if (blockSize <= 0) throw new RangeError(`blockSize must be positive, got ${blockSize}`);
  const inQueue = new AsyncQueue<{ indata: sd.AudioArray; status: sd.CallbackFlags }>();
  const outQueue: sd.AudioArray[] = [];
  const block = (): sd.AudioArray => {
    return ndarray(new CONSTRUCTORS[dtype as keyof typeof CONSTRUCTORS](blockSize * channels), [blockSize, channels]);
  };
  for (let i = 0; i < preFillBlocks; i++) outQueue.push(block());

  await using stream = new sd.Stream({
    blockSize,
    dtype,
    channels,
    ...options,
    callback(indata, outdata, _frames, _time, status) {
      inQueue.put({ indata: copy(indata), status });
      const next = outQueue.shift();
      if (next) outdata.data.set(next.data); // else: the consumer is late, this block stays silent
    },
  });
  stream.start();
  for (;;) {
    const { indata, status } = await inQueue.get(signal);
    const outdata = block();
    yield { indata, outdata, status };
    outQueue.push(outdata);
  }
}

/** Prints the smallest and largest sample of each input block. */
async function printInputInfos(options: StreamSettings): Promise<void> {
  for await (const { indata, status } of inputstreamGenerator(options)) {
    if (status.any) console.log(status.toString());
    let min = Infinity;
    let max = -Infinity;
    for (const v of indata.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    console.log(`min: ${min}\tmax: ${max}`);
  }
}

/** Copies each input block into its output block. */
async function wireCoro(blockSize: number, options: StreamSettings): Promise<void> {
  for await (const { indata, outdata, status } of streamGenerator(blockSize, options)) {
    if (status.any) console.log(status.toString());
    outdata.data.set(indata.data);
  }
}

const isAbort = (e: unknown, name: string): boolean => e instanceof Error && e.name === name;

async function main(blockSize: number, input: StreamSettings, duplex: StreamSettings): Promise<void> {
  console.log('Some information about the input signal:');
  try {
    await printInputInfos({ ...input, signal: AbortSignal.timeout(2000) });
  } catch (e) {
    if (!isAbort(e, 'TimeoutError')) throw e;
  }
  console.log('\nEnough of that, activating wire ...\n');
  const cancel = new AbortController();
  const audioTask = wireCoro(blockSize, { ...duplex, signal: cancel.signal });
  audioTask.catch(() => {}); // awaited below; don't let an early failure go unhandled meanwhile
  for (let i = 10; i > 0; i--) {
    console.log(i);
    await Promise.race([sd.sleep(1000), audioTask]);
  }
  cancel.abort();
  try {
    await audioTask;
  } catch (e) {
    if (!isAbort(e, 'AbortError')) throw e;
    console.log('wire was cancelled');
  }
}

const program = parseArgs(
  new Command('async-generators')
    .description(
      'Async generators of audio blocks: first the input blocks alone (their smallest\n' +
        'and largest samples are printed for 2 seconds), then pairs of input and output\n' +
        'blocks (input copied to output for 10 seconds).',
    )
    .addOption(new Option('-i, --input-device <DEVICE>', 'input device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-o, --output-device <DEVICE>', 'output device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-b, --blocksize <N>', 'block size of the wire').argParser(int).default(1024))
    .addOption(new Option('-c, --channels <N>', 'number of channels').argParser(int).default(1))
    .addOption(new Option('-t, --dtype <DTYPE>', 'sample format').choices(Object.keys(CONSTRUCTORS)).default('float32'))
    .addOption(new Option('-r, --samplerate <RATE>', 'sampling rate (default: the devices\')').argParser(float)),
);
const args = program.opts<{
  inputDevice?: number | string;
  outputDevice?: number | string;
  blocksize: number;
  channels: number;
  dtype: sd.StreamDType;
  samplerate?: number;
}>();
if (args.blocksize < 1) usageError(program, 'blocksize must be at least 1');

process.once('SIGINT', () => exit('\nInterrupted by user'));
try {
  const common = { sampleRate: args.samplerate, channels: args.channels, dtype: args.dtype };
  await main(
    args.blocksize,
    { ...common, device: args.inputDevice },
    { ...common, device: [args.inputDevice ?? null, args.outputDevice ?? null] },
  );
} catch (e) {
  exit(errorLine(e));
}
