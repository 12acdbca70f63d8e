import { defineConfig } from 'vitest/config';

// Only the ALSA file devices are used, so no JACK server. The folder is this
// run's own (the testbed's default for test runs: sounddevice-test-<pid>).
process.env.SOUNDDEVICE_TESTBED_JACK ??= '0';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sounddevice/testbed/vitest-setup'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
