/**
 * plot-input: the live input signal(s), drawn in the terminal.
 *
 * The TypeScript version of Python's plot_input.py, which draws with
 * matplotlib; this one draws with text and ANSI colours. The stream's
 * callback keeps every Nth sample of the chosen channels in a ring the
 * length of the visible window; a timer redraws the window, oldest sample on
 * the left, newest on the right. Each column of the plot shows the range of
 * the samples that fall into it.
 *
 *   pnpm --filter @sounddevice/examples run plot-input [CHANNEL ...] [-d DEVICE] [-w MS] [-n N] ...
 */
import * as sd from '@sounddevice/numeric';
import { Command, Option } from 'commander';
import { errorLine, exit, float, int, intOrStr, parseArgs, usageError } from './lib/cli.js';
import { onKeys } from './lib/terminal.js';

const program = parseArgs(
  new Command('plot-input')
    .description('Plot the live input signal(s) in the terminal (q or Enter quits).')
    .option('-l, --list-devices', 'show the list of audio devices and exit')
    .addOption(new Option('-d, --device <DEVICE>', 'input device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-w, --window <DURATION>', 'visible time slot in ms').argParser(float).default(200))
    .addOption(new Option('-i, --interval <MS>', 'minimum time between plot updates in ms').argParser(float).default(30))
    .addOption(new Option('-b, --blocksize <N>', 'block size (in samples)').argParser(int))
    .addOption(new Option('-r, --samplerate <RATE>', 'sampling rate of the audio device').argParser(float))
    .addOption(new Option('-n, --downsample <N>', 'display every Nth sample').argParser(int).default(10))
    .argument('[CHANNEL...]', 'input channels to plot (default: the first)', (value: string, previous: number[] = []) => [...previous, int(value)]),
);
const args = program.opts<{
  listDevices?: boolean;
  device?: number | string;
  window: number;
  interval: number;
  blocksize?: number;
  samplerate?: number;
  downsample: number;
}>();
const given = program.processedArgs[0] as number[] | undefined;
const channels = given !== undefined && given.length > 0 ? given : [1];
if (channels.some((c) => c < 1)) usageError(program, 'argument CHANNEL: must be >= 1');
if (args.downsample < 1) usageError(program, 'downsample must be at least 1');
if (!(args.window > 0)) usageError(program, 'window must be positive');

if (args.listDevices) {
  console.log(sd.queryDevices().toString());
  process.exit(0);
}

// Colours of the channels (ANSI foreground codes), as matplotlib's first lines.
const COLOURS = [34, 33, 32, 31, 35, 36, 94, 93];
const colour = (i: number): number => COLOURS[i % COLOURS.length]!;
const out = process.stdout;
let restoreKeys: (() => void) | undefined;
let stream: sd.InputStream | undefined;

/** 1st, 2nd, 3rd, 4th, ... */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** Leaves the terminal as it was and exits. */
function quit(message?: string, code = 0): never {
  restoreKeys?.();
  stream?.abort();
  out.write('\x1b[0m\x1b[?25h\x1b[?1049l'); // attributes off, cursor back, main screen back
  if (message !== undefined) exit(message, code);
  process.exit(code);
}

try {
  const sampleRate = args.samplerate ?? sd.queryDevices(args.device ?? null, 'input').defaultSampleRate;
  const length = Math.max(2, Math.floor((args.window * sampleRate) / (1000 * args.downsample)));
  // The plotted samples: one ring per channel, `head` is where the next sample goes.
  const plotdata = channels.map(() => new Float32Array(length));
  let head = 0;
  let phase = 0; // samples until the next one kept (every Nth, across blocks)
  let lastStatus = '';
  const mapping = channels.map((c) => c - 1); // channel numbers start at 1

  stream = new sd.InputStream({
    device: args.device,
    channels: Math.max(...channels),
    sampleRate,
    blockSize: args.blocksize,
    callback(indata, frames, _time, status) {
      if (status.any) lastStatus = status.toString();
      const data = indata.data;
      const stride = indata.shape[1]!;
      for (let i = phase; i < frames; i += args.downsample) {
        for (let k = 0; k < mapping.length; k++) plotdata[k]![head] = data[i * stride + mapping[k]!]!;
        head = (head + 1) % length;
      }
      phase = (phase - frames) % args.downsample;
      if (phase < 0) phase += args.downsample;
    },
  });

  /** Draws the whole screen: a title line, the plot, a status line. */
  const draw = (): void => {
    const width = Math.max(10, out.columns || 80);
    const height = Math.max(5, (out.rows || 24) - 2);
    const rowOf = (v: number): number => Math.round(((1 - Math.max(-1, Math.min(1, v))) / 2) * (height - 1));
    const zero = rowOf(0);
    const cells: string[][] = Array.from({ length: height }, (_, row) =>
      Array.from({ length: width }, () => (row === zero ? '\x1b[90m─' : ' ')),
    );
    for (let k = 0; k < plotdata.length; k++) {
      const ring = plotdata[k]!;
      for (let x = 0; x < width; x++) {
        // The samples of column x, oldest column first.
        const from = Math.floor((x * length) / width);
        const to = Math.max(from + 1, Math.floor(((x + 1) * length) / width));
        let lo = Infinity;
        let hi = -Infinity;
        for (let j = from; j < to; j++) {
          const v = ring[(head + j) % length]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        for (let row = rowOf(hi); row <= rowOf(lo); row++) cells[row]![x] = `\x1b[${colour(k)}m█`;
      }
    }
    const legend = channels.map((c, k) => `\x1b[${colour(k)}m■\x1b[0m channel ${c}`).join('  ');
    const title = ` ${legend}   ${args.window} ms at ${sampleRate} Hz, every ${args.downsample === 1 ? '' : ordinal(args.downsample) + ' '}sample   q: quit`;
    const status = lastStatus ? ` ${lastStatus}` : '';
    lastStatus = '';
    let frame = `\x1b[H${title}\x1b[0m\x1b[K\r\n`;
    for (const row of cells) frame += row.join('') + '\x1b[0m\x1b[K\r\n';
    frame += `\x1b[33m${status}\x1b[0m\x1b[K`;
    out.write(frame);
  };

  out.write('\x1b[?1049h\x1b[?25l\x1b[2J'); // alternate screen, no cursor, cleared
  restoreKeys = onKeys(({ key, line }) => {
    if (key === '\x03') quit('\nInterrupted by user', 1);
    if (key === 'q' || key === 'Q' || key === '\r' || key === '\n' || line === '' || line === 'q') quit();
  });
  process.once('SIGINT', () => quit('\nInterrupted by user', 1));
  stream.start();
  draw();
  setInterval(draw, args.interval);
} catch (e) {
  quit(errorLine(e), 1);
}
