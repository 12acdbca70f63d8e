/** `sounddevice tone`: play a sine, the quickest check that output works. */
import { type Command, Option } from 'commander';
import { CallbackStop, DTYPES, type DType, RawOutputStream, queryDevices, queryHostApis } from '@sounddevice/raw';
import type { CliContext } from '../io.js';
import { amplitude, device, positiveInteger, positiveNumber } from '../parse.js';
import { writeSine } from '../sine.js';

/** Options of {@link runTone} (the command line's, parsed). */
export interface ToneOptions {
  /**
   * Convert the sample rate when the device does not support the one asked
   * for (the library's `resample` option; default true here, `--no-resample`
   * turns it off and an unsupported rate is an error again).
   */
  resample?: boolean;
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
 * Blocks of output queued ahead of the device (the stream's `cushion`): at
 * JACK's period of 256 frames, 8 blocks are 43 ms, enough for a main thread
 * that only computes the tone.
 */
const _CUSHION = 8;

/**
 * Checks that a tone of `duration` seconds at `sampleRate` can be played and
 * returns its length in frames.
 *
 * @throws RangeError for less than one frame, or for more frames than a
 *   JavaScript number counts exactly (2^53 - 1: the frame index of the sine
 *   formula must be exact).
 */
export function toneFrames(duration: number, sampleRate: number): number {
  const frames = Math.round(duration * sampleRate);
  if (frames < 1) {
    throw new RangeError(`duration must be at least one frame (1/${sampleRate} s), got ${duration}`);
  }
  if (!Number.isSafeInteger(frames)) {
    const most = Math.floor(Number.MAX_SAFE_INTEGER / sampleRate);
    throw new RangeError(
      `duration must be at most ${most} s at ${sampleRate} Hz (${Number.MAX_SAFE_INTEGER} frames, the most the tone counts exactly), got ${duration}`,
    );
  }
  return frames;
}

/**
 * Plays a sine on an output device and prints one line saying what played
 * where. The tone is computed as it plays, one block at a time in the
 * stream's callback (memory does not grow with the duration), and the
 * stream stops after the last frame. On a device that consumes audio faster
 * than real time (the testbed's `vfile_out`) the blocks follow each other
 * without gaps. Ctrl+C stops it (exit code 130). Samples: see `writeSine`
 * (same value on every channel).
 *
 * @param options - See {@link ToneOptions}.
 * @param ctx - Where to write; gets exit code 130 when interrupted.
 * @throws RangeError for an unknown device or a duration that is less than
 *   one frame or too long to count (see {@link toneFrames}),
 *   PortAudioError when PortAudio refuses the settings (e.g. the rate).
 */
export async function runTone(options: ToneOptions, ctx: CliContext): Promise<void> {
  const info = queryDevices(options.device ?? undefined, 'output');
  const channels = options.channels ?? Math.min(2, info.maxOutputChannels);
  const sampleRate = options.samplerate ?? info.defaultSampleRate;
  const frames = toneFrames(options.duration, sampleRate);
  const spec = { ...options, sampleRate };
  let next = 0;
  const stream = new RawOutputStream({
    device: info.index,
    channels,
    dtype: options.dtype,
    sampleRate,
    resample: options.resample ?? true,
    cushion: _CUSHION,
    callback: (outdata, blockFrames) => {
      // outdata arrives filled with silence; the last block is partly filled.
      const n = Math.min(blockFrames, frames - next);
      writeSine(outdata, spec, next, n, channels);
      next += n;
      if (next >= frames) throw new CallbackStop();
    },
  });
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
    .option('--no-resample', "don't convert the sample rate when the device does not support it (it is an error then)")
    .addOption(new Option('--dtype <dtype>', 'sample format').choices(DTYPES).default('float32'))
    .addHelpText('after', '\nExamples:\n  sounddevice tone\n  sounddevice tone --device vfile_out --dtype int16 --frequency 1000 --duration 0.1\n')
    .action((options: ToneOptions) => runTone(options, ctx));
}
