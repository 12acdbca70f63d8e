/**
 * play-long-file: play a sound file of any length with bounded memory.
 *
 * The TypeScript version of Python's play_long_file.py. Where play-file loads
 * the whole file, this one holds only a queue of `--buffersize` blocks: the
 * file is read a block at a time and the stream's callback takes one block
 * from the queue each time the device wants one. The file's samples are
 * played in their own format (16/24/32 bit integers or float), bytes for
 * bytes, through a RawOutputStream.
 *
 *   pnpm --filter @sounddevice/examples run play-long-file FILE [-d DEVICE] [-b N] [-q N]
 */
import * as sd from '@sounddevice/numeric';
import { Command, Option } from 'commander';
import { openAudioStream } from './lib/audio-file.js';
import { errorLine, exit, int, intOrStr, parseArgs, usageError, userPath } from './lib/cli.js';

const program = parseArgs(
  new Command('play-long-file')
    .description(
      'Play a sound file (WAV or FLAC) using a limited amount of memory.\n\n' +
        'Unlike play-file, which reads the whole file before it starts, this\n' +
        'program keeps only a few blocks of audio in memory, so it can play\n' +
        'files larger than the available RAM.',
    )
    .argument('<filename>', 'sound file to play')
    .addOption(new Option('-d, --device <DEVICE>', 'output device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-b, --blocksize <N>', 'block size in frames').argParser(int).default(2048))
    .addOption(new Option('-q, --buffersize <N>', 'number of blocks kept in the queue').argParser(int).default(20)),
);
const [filename] = program.processedArgs as [string];
const args = program.opts<{ device?: number | string; blocksize: number; buffersize: number }>();
if (args.blocksize <= 0) usageError(program, 'blocksize must be a positive number of frames');
if (args.buffersize < 1) usageError(program, 'buffersize must be at least 1');

const file = await openAudioStream(userPath(filename)).catch((e: unknown) => exit(errorLine(e)));
const silence = file.dtype === 'uint8' ? 0x80 : 0;

// The queue between the file reader (below) and the callback holds filled
// blocks; `spare` holds the blocks the callback has played, to be filled
// again. Together they are all the audio this program ever holds: the
// blocks are allocated once, here.
const blockBytes = args.blocksize * file.frameBytes;
const spare: Buffer[] = Array.from({ length: args.buffersize + 1 }, () => Buffer.alloc(blockBytes));
const queue: Buffer[] = []; // a block shorter than blockBytes is the last one
let wakeReader: (() => void) | undefined;
const warned = new Set<string>();
const warn = (message: string): void => {
  // Once each: an unpaced device (or a slow disk) would repeat it for every block.
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(message + '\n');
};

function callback(outdata: Buffer, _frames: number, _time: sd.CallbackTime, status: sd.CallbackFlags): void {
  if (status.outputUnderflow) warn('Output underflow: increase blocksize?');
  const data = queue.shift();
  if (data === undefined) {
    // The reader is late: play silence this time, the block comes next time.
    warn('Buffer is empty: increase buffersize?');
    outdata.fill(silence);
    return;
  }
  outdata.set(data);
  spare.push(Buffer.from(data.buffer, data.byteOffset, blockBytes));
  wakeReader?.();
  if (data.length < outdata.length) {
    // The last block: the rest is silence, and the stream ends once it has played.
    outdata.fill(silence, data.length);
    throw new sd.CallbackStop();
  }
}

/** Fills a spare block from the file and queues it; false after the last one. */
async function readBlock(): Promise<boolean> {
  const block = spare.pop()!;
  const bytes = await file.readInto(block);
  queue.push(block.subarray(0, bytes));
  return bytes === blockBytes;
}

let stream: sd.RawOutputStream | undefined;
process.once('SIGINT', () => {
  stream?.abort();
  exit('\nInterrupted by user');
});

try {
  // Pre-fill the queue, then start.
  let more = true;
  while (more && queue.length < args.buffersize) more = await readBlock();
  stream = new sd.RawOutputStream({
    sampleRate: file.sampleRate,
    blockSize: args.blocksize,
    device: args.device,
    channels: file.channels,
    dtype: file.dtype,
    callback,
  });
  stream.start();
  while (more) {
    // Wait for room in the queue (the callback takes a block), then read the next one.
    while (queue.length >= args.buffersize && stream.active) {
      await Promise.race([new Promise<void>((resolve) => (wakeReader = resolve)), stream.finished]);
    }
    wakeReader = undefined;
    if (!stream.active) break; // ended early: the callback failed
    more = await readBlock();
  }
  await stream.finished; // until the last block has played
  await stream.close();
  await file.close();
} catch (e) {
  exit(errorLine(e));
}
