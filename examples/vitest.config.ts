import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A testbed folder (vfile_out/vfile_in files) and JACK server of our own, so
// that other packages' tests running at the same time on this machine can
// neither overwrite our files nor put xruns into our JACK graph. The
// testbed's usual variables still override these.
process.env.SOUNDDEVICE_TESTBED_DIR ??= join(tmpdir(), 'sounddevice-testbed-examples');
process.env.SOUNDDEVICE_TESTBED_SERVER ??= 'sounddevice-examples';

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
