/** `sounddevice --version`. */
import { getPortAudioVersion } from '@sounddevice/raw';
import type { CliContext } from '../io.js';
import { CLI_PACKAGE, CLI_VERSION } from '../version.js';

/**
 * Prints this package's version, then PortAudio's version text (e.g.
 * `PortAudio V19.6.0-devel, revision 396fe4b…`). The first line is printed
 * even when PortAudio cannot be loaded; the error then follows on stderr.
 *
 * @param ctx - Where to write.
 * @throws PortAudioError if the PortAudio library cannot be loaded.
 */
export function runVersion(ctx: CliContext): void {
  ctx.io.stdout.write(`${CLI_PACKAGE} ${CLI_VERSION}\n`);
  const [, text] = getPortAudioVersion();
  ctx.io.stdout.write(`${text}\n`);
}
