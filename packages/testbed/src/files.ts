import { open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { IN_FILE_BYTES_PER_SECOND } from './options.js';

/** Anything that names the testbed's `vfile_in` infile (a `TestbedInfo` will do). */
export interface HasInFile {
  inFile: string;
}

/** Anything that names the testbed's `vfile_out` target (a `TestbedInfo` will do). */
export interface HasOutFile {
  outFile: string;
}

/** Default zero padding after content written by {@link writeInFile}: 30 s of stereo float32 at 48 kHz. */
export const DEFAULT_IN_FILE_PAD_BYTES = 30 * IN_FILE_BYTES_PER_SECOND;

/**
 * Makes sure `file` exists and is at least `minBytes` long, extending it with
 * zeros (sparse, so cheap) and keeping what it already holds.
 */
export async function ensureFileLength(file: string, minBytes: number): Promise<void> {
  const handle = await open(file, 'a');
  await handle.close();
  const { size } = await stat(file);
  if (size < minBytes) await truncate(file, minBytes);
}

/** Creates `file` or empties it. */
export async function emptyFile(file: string): Promise<void> {
  await writeFile(file, new Uint8Array(0));
}

/**
 * Writes `bytes` (raw interleaved samples in the format the recording stream will
 * use) to the start of the `vfile_in` infile and pads it with zeros to
 * `padToBytes` in total (default: the content plus 30 s of stereo float32).
 * Recording past the infile's end returns stale data, not silence, hence the pad.
 * Each stream opened on `vfile_in` reads the file from its start.
 */
export async function writeInFile(info: HasInFile, bytes: Uint8Array, padToBytes?: number): Promise<void> {
  const total = Math.max(bytes.length, padToBytes ?? bytes.length + DEFAULT_IN_FILE_PAD_BYTES);
  await writeFile(info.inFile, bytes);
  if (total > bytes.length) await truncate(info.inFile, total);
}

/**
 * Reads what streams played into `vfile_out` (raw interleaved samples in the
 * stream's format, preceded by PortAudio's priming silence).
 */
export async function readOutFile(info: HasOutFile): Promise<Uint8Array> {
  const data = await readFile(info.outFile);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Empties the `vfile_out` target. */
export async function clearOutFile(info: HasOutFile): Promise<void> {
  await emptyFile(info.outFile);
}
