import { defineConfig } from 'tsup';

/**
 * Dependencies published only as ES modules: the CJS build of the library
 * entry bundles them (Node 20 before 20.19 cannot `require()` an ES module).
 */
const ESM_ONLY = ['cli-truncate', 'string-width'];

export default defineConfig([
  {
    // The library entry (`main(argv, io)` for embedding and tests): ESM with types.
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
  },
  {
    // The same entry as CJS, with the ES-module-only dependencies bundled in.
    entry: ['src/index.ts'],
    format: ['cjs'],
    // import.meta.url (resolving @sounddevice/raw for diagnose.ts's child process) in CJS.
    shims: true,
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'node20',
    noExternal: ESM_ONLY,
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
