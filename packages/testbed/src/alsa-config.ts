import { writeFile } from 'node:fs/promises';

/** Quotes `value` as an ALSA configuration string. */
function alsaString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Returns the text of the hermetic ALSA configuration: `!default` (plug over
 * `vnull`), `vnull` (discards), `vfile_out` (writes raw samples to `outFile`),
 * `vfile_in` (reads raw samples from `inFile`) and `vzero` (reads silence).
 * Names avoid those PortAudio skips (`null`, `file`, `plug`, ...).
 */
export function alsaConfigText(outFile: string, inFile: string): string {
  return [
    '# Written by @sounddevice/testbed. Select it with ALSA_CONFIG_PATH=<this file>.',
    'pcm.!default { type plug slave.pcm "vnull" }',
    'pcm.vnull { type null }',
    `pcm.vfile_out { type file slave.pcm { type null } file ${alsaString(outFile)} format "raw" }`,
    `pcm.vfile_in { type file slave.pcm { type null } file "/dev/null" infile ${alsaString(inFile)} format "raw" }`,
    'pcm.vzero { type file slave.pcm { type null } file "/dev/null" infile "/dev/zero" format "raw" }',
    '',
  ].join('\n');
}

/** Writes {@link alsaConfigText} to `configPath`. */
export async function writeAlsaConfig(configPath: string, outFile: string, inFile: string): Promise<void> {
  await writeFile(configPath, alsaConfigText(outFile, inFile));
}
