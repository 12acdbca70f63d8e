import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The testbed's devices (ALSA file PCMs, JACK dummy server), then the
    // Python venv; one file at a time (vfile_out is one file, JACK ports are
    // found by what appeared).
    globalSetup: ['@sounddevice/testbed/vitest-setup', './test/python-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
