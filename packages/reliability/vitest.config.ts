import { defineConfig } from 'vitest/config';

/** `SOUNDDEVICE_LONG=1`: the long variants (10,000 cycles, …), run by hand. */
const long = process.env.SOUNDDEVICE_LONG === '1';

// glibc's malloc keeps freed memory of its main heap when the rings of a
// stream (tens to hundreds of KB) fall under its *dynamic* mmap threshold,
// so RSS creeps up with no live allocation behind it (valgrind: reachable
// memory does not grow). A fixed threshold returns such blocks to the system
// when freed, so RSS tracks live memory in the leak tests. Read by glibc at
// process start: set here, inherited by the test workers and their children.
process.env.MALLOC_MMAP_THRESHOLD_ ??= '65536';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real PortAudio through the shared virtual devices: one file at a time.
    globalSetup: ['@sounddevice/testbed/vitest-setup'],
    fileParallelism: false,
    // A young generation of fixed, small size: otherwise V8 grows it by many
    // MB under the allocation rate of thousands of stream cycles, which the
    // RSS checks of the leak tests would count.
    execArgv: ['--max-semi-space-size=1'],
    testTimeout: long ? 3_600_000 : 60_000,
    hookTimeout: 60_000,
  },
});
