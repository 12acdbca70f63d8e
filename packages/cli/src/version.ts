import pkg from '../package.json' with { type: 'json' };

/** Name of the command in messages and help. */
export const PROGRAM = 'sounddevice';

/** The version of `@sounddevice/cli` (inlined from package.json at build time). */
export const CLI_VERSION: string = pkg.version;

/** The npm package name, `@sounddevice/cli`. */
export const CLI_PACKAGE: string = pkg.name;
