import { describe, expect, it } from 'vitest';
import { ensureInstalled, missingRequirements } from './index.js';

describe('ensureInstalled', () => {
  it('finds PortAudio and the JACK tools on this machine', async () => {
    expect(await missingRequirements()).toEqual([]);
  });

  it('is a quick no-op when everything is installed', async () => {
    const t0 = performance.now();
    await ensureInstalled({ install: false });
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('names what to install when it may not install it', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      // ldconfig is still found in /sbin, so only the JACK tools are missing.
      await expect(ensureInstalled({ install: false })).rejects.toThrow(/needs .*jackd.*apt-get install -y --no-install-recommends libportaudio2 portaudio19-dev jackd2/s);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
