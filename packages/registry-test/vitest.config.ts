import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A testbed folder of our own (only the ALSA file devices are used, so no JACK
// server), so that other packages' tests running at the same time cannot
// overwrite our vfile_out/vfile_in files. The testbed's variables override these.
process.env.SOUNDDEVICE_TESTBED_DIR ??= join(tmpdir(), 'sounddevice-testbed-registry');
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
