/** `sounddevice tone`: play a sine, the quickest check that output works. */
import { type Command, Option } from 'commander';
import { DTYPES, type DType, RawBufferStream, queryDevices, queryHostApis } from '@sounddevice/raw';
import type { CliContext } from '../io.js';
import { amplitude, device, positiveInteger, positiveNumber } from '../parse.js';
import { sineSamples } from '../sine.js';

/** Options of {@link runTone} (the command line's, parsed). */
export interface ToneOptions {
  /** Hz (default 440). */
  frequency: number;
  /** Seconds (default 1). */
  duration: number;
  /** Peak level 0…1 (default 0.2). */
  amplitude: number;
  /** Output channels, all playing the same sine (default: 2, or 1 on a mono device). */
  channels?: number;
  /** Hz (default: the device's default rate). */
  samplerate?: number;
  /** Index or name substrings (default: the default output device). */
  device?: number | string;
  /** Sample format (default float32). */
  dtype: DType;
}

/** Exit code after Ctrl+C (128 + SIGINT). */
const _EXIT_INTERRUPTED = 130;

/**
 * Plays a sine on an output device and prints one line saying what played
 * where. The whole tone is handed to the audio thread at once (the engine of
 * `play()`), so it plays without gaps even when the device consumes audio
 * faster than real time (the testbed's `vfile_out`). Ctrl+C stops it (exit
 * code 130). Samples: see `sineSamples` (same value on every channel).
 *
 * @param options - See {@link ToneOptions}.
 * @param ctx - Where to write; gets exit code 130 when interrupted.
 * @throws RangeError for an unknown device or a tone shorter than one frame,
 *   PortAudioError when PortAudio refuses the settings (e.g. the rate).
 */
export async function runTone(options: ToneOptions, ctx: CliContext): Promise<void> {
  const info = queryDevices(options.device ?? undefined, 'output');
  const channels = options.channels ?? Math.min(2, info.maxOutputChannels);
  const sampleRate = options.samplerate ?? info.defaultSampleRate;
  const frames = Math.round(options.duration * sampleRate);
  if (frames < 1) {
    throw new RangeError(`duration must be at least one frame (1/${sampleRate} s), got ${options.duration}`);
  }
  const bytes = sineSamples({ ...options, sampleRate, frames });
  const stream = new RawBufferStream(
    'output',
    { device: info.index, channels, dtype: options.dtype, sampleRate },
    // One source channel, copied to every device channel by the audio thread.
    { play: { bytes, channels: 1, map: new Array<number>(channels).fill(0), loop: false } },
    'output stream',
  );
  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
    stream.abort();
  };
  process.once('SIGINT', onInterrupt);
  try {
    stream.start();
    await stream.finished;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await stream.close();
  }
  const where = `device ${info.index} '${info.name}, ${queryHostApis(info.hostApi).name}'`;
  const what = `a ${options.frequency} Hz sine at amplitude ${options.amplitude}`;
  const format = `${channels} channel${channels === 1 ? '' : 's'}, ${options.dtype}, ${stream.sampleRate} Hz`;
  if (interrupted) {
    ctx.io.stderr.write(`Interrupted ${what} on ${where} (${format})\n`);
    ctx.exitCode = _EXIT_INTERRUPTED;
    return;
  }
  ctx.io.stdout.write(`Played ${what} for ${options.duration} s on ${where} (${format})\n`);
}

/**
 * Adds the `tone` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addToneCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('tone')
    .description('play a sine tone: the quickest check that output works')
    .option('-f, --frequency <hz>', 'frequency in Hz', positiveNumber('frequency'), 440)
    .option('-t, --duration <seconds>', 'length in seconds', positiveNumber('duration'), 1)
    .option('-a, --amplitude <level>', 'peak level from 0 to 1 (full scale)', amplitude, 0.2)
    .option('-c, --channels <n>', 'output channels, each playing the sine (default: 2, 1 on a mono device)', positiveInteger('channels'))
    .option('-r, --samplerate <hz>', "sample rate in Hz (default: the device's)", positiveNumber('samplerate'))
    .option('-d, --device <device>', 'output device: index or name substrings (default: the default output)', device)
    .addOption(new Option('--dtype <dtype>', 'sample format').choices(DTYPES).default('float32'))
    .addHelpText('after', '\nExamples:\n  sounddevice tone\n  sounddevice tone --device vfile_out --dtype int16 --frequency 1000 --duration 0.1\n')
    .action((options: ToneOptions) => runTone(options, ctx));
}
