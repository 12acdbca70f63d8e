/** `sounddevice plot`: the live input waveform in the terminal, or in a browser with `--web`. */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { describeDevice, plural } from '../describe.js';
import type { CliContext } from '../io.js';
import { openInput, waitForStop } from '../monitor.js';
import { channelList, device, nonNegativeInteger, positiveInteger, positiveNumber } from '../parse.js';
import { PLOT_PAGE } from '../plot-page.js';
import { LiveLines, columnsOf, isTty, rowsOf } from '../tty.js';

/** Options of {@link runPlot} (the command line's, parsed). */
export interface PlotOptions {
  device?: number | string;
  /** 1-based input channels to plot (default 1). */
  channels: number[];
  /** Milliseconds of input shown (default 200). */
  window: number;
  /** Milliseconds between redraws (default 30). */
  interval: number;
  blocksize: number;
  samplerate?: number;
  /** Keep every n-th sample (default 10). */
  downsample: number;
  /** Serve the plot on http://127.0.0.1:PORT/ instead of drawing in the terminal. */
  web?: boolean;
  /** Port for `--web` (default 0: a free port, printed). */
  port: number;
  /** Stop after this many seconds (default: until Ctrl+C or q). */
  duration?: number;
}

/**
 * The last `length` (downsampled) samples of each plotted channel, oldest
 * first: Python's `plotdata`, shifted as blocks arrive.
 */
class PlotData {
  readonly data: Float32Array[];
  private _phase = 0;

  constructor(
    readonly channels: number,
    readonly length: number,
    readonly downsample: number,
  ) {
    this.data = Array.from({ length: channels }, () => new Float32Array(length));
  }

  /**
   * Adds a block: every `downsample`-th frame (counted across blocks), channel
   * `map[i]` of the interleaved input going to plotted channel `i`.
   */
  add(samples: Float32Array, frames: number, inputChannels: number, map: readonly number[]): void {
    const picked: number[] = [];
    let f = (this.downsample - this._phase) % this.downsample;
    for (; f < frames; f += this.downsample) picked.push(f);
    this._phase = (this._phase + frames) % this.downsample;
    const n = Math.min(picked.length, this.length);
    if (n === 0) return;
    for (let c = 0; c < this.channels; c++) {
      const d = this.data[c]!;
      d.copyWithin(0, n);
      for (let i = 0; i < n; i++) d[this.length - n + i] = samples[picked[picked.length - n + i]! * inputChannels + map[c]!]!;
    }
  }
}

/**
 * Draws `samples` (-1…1) as a line on a braille canvas `width` × `height`
 * characters (each 2 × 4 dots), consecutive points joined vertically.
 */
export function brailleLines(samples: ArrayLike<number>, width: number, height: number): string[] {
  const dotsX = width * 2;
  const dotsY = height * 4;
  const cells = new Uint8Array(width * height);
  const bits = [
    [0x01, 0x08],
    [0x02, 0x10],
    [0x04, 0x20],
    [0x40, 0x80],
  ];
  const set = (x: number, y: number): void => {
    const cell = Math.floor(y / 4) * width + Math.floor(x / 2);
    cells[cell]! |= bits[y % 4]![x % 2]!;
  };
  const yOf = (v: number): number => Math.max(0, Math.min(dotsY - 1, Math.round(((1 - Math.max(-1, Math.min(1, v))) / 2) * (dotsY - 1))));
  let prev: number | undefined;
  for (let x = 0; x < dotsX; x++) {
    const i = samples.length <= 1 ? 0 : Math.round((x / (dotsX - 1)) * (samples.length - 1));
    const y = yOf(samples[i] ?? 0);
    const from = prev === undefined ? y : Math.min(prev, y);
    const to = prev === undefined ? y : Math.max(prev, y);
    for (let yy = from; yy <= to; yy++) set(x, yy);
    prev = y;
  }
  const lines: string[] = [];
  for (let r = 0; r < height; r++) {
    let line = '';
    for (let c = 0; c < width; c++) line += String.fromCodePoint(0x2800 + cells[r * width + c]!);
    lines.push(line);
  }
  return lines;
}

/**
 * Plots the live input waveform (Python's plot_input.py): the last
 * `window` ms of each chosen channel, every `downsample`-th sample,
 * redrawn every `interval` ms. In the terminal as braille dots, one band per
 * channel; with `web`, on a page served at http://127.0.0.1:PORT/ (the
 * loopback interface only) that draws on a canvas from Server-Sent Events.
 * Runs until Ctrl+C or `q` (exit code 0) or `duration`.
 *
 * @param options - See {@link PlotOptions}.
 * @param ctx - Where to write.
 */
export async function runPlot(options: PlotOptions, ctx: CliContext): Promise<void> {
  const map = options.channels.map((c) => c - 1);
  const inputChannels = Math.max(...options.channels);
  let plot: PlotData | undefined;
  const { stream, info } = openInput({
    device: options.device,
    channels: inputChannels,
    samplerate: options.samplerate,
    blocksize: options.blocksize,
    onBlock: (samples, frames) => plot?.add(samples, frames, inputChannels, map),
  });
  const rate = stream.sampleRate;
  const length = Math.max(2, Math.round((options.window * rate) / (1000 * options.downsample)));
  plot = new PlotData(map.length, length, options.downsample);
  const p = plot;
  const what = `${describeDevice(info)}, ${plural(map.length, 'channel')} (${options.channels.join(', ')}), ${rate} Hz, ${options.window} ms window`;

  if (options.web) {
    await _serve(p, options, rate, what, stream, ctx);
    return;
  }
  const out = ctx.io.stdout;
  if (!isTty(out)) throw new RangeError("plot draws on a terminal: run it in one, or use 'plot --web' for a browser");
  const live = new LiveLines(out);
  const draw = (): void => {
    const width = Math.max(10, columnsOf(out) - 1);
    const band = Math.max(2, Math.floor((rowsOf(out) - 2) / map.length) - 1);
    const lines: string[] = [`${what}; press Ctrl+C or q to stop`];
    p.data.forEach((samples, c) => {
      lines.push(`── channel ${options.channels[c]} ${'─'.repeat(Math.max(0, width - 14))}`.slice(0, width));
      lines.push(...brailleLines(samples, width, band));
    });
    live.draw(lines);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    stream.start();
    timer = setInterval(draw, options.interval);
    await waitForStop({ duration: options.duration, finished: stream.finished, onKey: () => {}, io: ctx.io });
  } finally {
    if (timer) clearInterval(timer);
    live.done();
    await stream.close();
  }
}

async function _serve(
  plot: PlotData,
  options: PlotOptions,
  rate: number,
  what: string,
  stream: ReturnType<typeof openInput>['stream'],
  ctx: CliContext,
): Promise<void> {
  const clients = new Set<ServerResponse>();
  let port = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Only pages addressed to this loopback server (no DNS rebinding).
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET' }).end('method not allowed\n');
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PLOT_PAGE);
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new RangeError(`port ${options.port} on 127.0.0.1 is in use: choose another with --port`) : e),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const send = (): void => {
    if (clients.size === 0) return;
    const msg = JSON.stringify({
      channels: options.channels,
      rate,
      window: options.window,
      data: plot.data.map((d) => Array.from(d, (v) => Math.round(v * 1e4) / 1e4)),
    });
    for (const res of clients) res.write(`data: ${msg}\n\n`);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    stream.start();
    ctx.io.stdout.write(`Plotting ${what} at http://127.0.0.1:${port}/ (press Ctrl+C to stop)\n`);
    timer = setInterval(send, options.interval);
    await waitForStop({ duration: options.duration, finished: stream.finished, io: ctx.io });
  } finally {
    if (timer) clearInterval(timer);
    for (const res of clients) res.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stream.close();
  }
}

/**
 * Adds the `plot` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addPlotCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('plot')
    .description('live waveform of the input in the terminal, or in a browser with --web (127.0.0.1 only)')
    .argument('[channels]', 'input channels to plot, from 1 (e.g. 1,2)', channelList('channels'), [1])
    .option('-d, --device <device>', 'input device: index or name substrings (default: the default input)', device)
    .option('-w, --window <ms>', 'visible time slot in milliseconds', positiveNumber('window'), 200)
    .option('-i, --interval <ms>', 'milliseconds between redraws', positiveNumber('interval'), 30)
    .option('-b, --blocksize <frames>', 'frames per block (0: PortAudio chooses)', nonNegativeInteger('blocksize'), 0)
    .option('-r, --samplerate <hz>', "sample rate in Hz (default: the device's)", positiveNumber('samplerate'))
    .option('-n, --downsample <n>', 'plot every n-th sample', positiveInteger('downsample'), 10)
    .option('--web', 'serve the plot on http://127.0.0.1:PORT/ for a browser instead')
    .option('--port <port>', 'port for --web (0: any free port, printed)', nonNegativeInteger('port'), 0)
    .option('-t, --duration <seconds>', 'stop after this long (default: until Ctrl+C)', positiveNumber('duration'))
    .addHelpText('after', '\nExamples:\n  sounddevice plot\n  sounddevice plot 1,2 --device system --window 50\n  sounddevice plot --web --port 8000\n')
    .action((channels: number[], options: Omit<PlotOptions, 'channels'>) => runPlot({ ...options, channels }, ctx));
}
