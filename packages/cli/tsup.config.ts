import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library entry (`main(argv, io)` for embedding and tests): ESM + CJS with types.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
  },
  {
    // The `sounddevice` executable: ESM only; the `#!/usr/bin/env node` line of
    // src/bin.ts is kept and tsup marks the file executable.
    entry: ['src/bin.ts'],
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
  },
]);
