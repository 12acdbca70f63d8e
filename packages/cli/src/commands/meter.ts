/** `sounddevice meter`: live per-channel peak and RMS levels of the input. */
import type { Command } from 'commander';
import { LevelMeter, dbfs } from '../audio/samples.js';
import { describeDevice, plural } from '../describe.js';
import type { CliContext } from '../io.js';
import { openInput, waitForStop } from '../monitor.js';
import { device, nonNegativeInteger, positiveInteger, positiveNumber } from '../parse.js';
import { LiveLines, columnsOf, isTty } from '../tty.js';

/** Options of {@link runMeter} (the command line's, parsed). */
export interface MeterOptions {
  device?: number | string;
  /** Input channels (default: 2, or 1 on a mono device). */
  channels?: number;
  samplerate?: number;
  blocksize: number;
  /** Milliseconds between updates (default 100 on a terminal, 1000 otherwise). */
  interval?: number;
  /** Stop after this many seconds (default: until Ctrl+C or q). */
  duration?: number;
}

/** The bars span this many dB below full scale. */
const RANGE_DB = 60;

const _db = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-inf').padStart(5);

/**
 * One channel's bar: `█` up to the RMS level, `▒` from there to the peak,
 * on a scale from -60 dBFS (empty) to 0 dBFS (full).
 */
export function meterBar(peak: number, rms: number, width: number): string {
  const cells = (level: number): number => {
    const db = dbfs(level);
    return Number.isFinite(db) ? Math.max(0, Math.min(width, Math.round(((db + RANGE_DB) / RANGE_DB) * width))) : 0;
  };
  const r = cells(rms);
  const p = Math.max(r, cells(peak));
  return '█'.repeat(r) + '▒'.repeat(p - r) + ' '.repeat(width - p);
}

/**
 * Shows the peak and RMS level of each input channel over the last
 * interval: on a terminal as bars redrawn in place, one line per channel
 * (`ch 1 [████▒▒   ] peak  -6.0 dB  RMS  -9.0 dB`); otherwise one text line
 * per interval. Runs until Ctrl+C or `q` (exit code 0) or `duration`.
 *
 * @param options - See {@link MeterOptions}.
 * @param ctx - Where to write (the display goes to stdout).
 */
export async function runMeter(options: MeterOptions, ctx: CliContext): Promise<void> {
  const out = ctx.io.stdout;
  const tty = isTty(out);
  let meter: LevelMeter | undefined;
  const { stream, info } = openInput({
    device: options.device,
    channels: options.channels,
    samplerate: options.samplerate,
    blocksize: options.blocksize,
    onBlock: (samples) => meter?.add(samples),
  });
  const channels = stream.channels as number;
  meter = new LevelMeter(channels);
  const m = meter;
  const live = new LiveLines(out);
  const draw = (): void => {
    if (tty) {
      const width = Math.max(10, columnsOf(out) - 40);
      const lines = [];
      for (let c = 0; c < channels; c++) {
        lines.push(`ch ${String(c + 1).padStart(2)} [${meterBar(m.peak[c]!, m.rms(c), width)}] peak ${_db(dbfs(m.peak[c]!))} dB  RMS ${_db(dbfs(m.rms(c)))} dB`);
      }
      live.draw(lines);
    } else {
      const parts = [];
      for (let c = 0; c < channels; c++) parts.push(`ch ${c + 1}: peak ${_db(dbfs(m.peak[c]!)).trim()} dB, RMS ${_db(dbfs(m.rms(c))).trim()} dB`);
      out.write(`${parts.join('; ')}\n`);
    }
    m.reset();
  };
  const interval = options.interval ?? (tty ? 100 : 1000);
  ctx.io.stderr.write(`Levels of ${describeDevice(info)} (${plural(channels, 'channel')}, ${stream.sampleRate} Hz, dBFS); press Ctrl+C or q to stop\n`);
  let timer: NodeJS.Timeout | undefined;
  try {
    stream.start();
    timer = setInterval(draw, interval);
    await waitForStop({ duration: options.duration, finished: stream.finished, onKey: () => {}, io: ctx.io });
  } finally {
    if (timer) clearInterval(timer);
    if (tty) live.done();
    await stream.close();
  }
}

/**
 * Adds the `meter` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addMeterCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('meter')
    .description('live peak and RMS level bars of each input channel, until Ctrl+C or q')
    .option('-d, --device <device>', 'input device: index or name substrings (default: the default input)', device)
    .option('-c, --channels <n>', 'input channels (default: 2, 1 on a mono device)', positiveInteger('channels'))
    .option('-r, --samplerate <hz>', "sample rate in Hz (default: the device's)", positiveNumber('samplerate'))
    .option('-b, --blocksize <frames>', 'frames per block (0: PortAudio chooses)', nonNegativeInteger('blocksize'), 0)
    .option('-i, --interval <ms>', 'milliseconds between updates (default: 100 on a terminal, 1000 otherwise)', positiveNumber('interval'))
    .option('-t, --duration <seconds>', 'stop after this long (default: until Ctrl+C)', positiveNumber('duration'))
    .addHelpText('after', '\nExamples:\n  sounddevice meter\n  sounddevice meter --device system --channels 2 --interval 50\n')
    .action((options: MeterOptions) => runMeter(options, ctx));
}
