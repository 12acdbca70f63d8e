import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { defaultTestbedDir, type TestbedInfo } from './index.js';
import { PROVIDE_KEY } from './vitest-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    [PROVIDE_KEY]: TestbedInfo;
  }
}

describe('vitest globalSetup', () => {
  it('provides the TestbedInfo and workers inherit its environment', () => {
    const info = inject(PROVIDE_KEY);
    expect(info.jack).toMatchObject({ running: true, period: 256 });
    expect(process.env.ALSA_CONFIG_PATH).toBe(info.alsaConfigPath);
    expect(process.env.JACK_NO_AUDIO_RESERVATION).toBe('1');
    expect(existsSync(info.alsaConfigPath)).toBe(true);
  });

  it('runs on a folder and JACK server of its own, which workers and their children inherit', () => {
    const info = inject(PROVIDE_KEY);
    expect(info.dir).not.toBe(defaultTestbedDir());
    expect(info.jack.serverName).toMatch(/^sounddevice-test-/);
    expect(info.jack.startedByUs).toBe(true);
    expect(process.env.JACK_DEFAULT_SERVER).toBe(info.jack.serverName);
    expect(process.env.SOUNDDEVICE_TESTBED_SERVER).toBe(info.jack.serverName);
    expect(process.env.SOUNDDEVICE_TESTBED_DIR).toBe(info.dir);
  });
});
