import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary folder for one test file's testbed. */
export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `sdtb-${label}-`));
}

/** A JACK server name private to this test process, so tests never touch servers others use. */
export function privateServerName(label: string): string {
  return `sdtb-${label}-${process.pid}`;
}

const KEYS = [
  'ALSA_CONFIG_PATH',
  'JACK_NO_AUDIO_RESERVATION',
  'JACK_DEFAULT_SERVER',
  'SOUNDDEVICE_TESTBED_DIR',
  'SOUNDDEVICE_TESTBED_SERVER',
] as const;

/** Saves the testbed's environment variables; call the returned function to restore them. */
export function saveTestbedEnv(): () => void {
  const saved = KEYS.map((key) => [key, process.env[key]] as const);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
