/** `sounddevice latency`: measure the round-trip latency through a loopback. */
import type { Command } from 'commander';
import { type DeviceInfo, RawBufferStream, queryDevices, queryHostApis } from '@sounddevice/raw';
import { describeDevice } from '../describe.js';
import { CommandFailure, EXIT_INTERRUPTED, UsageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import type { CliContext } from '../io.js';
import { devicePair, nonNegativeInteger, positiveInteger, positiveNumber } from '../parse.js';

/** Options of {@link runLatency} (the command line's, parsed). */
export interface LatencyOptions {
  /** `[input, output]` devices (default: the defaults). */
  device?: [number | string, number | string];
  samplerate?: number;
  /** Frames per block (default 0: PortAudio chooses). */
  blocksize: number;
  /** 1-based output channel the test signal is played on (default 1). */
  outputChannel: number;
  /** 1-based input channel it is looked for in (default 1). */
  inputChannel: number;
  /** Longest latency looked for, in seconds (default 1). */
  maxLatency: number;
  /** On a JACK device: connect the stream's own output port to its input port for the measurement. */
  jackLoopback?: boolean;
}

/** Silence before the test signal: lets the stream settle and a JACK loopback get connected. */
const LEAD_SECONDS = 0.25;
/** Length of the test signal in frames. */
export const CHIRP_FRAMES = 1024;
/** Normalized correlation needed to trust a match. */
const MIN_MATCH = 0.5;

/**
 * The test signal: a linear chirp from 2 % to 40 % of the sample rate with a
 * Hann window, peak 0.5. Its autocorrelation has a single sharp peak, so
 * finding it in the recording gives the delay to the sample, also through
 * analog hardware.
 */
export function chirp(frames = CHIRP_FRAMES): Float32Array {
  const out = new Float32Array(frames);
  const f0 = 0.02;
  const f1 = 0.4;
  for (let t = 0; t < frames; t++) {
    const phase = 2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * frames));
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / (frames - 1));
    out[t] = 0.5 * window * Math.sin(phase);
  }
  return out;
}

/** Where `signal` best matches `recording`: the offset and the normalized correlation (-1…1). */
export function findSignal(recording: Float32Array, signal: Float32Array): { offset: number; match: number } {
  let energy = 0;
  for (const v of signal) energy += v * v;
  let best = 0;
  let bestAbs = -1;
  let bestOffset = 0;
  // Sliding energy of the recording window, for normalization.
  let windowEnergy = 0;
  for (let t = 0; t < signal.length && t < recording.length; t++) windowEnergy += recording[t]! * recording[t]!;
  for (let d = 0; d + signal.length <= recording.length; d++) {
    if (d > 0) {
      const out = recording[d - 1]!;
      const inn = recording[d + signal.length - 1]!;
      windowEnergy += inn * inn - out * out;
    }
    let r = 0;
    for (let t = 0; t < signal.length; t++) r += signal[t]! * recording[d + t]!;
    const norm = r / Math.sqrt(energy * Math.max(windowEnergy, 1e-30));
    if (Math.abs(norm) > bestAbs) {
      bestAbs = Math.abs(norm);
      best = norm;
      bestOffset = d;
    }
  }
  return { offset: bestOffset, match: best };
}

/**
 * The ports this stream created: those that appeared between two listings,
 * of one client, in channel order (PortAudio names them `in_N`/`out_N` with
 * numbers that count on across the streams of a process).
 */
function _newPorts(before: readonly string[], after: readonly string[]): { client: string; ins: string[]; outs: string[] } {
  const old = new Set(before);
  const clients = new Map<string, { client: string; ins: string[]; outs: string[] }>();
  for (const port of after) {
    if (old.has(port)) continue;
    const m = /^(.*):(in|out)_\d+$/.exec(port);
    if (!m) continue;
    const entry = clients.get(m[1]!) ?? { client: m[1]!, ins: [], outs: [] };
    (m[2] === 'in' ? entry.ins : entry.outs).push(port);
    clients.set(m[1]!, entry);
  }
  if (clients.size !== 1) {
    throw new CommandFailure(
      clients.size === 0
        ? 'could not find the JACK ports of this stream (no new ports appeared)'
        : `could not tell which JACK client is this stream: several appeared at once (${[...clients.keys()].join(', ')}); try again`,
    );
  }
  const byNumber = (a: string, b: string): number => Number(a.split('_').at(-1)) - Number(b.split('_').at(-1));
  const found = [...clients.values()][0]!;
  return { client: found.client, ins: found.ins.sort(byNumber), outs: found.outs.sort(byNumber) };
}

function _isJack(info: DeviceInfo): boolean {
  return queryHostApis(info.hostApi).name === 'JACK Audio Connection Kit';
}

/**
 * Plays a short chirp after 250 ms of silence on one output channel of a
 * full-duplex stream while recording one input channel, both on the audio
 * thread (no JavaScript per block), then finds the chirp in the recording by
 * normalized cross-correlation. The delay between where it was played and
 * where it was recorded is the round-trip latency: PortAudio's output and
 * input buffering plus whatever lies between (the cable and converters, or
 * JACK's graph). Prints it in samples and milliseconds.
 *
 * With `jackLoopback` (a JACK device), the stream's output port is connected
 * to its own input port with `jack_connect` before it starts, and the
 * automatic connections to the `system` ports are removed, so no cable is
 * needed.
 *
 * @param options - See {@link LatencyOptions}.
 * @param ctx - Where to write.
 * @throws Error if the chirp is not found (nothing connected).
 */
export async function runLatency(options: LatencyOptions, ctx: CliContext): Promise<void> {
  const inInfo = queryDevices(options.device?.[0] ?? undefined, 'input');
  const outInfo = queryDevices(options.device?.[1] ?? undefined, 'output');
  if (options.inputChannel > inInfo.maxInputChannels) {
    throw new RangeError(`input channel ${options.inputChannel} does not exist: ${describeDevice(inInfo)} has ${inInfo.maxInputChannels} input channels`);
  }
  if (options.outputChannel > outInfo.maxOutputChannels) {
    throw new RangeError(`output channel ${options.outputChannel} does not exist: ${describeDevice(outInfo)} has ${outInfo.maxOutputChannels} output channels`);
  }
  if (options.jackLoopback && !(_isJack(inInfo) && _isJack(outInfo) && inInfo.index === outInfo.index)) {
    throw new UsageError(`--jack-loopback needs one JACK device for input and output (e.g. --device system), got ${describeDevice(inInfo)} and ${describeDevice(outInfo)}`);
  }
  const rate = options.samplerate ?? inInfo.defaultSampleRate;
  const signal = chirp();
  const lead = Math.round(LEAD_SECONDS * rate);
  const frames = lead + signal.length + Math.round(options.maxLatency * rate);
  const play = new Float32Array(frames);
  play.set(signal, lead);
  const rec = new Float32Array(frames);
  const playMap = new Array<number>(options.outputChannel).fill(-1);
  playMap[options.outputChannel - 1] = 0;

  // The testbed's JACK helpers load only for --jack-loopback.
  const jack = options.jackLoopback ? await import('@sounddevice/testbed') : undefined;
  const ports = jack ? await jack.jackPorts() : [];
  const stream = new RawBufferStream(
    'duplex',
    {
      device: [inInfo.index, outInfo.index],
      channels: [options.inputChannel, options.outputChannel],
      dtype: 'float32',
      sampleRate: rate,
      blockSize: options.blocksize,
      latency: 'low',
    },
    {
      play: { bytes: new Uint8Array(play.buffer), channels: 1, map: playMap, loop: false },
      rec: { bytes: new Uint8Array(rec.buffer), map: [options.inputChannel - 1] },
    },
    'stream',
  );
  let interrupted = false;
  const removeInterrupt = onInterrupt(() => {
    interrupted = true;
    if (!stream.closed && stream.active) stream.abort();
  });
  try {
    let loop: [string, string] | undefined;
    let client = '';
    if (jack) {
      const mine = _newPorts(ports, await jack.jackPorts());
      client = mine.client;
      const from = mine.outs[options.outputChannel - 1];
      const to = mine.ins[options.inputChannel - 1];
      if (from === undefined || to === undefined) throw new CommandFailure(`the stream's JACK ports are missing (found ${[...mine.outs, ...mine.ins].join(', ')})`);
      loop = [from, to];
      await jack.jackConnect(loop[0], loop[1]);
    }
    stream.start();
    if (jack && loop) {
      // start() connected the stream to the system ports: keep only the loopback.
      for (const [src, dst] of await jack.jackConnections()) {
        const ours = src.startsWith(`${client}:`) || dst.startsWith(`${client}:`);
        if (ours && !(src === loop[0] && dst === loop[1])) await jack.jackDisconnect(src, dst).catch(() => {});
      }
    }
    await stream.finished;
  } finally {
    removeInterrupt();
    await stream.close();
  }
  if (interrupted) {
    ctx.io.stderr.write('Interrupted before the measurement was complete\n');
    ctx.exitCode = EXIT_INTERRUPTED;
    return;
  }
  const { offset, match } = findSignal(rec, signal);
  if (Math.abs(match) < MIN_MATCH) {
    throw new CommandFailure(
      `did not find the test signal in the input (best match ${(100 * Math.abs(match)).toFixed(0)} %): ` +
        `connect output channel ${options.outputChannel} of ${describeDevice(outInfo)} to input channel ${options.inputChannel} of ${describeDevice(inInfo)}` +
        (_isJack(outInfo) && !options.jackLoopback ? ', or use --jack-loopback' : ''),
    );
  }
  const samples = offset - lead;
  const ms = (1000 * samples) / rate;
  const [inLatency, outLatency] = stream.latency as [number, number];
  ctx.io.stdout.write(`Round-trip latency: ${samples} samples = ${ms.toFixed(3)} ms at ${rate} Hz\n`);
  ctx.io.stdout.write(
    `  output channel ${options.outputChannel} of ${describeDevice(outInfo)} → input channel ${options.inputChannel} of ${describeDevice(inInfo)}` +
      `${options.jackLoopback ? ' (JACK loopback)' : ''}, block size ${options.blocksize || 'variable'}; ` +
      `match ${(100 * Math.abs(match)).toFixed(1)} %${match < 0 ? ' (inverted polarity)' : ''}; ` +
      `PortAudio reports input ${(1000 * inLatency).toFixed(3)} ms + output ${(1000 * outLatency).toFixed(3)} ms\n`,
  );
}

/**
 * Adds the `latency` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addLatencyCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('latency')
    .description('measure the round-trip latency through a loopback (a cable, or JACK with --jack-loopback)')
    .option('-d, --device <device>', 'one device for both, or IN,OUT: indexes or name substrings (default: the defaults)', devicePair)
    .option('-r, --samplerate <hz>', "sample rate in Hz (default: the input device's)", positiveNumber('samplerate'))
    .option('-b, --blocksize <frames>', 'frames per block (0: PortAudio chooses)', nonNegativeInteger('blocksize'), 0)
    .option('-o, --output-channel <n>', 'output channel (from 1) that plays the test signal', positiveInteger('output channel'), 1)
    .option('-i, --input-channel <n>', 'input channel (from 1) that records it', positiveInteger('input channel'), 1)
    .option('--max-latency <seconds>', 'longest latency looked for', positiveNumber('max latency'), 1)
    .option('--jack-loopback', "on a JACK device: connect the stream's output port to its own input port (no cable)")
    .addHelpText(
      'after',
      '\nExamples:\n  sounddevice latency --device 3          # with a cable from output 1 to input 1\n  sounddevice latency --device system --jack-loopback\n',
    )
    .action((options: LatencyOptions) => runLatency(options, ctx));
}
