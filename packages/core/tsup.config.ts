import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // keep class names (`PortAudioError`, not `_PortAudioError`) for stack traces and console.log
  keepNames: true,
});
