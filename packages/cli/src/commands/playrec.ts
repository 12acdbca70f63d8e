/** `sounddevice playrec IN OUT`: play a file and record at the same time, sample-aligned. */
import { type Command, Option } from 'commander';
import { RawBufferStream, queryDevices } from '@sounddevice/raw';
import { openAudioFile } from '../audio/sources.js';
import { SAMPLE_BYTES } from '../audio/samples.js';
import { SUBTYPE_DTYPE, type WavSubtype } from '../audio/wav.js';
import { checkSubtype, createWriter, formatFor } from '../audio/writers.js';
import { describeDevice, plural } from '../describe.js';
import { EXIT_INTERRUPTED, UsageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import type { CliContext } from '../io.js';
import { channelList, devicePair, positiveInteger } from '../parse.js';
import { formatTime } from '../tty.js';
import { parseSubtype } from './rec.js';

/** Options of {@link runPlayrec} (the command line's, parsed). */
export interface PlayrecOptions {
  /**
   * Convert the sample rate when the device does not support the one asked
   * for (the library's `resample` option; default true here, `--no-resample`
   * turns it off and an unsupported rate is an error again).
   */
  resample?: boolean;
  /** `[input, output]` devices (default: the defaults). */
  device?: [number | string, number | string];
  /** Channels to record (default: as many as IN has, at most the device's). */
  channels?: number;
  /** 1-based device input channels to record (default 1…channels). */
  inputMapping?: number[];
  /** 1-based device output channel for each channel of IN (default 1…). */
  outputMapping?: number[];
  /** Sample format of OUT (default PCM_16). */
  subtype: WavSubtype;
  /** `wav` or `flac` (default: from OUT's name). */
  format?: string;
}

/**
 * Plays IN and records OUT on one full-duplex stream, both on the audio
 * thread (Python's `playrec()`): recorded frame `i` is captured in the same
 * callback as played frame `i` goes out, so OUT is aligned with IN up to the
 * device's round-trip latency, and OUT has as many frames as IN. IN is
 * decoded whole first (it must fit in memory); OUT is written when the
 * stream ends. Ctrl+C stops early and keeps what was recorded (exit 130).
 *
 * @param input - The file to play (WAV, FLAC, MP3, Ogg Vorbis).
 * @param output - The file to write (.wav or .flac).
 * @param options - See {@link PlayrecOptions}.
 * @param ctx - Where to write messages.
 */
export async function runPlayrec(input: string, output: string, options: PlayrecOptions, ctx: CliContext): Promise<void> {
  const format = formatFor(output, options.format);
  checkSubtype(format, options.subtype);
  const source = await openAudioFile(input);
  const inInfo = queryDevices(options.device?.[0] ?? undefined, 'input');
  const outInfo = queryDevices(options.device?.[1] ?? undefined, 'output');

  const outMapping = options.outputMapping ?? Array.from({ length: source.channels }, (_, i) => i + 1);
  if (outMapping.length !== source.channels) {
    throw new UsageError(`output mapping lists ${plural(outMapping.length, 'channel')}, but '${input}' has ${source.channels}`);
  }
  const outChannels = Math.max(...outMapping);
  const playMap = new Array<number>(outChannels).fill(-1);
  outMapping.forEach((ch, i) => (playMap[ch - 1] = i));

  const recChannels = options.inputMapping?.length ?? options.channels ?? Math.min(source.channels, inInfo.maxInputChannels);
  const inMapping = options.inputMapping ?? Array.from({ length: recChannels }, (_, i) => i + 1);
  if (options.channels !== undefined && options.inputMapping !== undefined && options.channels !== inMapping.length) {
    throw new UsageError(`channels (${options.channels}) must equal the number of channels in the input mapping (${inMapping.length})`);
  }
  const inChannels = Math.max(...inMapping);

  const chunks: Buffer[] = [];
  for await (const chunk of source.chunks()) chunks.push(chunk);
  const play = Buffer.concat(chunks);
  const frames = play.length / (source.channels * SAMPLE_BYTES[source.dtype]);
  const recDtype = SUBTYPE_DTYPE[options.subtype];
  const recFrameBytes = inMapping.length * SAMPLE_BYTES[recDtype];
  const rec = Buffer.alloc(frames * recFrameBytes);

  const stream = new RawBufferStream(
    'duplex',
    {
      device: [inInfo.index, outInfo.index],
      channels: [inChannels, outChannels],
      dtype: [recDtype, source.dtype],
      sampleRate: source.sampleRate,
      resample: options.resample ?? true,
    },
    { play: { bytes: play, channels: source.channels, map: playMap, loop: false }, rec: { bytes: rec, map: inMapping.map((c) => c - 1) } },
    'stream',
  );
  let interrupted: NodeJS.Signals | undefined;
  const removeInterrupt = onInterrupt((signal) => {
    interrupted = signal;
    if (!stream.closed && stream.active) stream.abort();
  });
  let recorded = 0;
  try {
    stream.start();
    await stream.finished;
    recorded = Math.min(stream.framesProcessed, frames);
  } finally {
    removeInterrupt();
    await stream.close();
  }
  const writer = await createWriter({ path: output, format, subtype: options.subtype, channels: inMapping.length, sampleRate: source.sampleRate });
  writer.write(rec.subarray(0, recorded * recFrameBytes));
  await writer.close();
  const what =
    `'${input}' on ${describeDevice(outInfo)} and recorded ${plural(recorded, 'frame')} (${formatTime(recorded / source.sampleRate)}, ` +
    `${plural(inMapping.length, 'channel')}) from ${describeDevice(inInfo)} to '${output}' (${format} ${options.subtype}, ${source.sampleRate} Hz)`;
  if (interrupted) {
    ctx.io.stderr.write(`Interrupted: played ${what}\n`);
    ctx.exitCode = EXIT_INTERRUPTED;
    return;
  }
  ctx.io.stdout.write(`Played ${what}\n`);
}

/**
 * Adds the `playrec` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addPlayrecCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('playrec')
    .description('play a file and record another at the same time, sample-aligned (like playrec())')
    .argument('<in>', 'the file to play (WAV, FLAC, MP3, Ogg Vorbis)')
    .argument('<out>', 'the file to record (.wav or .flac), as long as IN')
    .option('-d, --device <device>', 'one device for both, or IN,OUT: indexes or name substrings (default: the defaults)', devicePair)
    .option('--no-resample', "don't convert the sample rate when the device does not support it (it is an error then)")
    .option('-c, --channels <n>', "channels to record (default: IN's, at most the device's)", positiveInteger('channels'))
    .option('--input-mapping <channels>', 'device input channels (from 1) to record, e.g. 2,1', channelList('input mapping'))
    .option('--output-mapping <channels>', 'device output channel (from 1) for each channel of IN', channelList('output mapping'))
    .addOption(new Option('--subtype <subtype>', "OUT's sample format: PCM_16, PCM_24, PCM_32 or FLOAT").argParser(parseSubtype).default('PCM_16'))
    .addOption(new Option('--format <format>', "OUT's format (default: from its extension)").choices(['wav', 'flac']))
    .addHelpText('after', '\nExamples:\n  sounddevice playrec sweep.wav response.wav\n  sounddevice playrec --device vfile_in,vfile_out --channels 1 in.flac out.wav\n')
    .action((inFile: string, outFile: string, options: PlayrecOptions) => runPlayrec(inFile, outFile, options, ctx));
}
