import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A testbed folder (vfile_out/vfile_in files) and JACK server of our own, so
// that other packages' tests running at the same time on this machine can
// neither overwrite our files nor put xruns into our JACK graph. The
// testbed's usual variables still override these.
process.env.SOUNDDEVICE_TESTBED_DIR ??= join(tmpdir(), 'sounddevice-testbed-numeric');
process.env.SOUNDDEVICE_TESTBED_SERVER ??= 'sounddevice-numeric';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real PortAudio through the virtual devices: one file at a time.
    globalSetup: ['@sounddevice/testbed/vitest-setup'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
