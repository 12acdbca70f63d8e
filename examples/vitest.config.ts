import { defineConfig } from 'vitest/config';

// The testbed's globalSetup gives this run a folder and JACK server of its own
// (sounddevice-test-<pid>), so other packages' tests and other programs on this
// machine can neither overwrite our files nor put xruns into our JACK graph.

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test runs an example as a child process against real PortAudio and
    // the virtual devices: one file at a time.
    globalSetup: ['@sounddevice/testbed/vitest-setup'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
