/**
 * play-file: read a whole sound file into memory, then play it.
 *
 * The TypeScript version of Python's play_file.py. `play()` hands the whole
 * array to the audio thread at once, so nothing runs in JavaScript while it
 * plays. For files too large for memory, see play-long-file.ts.
 *
 *   pnpm --filter @sounddevice/examples run play-file FILE [-d DEVICE]
 */
import * as sd from '@sounddevice/numeric';
import { Command, Option } from 'commander';
import ndarray from 'ndarray';
import { loadAudioFile } from './lib/audio-file.js';
import { errorLine, exit, intOrStr, parseArgs, userPath } from './lib/cli.js';

const program = parseArgs(
  new Command('play-file')
    .description(
      'Read a sound file (WAV or FLAC) into memory and play it.\n\n' +
        'The whole file is loaded before playback starts; for very long files\n' +
        'use play-long-file, which holds only a few blocks at a time.',
    )
    .argument('<filename>', 'sound file to play')
    .addOption(new Option('-d, --device <DEVICE>', 'output device (numeric ID or substring)').argParser(intOrStr)),
);
const [filename] = program.processedArgs as [string];
const { device } = program.opts<{ device?: number | string }>();

process.once('SIGINT', () => {
  sd.stop();
  exit('\nInterrupted by user');
});

try {
  const audio = await loadAudioFile(userPath(filename));
  sd.play(ndarray(audio.samples, [audio.frames, audio.channels]), { sampleRate: audio.sampleRate, device });
  const status = await sd.wait();
  if (status) exit(`Error during playback: ${status.toString()}`);
} catch (e) {
  exit(errorLine(e));
}
