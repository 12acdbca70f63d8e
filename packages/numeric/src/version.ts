/** The package's version (Python's `sounddevice.__version__`). */
import pkg from '../package.json' with { type: 'json' };

/**
 * The version of `@sounddevice/numeric`, e.g. `'0.1.0'` (inlined from
 * package.json at build time); it shadows the `version` of
 * `@sounddevice/raw` that `export *` would re-export.
 */
export const version: string = pkg.version;
