/** `sounddevice play FILE`: play a WAV, FLAC, MP3 or Ogg Vorbis file. */
import type { Command } from 'commander';
import { type DType, type DeviceInfo, RawBufferStream, RawOutputStream, queryDevices } from '@sounddevice/raw';
import { type AudioSource, openAudioFile } from '../audio/sources.js';
import { SAMPLE_BYTES, fromFloat32, remapFrames, toFloat32 } from '../audio/samples.js';
import { describeDevice, plural } from '../describe.js';
import { EXIT_INTERRUPTED, UsageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import type { CliContext } from '../io.js';
import { channelList, device, nonNegativeNumber } from '../parse.js';
import { LiveLines, bar, columnsOf, displayWidth, formatTime, isTty, truncate } from '../tty.js';

/** Options of {@link runPlay} (the command line's, parsed). */
export interface PlayOptions {
  /**
   * Convert the sample rate when the device does not support the one asked
   * for (the library's `resample` option; default true here, `--no-resample`
   * turns it off and an unsupported rate is an error again).
   */
  resample?: boolean;
  /** Output device: index or name substrings (default: the default output). */
  device?: number | string;
  /** Play the file over and over until Ctrl+C. */
  loop?: boolean;
  /** 1-based output channel for each channel of the file (Python's `mapping`). */
  mapping?: number[];
  /** Gain applied to every sample (default 1: samples are played unchanged). */
  volume: number;
  /** Files up to this many seconds are decoded whole before playing (default 60). */
  preload: number;
  /** Show the progress bar (default: when stderr is a terminal). */
  progress?: boolean;
}

/** How often the progress bar is redrawn. */
const PROGRESS_MS = 100;

/**
 * The device channel (0-based) each file channel plays on, and the output
 * channel count. Default: file channel i on output channel i; a mono file
 * plays on the first two channels of a device that has two or more.
 */
function _routing(source: AudioSource, info: DeviceInfo, mapping: number[] | undefined): { map: number[]; channels: number } {
  let m = mapping;
  if (m === undefined) {
    m = source.channels === 1 && info.maxOutputChannels >= 2 ? [1, 2] : Array.from({ length: source.channels }, (_, i) => i + 1);
  } else if (m.length !== source.channels && source.channels !== 1) {
    throw new UsageError(`mapping lists ${plural(m.length, 'channel')}, but '${source.path}' has ${source.channels}: give one output channel per file channel`);
  }
  const channels = Math.max(...m);
  if (channels > info.maxOutputChannels) {
    throw new RangeError(`mapping uses output channel ${channels}, but ${describeDevice(info)} has ${plural(info.maxOutputChannels, 'output channel')}`);
  }
  const map = new Array<number>(channels).fill(-1);
  m.forEach((out, i) => (map[out - 1] = source.channels === 1 ? 0 : i));
  return { map, channels };
}

/** Multiplies every sample by `volume`, as float32. */
function _scaled(chunk: Buffer, dtype: DType, volume: number): Buffer {
  const samples = toFloat32(chunk, dtype);
  for (let i = 0; i < samples.length; i++) samples[i]! *= volume;
  return fromFloat32(samples, 'float32');
}

/**
 * Plays an audio file on an output device.
 *
 * Files whose decoded audio is at most `preload` seconds long are decoded
 * whole and handed to the audio thread at once (gap-free even while
 * JavaScript is busy, or on a device that consumes faster than real time);
 * longer files stream: a few chunks are decoded ahead and written through a
 * blocking output stream, so memory stays bounded. With `volume` 1 (the
 * default) WAV and FLAC samples reach the device unchanged (same integer
 * format); MP3 and Ogg Vorbis play as float32.
 *
 * Ctrl+C stops at once (exit code 130).
 *
 * @param file - Path of a WAV, FLAC, MP3 or Ogg Vorbis file.
 * @param options - See {@link PlayOptions}.
 * @param ctx - Where to write.
 * @throws FileError for a missing or unreadable file, RangeError for an
 *   unknown device, PortAudioError when PortAudio refuses (e.g. the rate).
 */
export async function runPlay(file: string, options: PlayOptions, ctx: CliContext): Promise<void> {
  const source = await openAudioFile(file);
  const info = queryDevices(options.device ?? undefined, 'output');
  const { map, channels } = _routing(source, info, options.mapping);
  const identity = map.length === source.channels && map.every((c, i) => c === i);
  const dtype: DType = options.volume === 1 ? source.dtype : 'float32';
  const convert = (chunk: Buffer): Buffer => (options.volume === 1 ? chunk : _scaled(chunk, source.dtype, options.volume));
  const srcFrameBytes = source.channels * SAMPLE_BYTES[dtype];
  const rate = source.sampleRate;

  // Decode up to `preload` seconds; if the file ends before, play it from memory.
  let chunks = source.chunks();
  const head: Buffer[] = [];
  let headFrames = 0;
  let ended = false;
  const limit = options.preload * rate;
  for (;;) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const c = convert(next.value);
    head.push(c);
    headFrames += c.length / srcFrameBytes;
    if (headFrames > limit) break;
  }
  const totalFrames = ended ? headFrames : source.frames;

  const streamOptions = { device: info.index, channels, dtype, sampleRate: rate, resample: options.resample ?? true };
  const stream = ended
    ? new RawBufferStream('output', streamOptions, { play: { bytes: Buffer.concat(head), channels: source.channels, map, loop: options.loop ?? false } }, 'output stream')
    : new RawOutputStream(streamOptions);

  let interrupted: NodeJS.Signals | undefined;
  const removeInterrupt = onInterrupt((signal) => {
    interrupted = signal;
    if (!stream.closed && stream.active) stream.abort();
  });
  let written = 0;
  const position = (): number => {
    const done = stream.closed ? written : stream.framesProcessed;
    return ended ? done : Math.min(done, written);
  };
  const showProgress = options.progress ?? isTty(ctx.io.stderr);
  const live = new LiveLines(ctx.io.stderr);
  const name = file.split(/[\\/]/).at(-1) ?? file;
  const draw = (): void => {
    const frames = position();
    const loop = options.loop && totalFrames ? Math.floor(frames / totalFrames) : 0;
    const at = totalFrames && options.loop ? frames % totalFrames : frames;
    const elapsed = formatTime(at / rate);
    const total = totalFrames ? formatTime(totalFrames / rate) : '?';
    const pct = totalFrames ? Math.min(100, Math.floor((100 * at) / totalFrames)) : 0;
    const left = `▶ ${elapsed} / ${total} `;
    const status = ` ${String(pct).padStart(3)}%${loop > 0 ? ` loop ${loop + 1}` : ''}`;
    // Widths in terminal columns: a CJK name takes two per character. The bar
    // keeps at least 10 cells; the name gets what is left, cut in the middle.
    const columns = columnsOf(ctx.io.stderr) - 1;
    const fixed = displayWidth(left) + displayWidth(status) + 2;
    const shown = truncate(name, columns - fixed - 10 - 2, 'middle');
    const right = shown === '' ? status : `${status}  ${shown}`;
    const width = Math.max(10, Math.min(40, columns - fixed - displayWidth(right) + displayWidth(status)));
    live.draw([`${left}[${bar(totalFrames ? at / totalFrames : 0, width)}]${right}`]);
  };
  const timer = showProgress ? setInterval(draw, PROGRESS_MS) : undefined;
  let underflows = 0;
  try {
    if (stream instanceof RawBufferStream) {
      written = totalFrames ?? 0;
      stream.start();
      await stream.finished;
    } else {
      const remap = (c: Buffer): Buffer => (identity ? c : remapFrames(c, source.channels, map, SAMPLE_BYTES[dtype], dtype === 'uint8' ? 0x80 : 0));
      const queue = head.splice(0);
      // Fill what the output ring takes before starting, so playback does not begin with an underflow.
      let first = remap(Buffer.concat(queue.splice(0)));
      const outFrameBytes = channels * SAMPLE_BYTES[dtype];
      const prefill = Math.min(first.length, stream.writeAvailable * outFrameBytes);
      if (prefill > 0) {
        await stream.write(first.subarray(0, prefill));
        written += prefill / outFrameBytes;
        first = first.subarray(prefill);
      }
      stream.start();
      const write = async (bytes: Buffer): Promise<void> => {
        if (bytes.length === 0) return;
        if (await stream.write(bytes)) underflows++;
        written += bytes.length / outFrameBytes;
      };
      try {
        await write(first);
        for (;;) {
          if (interrupted) break;
          const next = await chunks.next();
          if (next.done) {
            if (!options.loop) break;
            chunks = source.chunks();
            continue;
          }
          await write(remap(convert(next.value)));
        }
        if (!interrupted) stream.stop();
      } catch (e) {
        if (!interrupted) throw e;
      } finally {
        await chunks.return(undefined);
      }
    }
  } finally {
    removeInterrupt();
    if (timer) clearInterval(timer);
    if (showProgress) {
      draw();
      live.done();
    }
    const played = position();
    await stream.close();
    written = played;
  }
  const what = `'${file}' (${source.format}, ${plural(source.channels, 'channel')}, ${source.dtype}, ${rate} Hz${totalFrames ? `, ${formatTime(totalFrames / rate)}` : ''})`;
  if (underflows > 0) ctx.io.stderr.write(`Output underflowed ${plural(underflows, 'time')}: the decoder did not keep up and gaps of silence were played\n`);
  if (interrupted) {
    ctx.io.stderr.write(`Interrupted ${what} at ${formatTime(written / rate)} on ${describeDevice(info)}\n`);
    ctx.exitCode = EXIT_INTERRUPTED;
    return;
  }
  ctx.io.stdout.write(`Played ${what} on ${describeDevice(info)}\n`);
}

/**
 * Adds the `play` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addPlayCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('play')
    .description('play a WAV, FLAC, MP3 or Ogg Vorbis file, with a progress bar on a terminal')
    .argument('<file>', 'the audio file')
    .option('-d, --device <device>', 'output device: index or name substrings (default: the default output)', device)
    .option('--no-resample', "don't convert the sample rate when the device does not support it (it is an error then)")
    .option('-l, --loop', 'play the file over and over until Ctrl+C')
    .option('-m, --mapping <channels>', 'output channel (from 1) for each file channel, e.g. 2,1 (default: 1,2,…; a mono file plays on 1,2)', channelList('mapping'))
    .option('-v, --volume <gain>', 'multiply every sample by this (1 plays the samples unchanged)', nonNegativeNumber('volume'), 1)
    .option('--preload <seconds>', 'decode files up to this long whole before playing; longer ones stream', nonNegativeNumber('preload'), 60)
    .option('--no-progress', 'no progress bar (shown only when stderr is a terminal anyway)')
    .addHelpText(
      'after',
      '\nExamples:\n  sounddevice play music.flac\n  sounddevice play --device vfile_out --mapping 2,1 --volume 0.5 voice.wav\n  sounddevice play --loop loop.ogg\n',
    )
    .action((file: string, options: PlayOptions & { progress: boolean }) =>
      runPlay(file, { ...options, progress: options.progress === false ? false : undefined }, ctx),
    );
}
