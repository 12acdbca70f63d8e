/**
 * spectrogram: a text-mode spectrogram of the live input.
 *
 * The TypeScript version of Python's spectrogram.py. Each block of input
 * becomes one line: the magnitude of its spectrum between LOW and HIGH Hz,
 * one character per frequency, drawn with ANSI colours from dark to bright.
 * `+` and `-` double and halve the gain (keys in a terminal; lines such as
 * `+<Enter>` otherwise), q or Enter quits.
 *
 * Python computes the spectrum with NumPy's FFT; here only the few bins that
 * are shown are needed, so they are computed directly (a DFT of those bins
 * with a table of sines).
 *
 *   pnpm --filter @sounddevice/examples run spectrogram [-d DEVICE] [-b MS] [-c COLUMNS] [-g GAIN] [-r LOW HIGH]
 */
import * as sd from '@sounddevice/numeric';
import { Command, InvalidArgumentError, Option } from 'commander';
import { errorLine, exit, float, intOrStr, int, parseArgs, usageError } from './lib/cli.js';
import { center, onKeys } from './lib/terminal.js';

const program = parseArgs(
  new Command('spectrogram')
    .description('Show a text-mode spectrogram of the live input signal.')
    .option('-l, --list-devices', 'show the list of audio devices and exit')
    .addOption(new Option('-b, --block-duration <DURATION>', 'block size in milliseconds').argParser(float).default(50))
    .addOption(new Option('-c, --columns <N>', 'width of the spectrogram (default: the terminal\'s)').argParser(int))
    .addOption(new Option('-d, --device <DEVICE>', 'input device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-g, --gain <GAIN>', 'initial gain factor').argParser(float).default(10))
    .addOption(
      new Option('-r, --range <LOW HIGH...>', 'frequency range in Hz (default: 100 2000)').argParser((value: string, previous?: number[]) => {
        const list = [...(previous ?? []), float(value)];
        if (list.length > 2) throw new InvalidArgumentError('give two frequencies, LOW and HIGH.');
        return list;
      }),
    ),
);
const args = program.opts<{
  listDevices?: boolean;
  blockDuration: number;
  columns?: number;
  device?: number | string;
  gain: number;
  range?: number[];
}>();
const [low, high] = (args.range ?? [100, 2000]) as [number, number];
if (args.range !== undefined && args.range.length !== 2) usageError(program, 'option -r/--range takes two frequencies, LOW and HIGH');
if (high <= low) usageError(program, 'HIGH must be greater than LOW');
const columns = args.columns ?? (process.stdout.columns || 80);
if (columns < 2) usageError(program, 'columns must be at least 2');
if (!(args.blockDuration > 0)) usageError(program, 'block duration must be positive');

if (args.listDevices) {
  console.log(sd.queryDevices().toString());
  process.exit(0);
}

/**
 * The colour scale, dark to bright: between each two neighbouring colours,
 * cells from all background to all foreground (shade characters).
 */
const COLOURS = [30, 34, 35, 91, 93, 97];
const gradient: string[] = [];
for (let i = 0; i + 1 < COLOURS.length; i++) {
  const [back, front] = [COLOURS[i]!, COLOURS[i + 1]!];
  for (const shade of [' ', '░', '▒', '▓']) gradient.push(`\x1b[${front};${back + 10}m${shade}`);
}
gradient.push(`\x1b[${COLOURS.at(-1)!};${COLOURS.at(-1)! + 10}m█`);

const USAGE = ' press q or <Enter> to quit, + or - to change the gain ';
let gain = args.gain;
const say = (colours: string, text: string): void => {
  process.stdout.write(`\x1b[${colours}m${center(text, columns, '#')}\x1b[0m\n`);
};

let stream: sd.InputStream | undefined;
let restoreKeys: (() => void) | undefined;
function quit(message?: string, code = 0): never {
  restoreKeys?.();
  stream?.abort();
  if (message !== undefined) exit(message, code);
  process.exit(code);
}

try {
  const sampleRate = sd.queryDevices(args.device ?? null, 'input').defaultSampleRate;
  const deltaF = (high - low) / (columns - 1);
  const fftSize = Math.ceil(sampleRate / deltaF);
  const lowBin = Math.floor(low / deltaF);
  // cos/sin of 2πm/fftSize: bin k of sample t uses entry (k·t) mod fftSize.
  const cos = Float64Array.from({ length: fftSize }, (_, m) => Math.cos((2 * Math.PI * m) / fftSize));
  const sin = Float64Array.from({ length: fftSize }, (_, m) => Math.sin((2 * Math.PI * m) / fftSize));
  const magnitude = new Float64Array(columns);

  /** |X_k| of the first `fftSize` samples (zero-padded), for the bins shown. */
  const spectrum = (x: Float32Array, length: number): void => {
    const n = Math.min(length, fftSize);
    for (let c = 0; c < columns; c++) {
      const k = lowBin + c;
      let re = 0;
      let im = 0;
      for (let t = 0, m = 0; t < n; t++, m = (m + k) % fftSize) {
        re += x[t]! * cos[m]!;
        im -= x[t]! * sin[m]!;
      }
      magnitude[c] = Math.hypot(re, im);
    }
  };

  stream = new sd.InputStream({
    device: args.device,
    channels: 1,
    dtype: 'float32',
    sampleRate,
    blockSize: Math.floor((sampleRate * args.blockDuration) / 1000),
    callback(indata, frames, _time, status) {
      if (status.any) say('34;40', ` ${status.toString()} `);
      const x = indata.data as Float32Array;
      if (!x.subarray(0, frames).some((v) => v !== 0)) {
        process.stdout.write('no input\n');
        return;
      }
      spectrum(x, frames);
      let line = '';
      for (let c = 0; c < columns; c++) {
        const level = Math.max(0, Math.min(1, (magnitude[c]! * gain) / fftSize));
        line += gradient[Math.floor(level * (gradient.length - 1))];
      }
      process.stdout.write(line + '\x1b[0m\n');
    },
  });

  const change = (factor: number): void => {
    gain *= factor;
    say('30;43', ` gain ${Number(gain.toPrecision(6))} `);
  };
  restoreKeys = onKeys(({ key, line }) => {
    if (key !== undefined) {
      if (key === '\x03') quit('Interrupted by user', 1);
      else if (key === 'q' || key === 'Q' || key === '\r' || key === '\n') quit();
      else if (key === '+') change(2);
      else if (key === '-') change(0.5);
      else say('31;40', USAGE);
      return;
    }
    // Not a terminal: whole lines, as Python reads them.
    if (line === '' || line === 'q' || line === 'Q') quit();
    for (const ch of line ?? '') {
      if (ch === '+') change(2);
      else if (ch === '-') change(0.5);
      else {
        say('31;40', USAGE);
        break;
      }
    }
  });
  process.once('SIGINT', () => quit('Interrupted by user', 1));
  say('37;44', ` ${low}-${high} Hz, ${columns} columns, gain ${gain}: ${USAGE.trim()} `);
  stream.start();
} catch (e) {
  quit(errorLine(e), 1);
}
