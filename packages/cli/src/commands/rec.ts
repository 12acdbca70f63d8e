/** `sounddevice rec FILE`: record to a WAV or FLAC file until Ctrl+C or for a duration. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type DeviceInfo, RawBufferStream, RawInputStream, queryDevices } from '@sounddevice/raw';
import { SAMPLE_BYTES, LevelMeter, dbfs, toFloat32 } from '../audio/samples.js';
import type { WavSubtype } from '../audio/wav.js';
import { SUBTYPE_DTYPE } from '../audio/wav.js';
import { type AudioFileWriter, type FileFormat, checkSubtype, createWriter, formatFor } from '../audio/writers.js';
import { describeDevice, plural } from '../describe.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import { delay, onInterrupt } from '../interrupt.js';
import type { CliContext } from '../io.js';
import { device, positiveInteger, positiveNumber } from '../parse.js';
import { LiveLines, bar, columnsOf, displayWidth, formatTime, isTty } from '../tty.js';

/** Options of {@link runRec} (the command line's, parsed). */
export interface RecOptions {
  /**
   * Convert the sample rate when the device does not support the one asked
   * for (the library's `resample` option; default true here, `--no-resample`
   * turns it off and an unsupported rate is an error again).
   */
  resample?: boolean;
  /** Input device: index or name substrings (default: the default input). */
  device?: number | string;
  /** Input channels (default: 2, or 1 on a mono device). */
  channels?: number;
  /** Hz (default: the device's default rate). */
  samplerate?: number;
  /** Seconds; default: until Ctrl+C. */
  duration?: number;
  /** Sample format of the file (default PCM_16). */
  subtype: WavSubtype;
  /** `wav` or `flac` (default: from the file name). */
  format?: string;
  /** Show the level meter (default: when stderr is a terminal). */
  meter?: boolean;
}

/** Recordings with `--duration` up to this size are captured into memory by the audio thread. */
const BUFFER_LIMIT_BYTES = 256 * 1024 * 1024;
/** How often the streaming recorder moves input from the ring to the file. */
const POLL_MS = 20;
/** Latency asked for when streaming: the input ring then holds twice this (see @sounddevice/raw). */
const STREAM_LATENCY = 0.25;
/** How often the level meter is redrawn. */
const METER_MS = 100;

/** One line: elapsed time and a bar per channel (at most 4 shown), peak level since the last drawing. */
function _meterLine(seconds: number, meter: LevelMeter, width: number): string {
  const shown = Math.min(meter.channels, 4);
  const head = `● REC ${formatTime(seconds)} `;
  const each = Math.max(6, Math.floor((width - displayWidth(head) - 2) / shown) - 12);
  const parts: string[] = [];
  for (let c = 0; c < shown; c++) {
    const db = dbfs(meter.peak[c]!);
    const text = Number.isFinite(db) ? `${db.toFixed(1).padStart(5)} dB` : ' -inf dB';
    parts.push(`${c + 1}[${bar((db + 60) / 60, each)}]${text}`);
  }
  return head + parts.join(' ') + (meter.channels > shown ? ' …' : '');
}

/**
 * Records from an input device into a WAV or FLAC file.
 *
 * With `duration`, the recording (up to 256 MiB) is captured by the audio
 * thread straight into memory, the engine of `rec()`: exact even on a device
 * that delivers faster than real time; then the file is written. Without it
 * (or for longer ones) a blocking input stream is drained into the file
 * every 20 ms, with an input ring of half a second, so memory stays bounded
 * however long it runs. Ctrl+C (or SIGTERM) stops: whatever the device
 * delivered up to then is written and the file is finalized (WAV header
 * sizes, FLAC STREAMINFO), so it holds every recorded frame. Without
 * `duration` that is the normal end (exit code 0); cutting a `duration`
 * short exits with 130.
 *
 * @param file - Where to write (`.wav` or `.flac`, or see `format`).
 * @param options - See {@link RecOptions}.
 * @param ctx - Where to write messages.
 */
export async function runRec(file: string, options: RecOptions, ctx: CliContext): Promise<void> {
  const format = formatFor(file, options.format);
  checkSubtype(format, options.subtype);
  const info = queryDevices(options.device ?? undefined, 'input');
  const channels = options.channels ?? Math.min(2, info.maxInputChannels);
  const sampleRate = options.samplerate ?? info.defaultSampleRate;
  const dtype = SUBTYPE_DTYPE[options.subtype];
  const frameBytes = channels * SAMPLE_BYTES[dtype];
  const target = options.duration === undefined ? undefined : Math.round(options.duration * sampleRate);
  if (target !== undefined && target < 1) throw new RangeError(`duration must be at least one frame (1/${sampleRate} s), got ${options.duration}`);
  const buffered = target !== undefined && target * frameBytes <= BUFFER_LIMIT_BYTES;
  const streamOptions = { device: info.index, channels, dtype, sampleRate, resample: options.resample ?? true };

  // Open the stream before creating the file: a refused setting leaves no empty file behind.
  const rec = buffered ? Buffer.alloc(target * frameBytes) : undefined;
  const stream = rec
    ? new RawBufferStream('input', streamOptions, { rec: { bytes: rec, map: Array.from({ length: channels }, (_, i) => i) } }, 'input stream')
    : new RawInputStream({ ...streamOptions, latency: Math.max(STREAM_LATENCY, info.defaultHighInputLatency) });
  let writer: AudioFileWriter;
  try {
    writer = await createWriter({ path: file, format, subtype: options.subtype, channels, sampleRate: stream.sampleRate });
  } catch (e) {
    await stream.close();
    throw e;
  }

  let interrupted: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const removeInterrupt = onInterrupt((signal) => {
    interrupted = signal;
    wake?.();
  });
  const meter = new LevelMeter(channels);
  const showMeter = options.meter ?? isTty(ctx.io.stderr);
  const live = new LiveLines(ctx.io.stderr);
  let frames = 0;
  const draw = (): void => {
    if (rec) {
      // The audio thread fills `rec` in place: measure the latest block it wrote.
      const end = Math.min(stream.framesProcessed, target!);
      const from = Math.max(0, end - Math.round(sampleRate * (METER_MS / 1000)));
      meter.add(toFloat32(rec.subarray(from * frameBytes, end * frameBytes), dtype));
      frames = end;
    }
    live.draw([_meterLine(frames / sampleRate, meter, columnsOf(ctx.io.stderr))]);
    meter.reset();
  };
  const timer = showMeter ? setInterval(draw, METER_MS) : undefined;
  let overflows = 0;
  try {
    if (rec) {
      stream.start();
      await Promise.race([stream.finished, new Promise<void>((resolve) => (wake = resolve))]);
      if (interrupted && stream.active) stream.abort();
      frames = Math.min(stream.framesProcessed, target!);
      writer.write(rec.subarray(0, frames * frameBytes));
      // The host dropped input (a JACK xrun, an ALSA overrun): say so, as when streaming.
      if (stream.takeStatus().inputOverflow) overflows++;
    } else {
      const input = stream as RawInputStream;
      const drain = (): void => {
        let available = input.readAvailable;
        if (target !== undefined) available = Math.min(available, target - frames);
        if (available <= 0) return;
        const { data, overflowed } = input.readSync(available);
        if (overflowed) overflows++;
        if (showMeter) meter.add(toFloat32(data, dtype));
        writer.write(data);
        frames += available;
      };
      input.start();
      while (!interrupted && (target === undefined || frames < target)) {
        await Promise.race([delay(POLL_MS), new Promise<void>((resolve) => (wake = resolve))]);
        drain();
        if (!input.active && !interrupted) throw new Error('the input stream stopped unexpectedly');
      }
      // Stop the device, then take what is still in the ring: nothing recorded is dropped.
      input.stop();
      drain();
      if (input.takeStatus().inputOverflow) overflows++;
    }
  } finally {
    removeInterrupt();
    if (timer) clearInterval(timer);
    if (showMeter) {
      draw();
      live.done();
    }
    await stream.close();
    await writer.close();
  }
  if (overflows > 0) ctx.io.stderr.write(`Input overflowed ${plural(overflows, 'time')}: some input was lost before it could be written\n`);
  const what = `${plural(frames, 'frame')} (${formatTime(frames / sampleRate)}) to '${file}' (${_describeFormat(format, options.subtype)}, ${plural(channels, 'channel')}, ${stream.sampleRate} Hz) from ${describeDevice(info)}`;
  if (interrupted && target !== undefined && frames < target) {
    ctx.io.stderr.write(`Interrupted: recorded ${what}\n`);
    ctx.exitCode = EXIT_INTERRUPTED;
    return;
  }
  ctx.io.stdout.write(`Recorded ${what}\n`);
}

function _describeFormat(format: FileFormat, subtype: WavSubtype): string {
  return `${format} ${subtype}`;
}

/** Parses `--subtype`: `PCM_16`, `pcm16`, `int16`, `16` → `PCM_16`; `float`, `float32` → `FLOAT`. */
export function parseSubtype(value: string): WavSubtype {
  const v = value.trim().toUpperCase().replace(/[-_ ]/g, '');
  if (v === 'PCM16' || v === 'INT16' || v === '16') return 'PCM_16';
  if (v === 'PCM24' || v === 'INT24' || v === '24') return 'PCM_24';
  if (v === 'PCM32' || v === 'INT32' || v === '32') return 'PCM_32';
  if (v === 'FLOAT' || v === 'FLOAT32') return 'FLOAT';
  throw new InvalidArgumentError(`subtype must be PCM_16, PCM_24, PCM_32 or FLOAT, got '${value}'.`);
}

/**
 * Adds the `rec` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addRecCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('rec')
    .description('record to a WAV or FLAC file until Ctrl+C (or for --duration), with a level meter on a terminal')
    .argument('<file>', 'the file to write (.wav or .flac; overwritten if it exists)')
    .option('-d, --device <device>', 'input device: index or name substrings (default: the default input)', device)
    .option('--no-resample', "don't convert the sample rate when the device does not support it (it is an error then)")
    .option('-c, --channels <n>', 'input channels (default: 2, 1 on a mono device)', positiveInteger('channels'))
    .option('-r, --samplerate <hz>', "sample rate in Hz (default: the device's)", positiveNumber('samplerate'))
    .option('-t, --duration <seconds>', 'stop after this long (default: record until Ctrl+C)', positiveNumber('duration'))
    .addOption(
      new Option('--subtype <subtype>', 'sample format: PCM_16, PCM_24, PCM_32 (integers) or FLOAT (32-bit float); FLAC: PCM_16 or PCM_24')
        .argParser(parseSubtype)
        .default('PCM_16'),
    )
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['wav', 'flac']))
    .option('--no-meter', 'no level meter (shown only when stderr is a terminal anyway)')
    .addHelpText(
      'after',
      '\nExamples:\n  sounddevice rec take1.wav              # until Ctrl+C\n  sounddevice rec --duration 10 --channels 1 --subtype PCM_24 voice.flac\n',
    )
    .action((file: string, options: RecOptions & { meter: boolean }) =>
      runRec(file, { ...options, meter: options.meter === false ? false : undefined }, ctx),
    );
}
