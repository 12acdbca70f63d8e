/** `sounddevice devices [--json]` (also what runs with no command). */
import type { Command } from 'commander';
import { queryDevices } from '@sounddevice/raw';
import { noDevicesMessage } from '../diagnose.js';
import { watchDevicesCommand } from './devices-watch.js';
import type { CliContext } from '../io.js';
import { PROGRAM } from '../version.js';

/** Options of {@link runDevices}. */
export interface DevicesOptions {
  /** Print a JSON array of device objects instead of the text list. */
  json?: boolean;
  /** Keep running and print changes as they happen (see `devices-watch.ts`). */
  watch?: boolean;
}

/**
 * Prints every device: the text list of Python's `python3 -m sounddevice`
 * (`>` default input, `<` default output, `*` both), or with `json` an array
 * of the objects `queryDevices()` returns. With no device at all, stdout
 * has nothing (or `[]`) and stderr says "no audio devices found" and how to
 * get virtual ones (exit code 0: the listing itself worked). With `watch`,
 * keeps running after the list and prints each change as it happens (with
 * `json`, one JSON object per line) until interrupted.
 *
 * @param options - See {@link DevicesOptions}.
 * @param ctx - Where to write.
 */
export function runDevices(options: DevicesOptions, ctx: CliContext): void | Promise<void> {
  if (options.watch) return watchDevicesCommand(options.json === true, ctx);
  const list = queryDevices();
  const text = options.json ? JSON.stringify([...list], null, 2) : list.toString();
  ctx.io.stdout.write(text === '' ? '' : `${text}\n`);
  if (list.length === 0) ctx.io.stderr.write(`${PROGRAM}: ${noDevicesMessage() ?? 'no audio devices found'}\n`);
}

/**
 * Adds the `devices` command to `program`.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addDevicesCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('devices')
    .description('list the audio devices (the default command): > default input, < default output, * both')
    .option('--json', 'print a JSON array of device objects (with --watch: one JSON object per line)')
    .option('--watch', 'keep running and print devices that come and go, and default changes, until Ctrl+C')
    .action((options: DevicesOptions) => runDevices(options, ctx));
}
