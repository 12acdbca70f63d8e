/** The package's version (Python's `sounddevice.__version__`). */
import pkg from '../package.json' with { type: 'json' };

/** The version of `@sounddevice/raw`, e.g. `'0.1.0'` (inlined from package.json at build time). */
export const version: string = pkg.version;
