/** `sounddevice hostapis [--json]`. */
import type { Command } from 'commander';
import { type HostApiInfo, queryHostApis } from '@sounddevice/raw';
import type { CliContext } from '../io.js';

/** Options of {@link runHostApis}. */
export interface HostApisOptions {
  /** Print a JSON array of host API objects. */
  json?: boolean;
}

const _device = (index: number): string => (index < 0 ? 'none' : String(index));

/**
 * One line per host API, e.g.
 * `0 ALSA: devices 0, 1, 2 (default input 2, default output 2)`.
 *
 * @param apis - As `queryHostApis()` returns them.
 */
export function formatHostApis(apis: readonly HostApiInfo[]): string {
  return apis
    .map((api) => {
      const devices = api.devices.length === 0 ? 'no devices' : `devices ${api.devices.join(', ')}`;
      const defaults = `default input ${_device(api.defaultInputDevice)}, default output ${_device(api.defaultOutputDevice)}`;
      return `${api.index} ${api.name}: ${devices} (${defaults})`;
    })
    .join('\n');
}

/**
 * Prints the host APIs PortAudio offers, as text or JSON.
 *
 * @param options - See {@link HostApisOptions}.
 * @param ctx - Where to write.
 */
export function runHostApis(options: HostApisOptions, ctx: CliContext): void {
  const apis = queryHostApis();
  const text = options.json ? JSON.stringify(apis, null, 2) : formatHostApis(apis);
  ctx.io.stdout.write(text === '' ? '' : `${text}\n`);
}

/**
 * Adds the `hostapis` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addHostApisCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('hostapis')
    .description('list the host APIs (ALSA, JACK, Core Audio, WASAPI, …) and their devices')
    .option('--json', 'print a JSON array of host API objects')
    .action((options: HostApisOptions) => runHostApis(options, ctx));
}
