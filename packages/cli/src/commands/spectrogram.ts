/** `sounddevice spectrogram`: a text-mode spectrogram of the input (Python's spectrogram.py). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { queryDevices } from '@sounddevice/raw';
import { describeDevice } from '../describe.js';
import type { CliContext } from '../io.js';
import { openInput, waitForStop } from '../monitor.js';
import { device, positiveInteger, positiveNumber } from '../parse.js';
import { type Colors, colorEnabled, colorsFor } from '../color.js';
import { columnsOf } from '../tty.js';

/** Options of {@link runSpectrogram} (the command line's, parsed). */
export interface SpectrogramOptions {
  device?: number | string;
  /** Milliseconds of input per line (default 50). */
  blockDuration: number;
  /** Width in characters (default: the terminal's). */
  columns?: number;
  /** Initial gain factor (default 10); `+` doubles it, `-` halves it. */
  gain: number;
  /** `[low, high]` Hz (default 100 2000). */
  range: [number, number];
  /** Stop after this many seconds (default: until Ctrl+C, q or Enter). */
  duration?: number;
}

/**
 * The 30 colour/character steps from silence to loud: pairs of ANSI colours
 * (black, blue, magenta, bright red, bright yellow, bright white) blended
 * with the characters ` :#` and `#%:` (Mauris Van Hauwe's gradient, as in
 * Python's example), each cell a foreground and a background colour.
 *
 * @param c - Colour functions; with colour off, see {@link MONO_GRADIENT}.
 */
export function colorGradient(c: Colors): string[] {
  const fg = [c.black, c.blue, c.magenta, c.redBright, c.yellowBright, c.whiteBright];
  const bgs = [c.bgBlack, c.bgBlue, c.bgMagenta, c.bgRedBright, c.bgYellowBright, c.bgWhiteBright];
  const chars = ' :#\t#%:';
  const out: string[] = [];
  for (let i = 0; i + 1 < fg.length; i++) {
    let [b, f] = [i, i + 1];
    for (const ch of chars) {
      if (ch === '\t') [b, f] = [f, b];
      else out.push(fg[f]!(bgs[b]!(ch)));
    }
  }
  return out;
}

/**
 * The steps without colour (output into a pipe or a file, `NO_COLOR`): ten
 * characters of increasing density.
 */
export const MONO_GRADIENT: readonly string[] = [...' .:-=+*#%@'];

/** `text` centred in a line of `width` `#` characters (Python's `str.center`). */
function _center(text: string, width: number): string {
  if (text.length >= width) return text;
  const total = width - text.length;
  const left = Math.floor(total / 2) + (total % 2 === 1 && width % 2 === 1 ? 1 : 0);
  return '#'.repeat(left) + text + '#'.repeat(total - left);
}

/**
 * Magnitudes of bins `low…low+count-1` of the `n`-point real DFT of `x`
 * (zero-padded or cut to `n`, as numpy's `rfft(x, n)`): a direct sum over
 * only the bins shown, cheap for a terminal's width.
 */
export class BinDft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(
    readonly n: number,
    readonly low: number,
    readonly count: number,
  ) {
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / n);
      this.sin[i] = Math.sin((2 * Math.PI * i) / n);
    }
  }

  /** |X[k]| for the bins, from every `stride`-th sample of `x` starting at `offset`. */
  magnitudes(x: ArrayLike<number>, stride = 1, offset = 0, out = new Float64Array(this.count)): Float64Array {
    const len = Math.min(Math.floor((x.length - offset + stride - 1) / stride), this.n);
    for (let b = 0; b < this.count; b++) {
      const k = (this.low + b) % this.n;
      let re = 0;
      let im = 0;
      let idx = 0;
      for (let t = 0; t < len; t++) {
        const v = x[offset + t * stride]!;
        re += v * this.cos[idx]!;
        im -= v * this.sin[idx]!;
        idx += k;
        if (idx >= this.n) idx -= this.n;
      }
      out[b] = Math.hypot(re, im);
    }
    return out;
  }
}

/**
 * Prints one line per block of input: each character is one frequency bin
 * between `range[0]` and `range[1]` Hz, its colour and character the bin's
 * magnitude × gain / fftsize on {@link colorGradient} (on a terminal) or
 * {@link MONO_GRADIENT} (colour off: a pipe, a file, `NO_COLOR`; see `colorEnabled`). Keys on a terminal: `+`
 * doubles the gain, `-` halves it (a `gain` line says so), `q`, Enter or
 * Ctrl+C quits (exit code 0).
 *
 * @param options - See {@link SpectrogramOptions}.
 * @param ctx - Where to write (the spectrogram goes to stdout).
 */
export async function runSpectrogram(options: SpectrogramOptions, ctx: CliContext): Promise<void> {
  const [low, high] = options.range;
  if (high <= low) throw new RangeError(`range: HIGH must be greater than LOW, got ${low} ${high}`);
  const columns = options.columns ?? columnsOf(ctx.io.stdout);
  if (columns < 2) throw new RangeError(`columns must be at least 2, got ${columns}`);
  const info = queryDevices(options.device ?? undefined, 'input');
  const sampleRate = info.defaultSampleRate;
  const deltaF = (high - low) / (columns - 1);
  const fftsize = Math.ceil(sampleRate / deltaF);
  const lowBin = Math.floor(low / deltaF);
  const dft = new BinDft(fftsize, lowBin, columns);
  const out = ctx.io.stdout;
  const env = ctx.io.env ?? process.env;
  const c = colorsFor(out, env);
  const gradient = colorEnabled(out, env) ? colorGradient(c) : MONO_GRADIENT;
  let gain = options.gain;
  const magnitudes = new Float64Array(columns);
  const { stream } = openInput({
    device: info.index,
    channels: 1,
    samplerate: sampleRate,
    blocksize: Math.floor((sampleRate * options.blockDuration) / 1000),
    onBlock: (samples) => {
      if (!samples.some((v) => v !== 0)) {
        out.write('no input\n');
        return;
      }
      dft.magnitudes(samples, 1, 0, magnitudes);
      const scale = gain / fftsize;
      let line = '';
      for (let b = 0; b < columns; b++) {
        const x = Math.max(0, Math.min(1, magnitudes[b]! * scale));
        line += gradient[Math.floor(x * (gradient.length - 1))];
      }
      out.write(`${line}\n`);
    },
  });
  const usage = ' press q, Enter or Ctrl+C to quit, + or - to change the gain ';
  ctx.io.stderr.write(
    `Spectrogram of ${describeDevice(info)}, ${low}–${high} Hz in ${columns} columns (${deltaF.toFixed(2)} Hz each), ${options.blockDuration} ms per line\n`,
  );
  out.write(`${c.red(c.bgBlack(_center(usage, columns)))}\n`);
  try {
    stream.start();
    await waitForStop({
      duration: options.duration,
      finished: stream.finished,
      io: ctx.io,
      onKey: (key) => {
        if (key === '+' || key === '-') {
          gain = key === '+' ? gain * 2 : gain / 2;
          out.write(`${c.blue(c.bgBlack(_center(` gain ${Number(gain.toPrecision(6))} `, columns)))}\n`);
        } else {
          out.write(`${c.red(c.bgBlack(_center(usage, columns)))}\n`);
        }
      },
    });
  } finally {
    await stream.close();
  }
}

function _range(value: string, previous: [number, number] | undefined): [number, number] {
  const parts = value.split(/[\s,]+/).filter((p) => p !== '').map(Number);
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new InvalidArgumentError(`range must be LOW,HIGH in Hz (e.g. 100,2000), got '${value}'.`);
  }
  void previous;
  return [parts[0]!, parts[1]!];
}

/**
 * Adds the `spectrogram` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addSpectrogramCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('spectrogram')
    .description('a text-mode spectrogram of the input in ANSI colours; + and - change the gain')
    .option('-d, --device <device>', 'input device: index or name substrings (default: the default input)', device)
    .option('-b, --block-duration <ms>', 'milliseconds of input per line', positiveNumber('block duration'), 50)
    .option('-c, --columns <n>', "width in characters (default: the terminal's)", positiveInteger('columns'))
    .option('-g, --gain <factor>', 'initial gain factor', positiveNumber('gain'), 10)
    .option('-r, --range <low,high>', 'frequency range in Hz', _range, [100, 2000] as [number, number])
    .option('-t, --duration <seconds>', 'stop after this long (default: until q, Enter or Ctrl+C)', positiveNumber('duration'))
    .addHelpText('after', '\nExamples:\n  sounddevice spectrogram\n  sounddevice spectrogram --range 50,8000 --gain 40 --device system\n')
    .action((options: SpectrogramOptions) => runSpectrogram(options, ctx));
}
