/** `sounddevice wire`: pass input straight to output (Python's wire.py). */
import { type Command, Option } from 'commander';
import { CallbackFlags, DTYPES, type DType, type Latency, RawStream, queryDevices } from '@sounddevice/raw';
import { describeDevice, plural } from '../describe.js';
import { onInterrupt, timeout } from '../interrupt.js';
import type { CliContext } from '../io.js';
import { devicePair, nonNegativeInteger, positiveInteger, positiveNumber } from '../parse.js';

/** Options of {@link runWire} (the command line's, parsed). */
export interface WireOptions {
  /**
   * Convert the sample rate when the device does not support the one asked
   * for (the library's `resample` option; default true here, `--no-resample`
   * turns it off and an unsupported rate is an error again).
   */
  resample?: boolean;
  /** `[input, output]` devices (default: the defaults). */
  device?: [number | string, number | string];
  /** Channels on both sides (default: 2, fewer if a device has fewer). */
  channels?: number;
  /** Hz (default: the devices' default rate). */
  samplerate?: number;
  /** Frames per block (default 0: PortAudio chooses). */
  blocksize: number;
  /** `low`, `high` or seconds (default: `low`). */
  latency: Latency;
  /** Sample format (default float32). */
  dtype: DType;
  /** Stop after this many seconds (default: run until Ctrl+C). */
  duration?: number;
}

/**
 * Copies every input block to the output: a full-duplex `RawStream` whose
 * callback is `outdata.set(indata)`. Runs until Ctrl+C (exit code 0) or
 * `duration`, then prints how many blocks had input overflows or output
 * underflows.
 *
 * @param options - See {@link WireOptions}.
 * @param ctx - Where to write.
 */
export async function runWire(options: WireOptions, ctx: CliContext): Promise<void> {
  const inInfo = queryDevices(options.device?.[0] ?? undefined, 'input');
  const outInfo = queryDevices(options.device?.[1] ?? undefined, 'output');
  const channels = options.channels ?? Math.min(2, inInfo.maxInputChannels, outInfo.maxOutputChannels);
  const status = new CallbackFlags();
  let flagged = 0;
  const stream = new RawStream({
    device: [inInfo.index, outInfo.index],
    channels,
    dtype: options.dtype,
    sampleRate: options.samplerate ?? null,
    resample: options.resample ?? true,
    blockSize: options.blocksize,
    latency: options.latency,
    callback: (indata, outdata, _frames, _time, flags) => {
      if (flags.any) {
        flagged++;
        status.merge(flags);
      }
      outdata.set(indata);
    },
  });
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const removeInterrupt = onInterrupt(() => stop?.());
  const limit = options.duration === undefined ? undefined : timeout(options.duration * 1000);
  try {
    stream.start();
    ctx.io.stderr.write(
      `Wiring ${describeDevice(inInfo)} to ${describeDevice(outInfo)} (${plural(channels, 'channel')}, ${options.dtype}, ${stream.sampleRate} Hz, ` +
        `block size ${options.blocksize || 'variable'}, latency ${(1000 * (stream.latency as [number, number])[0]).toFixed(1)} + ${(1000 * (stream.latency as [number, number])[1]).toFixed(1)} ms); press Ctrl+C to stop\n`,
    );
    const waits: Promise<unknown>[] = [stopped, stream.finished];
    if (limit) waits.push(limit.promise);
    await Promise.race(waits);
  } finally {
    limit?.cancel();
    removeInterrupt();
    await stream.close();
  }
  ctx.io.stderr.write(flagged > 0 ? `Stopped; ${plural(flagged, 'block')} had ${status.toString()}\n` : 'Stopped\n');
}

/** Parses `--latency`: `low`, `high` or seconds. */
function _latency(value: string): Latency {
  if (value === 'low' || value === 'high') return value;
  return positiveNumber('latency')(value);
}

/**
 * Adds the `wire` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addWireCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('wire')
    .description('pass input straight to output until Ctrl+C (a JavaScript callback copying each block)')
    .option('-d, --device <device>', 'one device for both, or IN,OUT: indexes or name substrings (default: the defaults)', devicePair)
    .option('--no-resample', "don't convert the sample rate when the device does not support it (it is an error then)")
    .option('-c, --channels <n>', 'channels on both sides (default: 2, fewer if a device has fewer)', positiveInteger('channels'))
    .option('-r, --samplerate <hz>', "sample rate in Hz (default: the devices')", positiveNumber('samplerate'))
    .option('-b, --blocksize <frames>', 'frames per block (0: PortAudio chooses)', nonNegativeInteger('blocksize'), 0)
    .option('--latency <latency>', "'low', 'high' or seconds", _latency, 'low' as Latency)
    .addOption(new Option('--dtype <dtype>', 'sample format').choices(DTYPES).default('float32'))
    .option('-t, --duration <seconds>', 'stop after this long (default: until Ctrl+C)', positiveNumber('duration'))
    .addHelpText('after', '\nExamples:\n  sounddevice wire\n  sounddevice wire --device 2,5 --channels 1 --blocksize 256\n')
    .action((options: WireOptions) => runWire(options, ctx));
}
