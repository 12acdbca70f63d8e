/**
 * async-coroutines: streams inside async functions.
 *
 * The TypeScript version of Python's asyncio_coroutines.py: one async
 * function records into a buffer, another plays a buffer; each creates its
 * stream and awaits the moment its callback says it is done. Python waits
 * for an `asyncio.Event`; here every stream has a `finished` promise, which
 * settles when the callback has thrown `CallbackStop` and the stream has
 * ended. `await using` closes the stream at the end of the function, as
 * Python's `with` does.
 *
 * Python's example takes no options; the ones here choose devices and sizes.
 *
 *   pnpm --filter @sounddevice/examples run async-coroutines [-i DEVICE] [-o DEVICE] [-f FRAMES] ...
 */
import * as sd from '@sounddevice/numeric';
import { Command, Option } from 'commander';
import ndarray from 'ndarray';
import { errorLine, exit, float, int, intOrStr, parseArgs, usageError } from './lib/cli.js';

/** Options both streams get. */
interface StreamSettings {
  device?: number | string;
  sampleRate?: number;
}

/** Fills `buffer` (shape `[frames, channels]`) from an input stream; resolves when it is full. */
async function recordBuffer(buffer: sd.AudioArray, { device, sampleRate }: StreamSettings): Promise<void> {
  const [frames, channels] = buffer.shape as [number, number];
  let idx = 0;
  await using stream = new sd.InputStream({
    device,
    sampleRate,
    dtype: buffer.dtype as sd.StreamDType,
    channels,
    callback(indata, frameCount, _time, status) {
      if (status.any) console.log(status.toString());
      const remainder = frames - idx;
      if (remainder === 0) throw new sd.CallbackStop();
      const n = Math.min(remainder, frameCount);
      buffer.data.set(indata.data.subarray(0, n * channels), idx * channels);
      idx += n;
    },
  });
  stream.start();
  await stream.finished;
}

/** Plays `buffer` (shape `[frames, channels]`) through an output stream; resolves when it has played. */
async function playBuffer(buffer: sd.AudioArray, { device, sampleRate }: StreamSettings): Promise<void> {
  const [frames, channels] = buffer.shape as [number, number];
  let idx = 0;
  await using stream = new sd.OutputStream({
    device,
    sampleRate,
    dtype: buffer.dtype as sd.StreamDType,
    channels,
    callback(outdata, frameCount, _time, status) {
      if (status.any) console.log(status.toString());
      const remainder = frames - idx;
      if (remainder === 0) throw new sd.CallbackStop();
      const valid = Math.min(remainder, frameCount);
      outdata.data.set(buffer.data.subarray(idx * channels, (idx + valid) * channels));
      outdata.data.fill(0, valid * channels); // the rest of the last block: silence
      idx += valid;
    },
  });
  stream.start();
  await stream.finished;
}

const CONSTRUCTORS = { float32: Float32Array, int32: Int32Array, int16: Int16Array, int8: Int8Array } as const;

async function main({
  frames = 150_000,
  channels = 1,
  dtype = 'float32' as keyof typeof CONSTRUCTORS,
  inputDevice = undefined as number | string | undefined,
  outputDevice = undefined as number | string | undefined,
  sampleRate = undefined as number | undefined,
} = {}): Promise<void> {
  const buffer = ndarray(new CONSTRUCTORS[dtype](frames * channels), [frames, channels]);
  console.log('recording buffer ...');
  await recordBuffer(buffer, { device: inputDevice, sampleRate });
  console.log('playing buffer ...');
  await playBuffer(buffer, { device: outputDevice, sampleRate });
  console.log('done');
}

const program = parseArgs(
  new Command('async-coroutines')
    .description('Record into a buffer, then play it back: each stream is created and awaited in an async function.')
    .addOption(new Option('-i, --input-device <DEVICE>', 'input device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-o, --output-device <DEVICE>', 'output device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-f, --frames <N>', 'length of the buffer in frames').argParser(int).default(150_000))
    .addOption(new Option('-c, --channels <N>', 'number of channels').argParser(int).default(1))
    .addOption(new Option('-t, --dtype <DTYPE>', 'sample format of the buffer').choices(Object.keys(CONSTRUCTORS)).default('float32'))
    .addOption(new Option('-r, --samplerate <RATE>', 'sampling rate (default: the devices\')').argParser(float)),
);
const args = program.opts<{
  inputDevice?: number | string;
  outputDevice?: number | string;
  frames: number;
  channels: number;
  dtype: keyof typeof CONSTRUCTORS;
  samplerate?: number;
}>();

if (args.frames < 1) usageError(program, 'frames must be at least 1');
if (args.channels < 1) usageError(program, 'channels must be at least 1');

process.once('SIGINT', () => exit('\nInterrupted by user'));
try {
  await main({ ...args, sampleRate: args.samplerate });
} catch (e) {
  exit(errorLine(e));
}
