/**
 * rec-unlimited: record until Ctrl+C, into a WAV file.
 *
 * The TypeScript version of Python's rec_unlimited.py. The callback copies
 * each block into a queue; the main loop writes the queue to the file as it
 * grows. On Ctrl+C the recording goes on until every block captured before
 * the key was pressed has arrived, all of it is written, and the WAV header
 * gets its final sizes: nothing recorded is lost.
 *
 *   pnpm --filter @sounddevice/examples run rec-unlimited [FILENAME] [-d DEVICE] [-r RATE] [-c N] [-t SUBTYPE]
 */
import { unlink } from 'node:fs/promises';
import * as sd from '@sounddevice/numeric';
import { Command, InvalidArgumentError, Option } from 'commander';
import { errorLine, exit, int, intOrStr, parseArgs, userPath } from './lib/cli.js';
import { SUBTYPES, type Subtype, WavWriter } from './lib/wav-writer.js';

const program = parseArgs(
  new Command('rec-unlimited')
    .description('Make a recording of any length: it goes on until you press Ctrl+C.')
    .option('-l, --list-devices', 'show the list of audio devices and exit')
    .addOption(new Option('-d, --device <DEVICE>', 'input device (numeric ID or substring)').argParser(intOrStr))
    .addOption(new Option('-r, --samplerate <RATE>', 'sampling rate').argParser(int))
    .addOption(new Option('-c, --channels <N>', 'number of input channels').argParser(int).default(1))
    .argument('[filename]', 'WAV file to store the recording in (must not exist yet)')
    .addOption(
      new Option('-t, --subtype <SUBTYPE>', `sound file subtype: ${Object.keys(SUBTYPES).join(', ')} (default: PCM_16)`).argParser(
        (value: string) => {
          const upper = value.toUpperCase();
          if (!(upper in SUBTYPES)) throw new InvalidArgumentError(`Allowed subtypes are ${Object.keys(SUBTYPES).join(', ')}.`);
          return upper;
        },
      ),
    ),
);
const args = program.opts<{ listDevices?: boolean; device?: number | string; samplerate?: number; channels: number; subtype?: Subtype }>();
let [filename] = program.processedArgs as [string | undefined];

if (args.listDevices) {
  console.log(sd.queryDevices().toString());
  process.exit(0);
}

try {
  const subtype = args.subtype ?? 'PCM_16';
  const sampleRate = args.samplerate ?? Math.round(sd.queryDevices(args.device ?? null, 'input').defaultSampleRate);
  filename ??= `delme_rec_unlimited_${Math.random().toString(36).slice(2, 10)}.wav`;
  const path = userPath(filename);

  // Make sure the file can be created before recording anything.
  const file = await WavWriter.create(path, { sampleRate, channels: args.channels, subtype });

  const queue: Buffer[] = [];
  let wake: (() => void) | undefined;
  let stopAt: number | undefined; // stream time of Ctrl+C
  let pendingStatus: sd.CallbackFlags | undefined;

  let stream: sd.RawInputStream;
  try {
    stream = new sd.RawInputStream({
      sampleRate,
      device: args.device,
      channels: args.channels,
      dtype: SUBTYPES[subtype].dtype,
      callback(indata, _frames, time, status) {
        if (status.any) reportStatus(status);
        // After Ctrl+C: keep what was captured before it, then stop.
        if (stopAt !== undefined && time.currentTime >= stopAt) throw new sd.CallbackStop();
        queue.push(Buffer.from(indata)); // a copy: indata is reused for the next block
        wake?.();
      },
    });
  } catch (e) {
    await file.close();
    await unlink(path); // nothing was recorded
    throw e;
  }

  /** Prints status flags like Python's example, but at most once a second (merged). */
  function reportStatus(status: sd.CallbackFlags): void {
    if (pendingStatus !== undefined) {
      pendingStatus.merge(status);
      return;
    }
    console.error(status.toString());
    pendingStatus = new sd.CallbackFlags();
    setTimeout(() => {
      const merged = pendingStatus;
      pendingStatus = undefined;
      if (merged?.any) console.error(merged.toString());
    }, 1000).unref();
  }

  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts > 1 && stream.active) stream.abort(); // a second Ctrl+C: stop at once
    stopAt ??= stream.time;
    // Should no block come any more (a device that stopped), end anyway.
    setTimeout(() => stream.active && stream.abort(), 2000).unref();
  });

  stream.start();
  console.log('#'.repeat(80));
  console.log('press Ctrl+C to stop the recording');
  console.log('#'.repeat(80));

  let finished = false;
  stream.finished.then(
    () => ((finished = true), wake?.()),
    () => ((finished = true), wake?.()),
  );
  try {
    while (!finished || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      await file.write(Buffer.concat(queue.splice(0)));
    }
    await stream.finished; // rethrows an error of the stream
    await stream.close();
  } finally {
    await file.close(); // a valid WAV of what was written, whatever happened
  }
  console.log(`\nRecording finished: '${filename}' (${file.frames} frames, ${(file.frames / sampleRate).toFixed(2)} s)`);
  process.exit(0);
} catch (e) {
  exit(errorLine(e));
}
