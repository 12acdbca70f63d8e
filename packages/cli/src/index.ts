/**
 * `@sounddevice/cli`: the `sounddevice` command. Run it with
 * `npx @sounddevice/cli`; import {@link main} to run it from code or tests.
 *
 * @packageDocumentation
 */
export { main, createProgram } from './main.js';
export type { CliContext, CliIO } from './io.js';
export { CommandFailure, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, FileError, UsageError, isUserError, oneLine } from './errors.js';
export { sineSamples, writeSine, INT_SCALE, type SineSpec } from './sine.js';
export { CLI_VERSION } from './version.js';
