import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Runs the built `dist/bin.js` (built by ensure-built when stale) against
    // real PortAudio and the shared virtual devices: one file at a time.
    globalSetup: ['@sounddevice/testbed/vitest-setup', './test/ensure-built.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
