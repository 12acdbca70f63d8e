import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  // Processor workers import the adapter by URL, next to the built files.
  onSuccess: 'cp src/processor-adapter.mjs dist/processor-adapter.mjs',
});
