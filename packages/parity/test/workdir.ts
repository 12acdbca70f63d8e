/** A temporary folder per test file for the data and result files both sides exchange. */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Creates the folder now and removes it after the file's tests. Returns a function naming files in it. */
export function useWorkdir(): (name: string) => string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sounddevice-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => path.join(dir, name);
}

/** Writes the bytes of a typed array or Buffer to `file`. */
export async function writeBytes(file: string, data: ArrayBufferView): Promise<void> {
  await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Reads `file` as a Buffer. */
export async function readBytes(file: string): Promise<Buffer> {
  return readFile(file);
}
