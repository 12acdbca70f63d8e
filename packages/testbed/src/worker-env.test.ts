import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import type { TestbedInfo } from './index.js';
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
});
