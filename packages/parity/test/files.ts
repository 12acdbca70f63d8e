/** The testbed's files: what `vfile_out` captured during a run, what `vfile_in` will record. */
import { clearOutFile, readOutFile, writeInFile } from '@sounddevice/testbed';
import { testbed } from './context.js';

/** Sample rate of the vfile scenarios (the file PCMs take any rate). */
export const FILE_RATE = 48000;

/** Empties vfile_out's file, runs `body`, and returns a copy of what the file then holds. */
export async function captureOut(body: () => Promise<unknown>): Promise<Buffer> {
  await clearOutFile(testbed());
  await body();
  return Buffer.from(await readOutFile(testbed()));
}

/** Makes `bytes` what every stream opened on vfile_in records from its start (zeros after them). */
export async function setInFile(bytes: Uint8Array): Promise<void> {
  await writeInFile(testbed(), bytes);
}
