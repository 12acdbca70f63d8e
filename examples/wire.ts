/**
 * wire: pass the input straight to the output.
 *
 * The TypeScript version of Python's wire.py (itself after PortAudio's
 * patest_wire.c): a full-duplex Stream whose callback copies each input
 * block into the output block.
 *
 *   pnpm --filter @sounddevice/examples run wire [-i DEVICE] [-o DEVICE] [-c N] ...
 */
import * as sd from '@sounddevice/numeric';
import { Command, Option } from 'commander';
import { errorLine, exit, float, int, intOrStr, parseArgs } from './lib/cli.js';

const program = parseArgs(
  new Command('wire')
    .description('Pass input directly to output (after PortAudio\'s patest_wire.c).')
    .addOption(new Option('-i, --input-device <DEVICE>', 'input device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-o, --output-device <DEVICE>', 'output device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-c, --channels <N>', 'number of channels').argParser(int).default(2))
    .addOption(new Option('-t, --dtype <DTYPE>', 'audio data type').choices(['float32', 'int32', 'int16', 'int8', 'uint8']))
    .addOption(new Option('-s, --samplerate <RATE>', 'sampling rate').argParser(float))
    .addOption(new Option('-b, --blocksize <N>', 'block size').argParser(int))
    .addOption(new Option('-l, --latency <SECONDS>', 'latency in seconds').argParser(float)),
);
const args = program.opts<{
  inputDevice?: number | string;
  outputDevice?: number | string;
  channels: number;
  dtype?: sd.StreamDType;
  samplerate?: number;
  blocksize?: number;
  latency?: number;
}>();

let stream: sd.Stream | undefined;
process.once('SIGINT', () => {
  stream?.abort();
  exit('\nInterrupted by user');
});

try {
  stream = new sd.Stream({
    device: [args.inputDevice ?? null, args.outputDevice ?? null],
    sampleRate: args.samplerate,
    blockSize: args.blocksize,
    dtype: args.dtype,
    latency: args.latency,
    channels: args.channels,
    callback(indata, outdata, _frames, _time, status) {
      if (status.any) console.log(status.toString());
      (outdata.data as Float32Array).set(indata.data as Float32Array); // Python: outdata[:] = indata
    },
  });
  stream.start();
  console.log('#'.repeat(80));
  console.log('press Return to quit');
  console.log('#'.repeat(80));
  await waitForReturn();
  await stream.close();
} catch (e) {
  exit(errorLine(e));
}

/** Resolves on the first line typed (or when standard input ends). */
function waitForReturn(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.stdin.off('data', onData);
      process.stdin.off('end', done);
      process.stdin.destroy(); // nothing more to read: let the process end
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      if (chunk.includes(0x0a) || chunk.includes(0x0d)) done();
    };
    process.stdin.on('data', onData);
    process.stdin.on('end', done);
  });
}
