/** The `sounddevice` command line: parsing, dispatch and exit codes. */
import { Command } from 'commander';
import { addDevicesCommand } from './commands/devices.js';
import { addHostApisCommand } from './commands/hostapis.js';
import { addPlayCommand } from './commands/play.js';
import { addRecCommand } from './commands/rec.js';
import { addPlayrecCommand } from './commands/playrec.js';
import { addWireCommand } from './commands/wire.js';
import { addMeterCommand } from './commands/meter.js';
import { addSpectrogramCommand } from './commands/spectrogram.js';
import { addLatencyCommand } from './commands/latency.js';
import { addPlotCommand } from './commands/plot.js';
import { addTestbedCommand } from './commands/testbed.js';
import { addToneCommand } from './commands/tone.js';
import { runVersion } from './commands/version.js';
import { checkAlsaConfig } from './diagnose.js';
import { formatUsageText, reportError } from './errors.js';
import { type CliContext, type CliIO, processIO } from './io.js';
import { loadTextWidth } from './tty.js';
import { PROGRAM } from './version.js';

/** Commands that measure text for live displays (see loadTextWidth). */
const _DRAWS_LIVE_LINES = new Set(['play', 'rec', 'meter', 'plot']);

const _FOOTER = `
With no command, lists the devices (like python3 -m sounddevice).
Run '${PROGRAM} <command> --help' for a command's options.

Environment:
  SOUNDDEVICE_DEBUG_STACK=1  print stack traces with error messages
  SOUNDDEVICE_DEBUG=1        show the audio libraries' own messages (ALSA, JACK)
  NO_COLOR=1                 no colour codes (colour goes to terminals only anyway)
  FORCE_COLOR=1              colour codes even into a pipe (FORCE_COLOR=0: none)
`;

/**
 * Builds the commander program for one run. Output goes to `ctx.io`;
 * commander never exits the process (errors are thrown to {@link main}).
 *
 * @param ctx - Shared state of this run.
 * @returns The root command.
 */
export function createProgram(ctx: CliContext): Command {
  const program = new Command(PROGRAM)
    .description('Play and record audio through PortAudio: devices, files, live meters and plots, latency, virtual devices.')
    .usage('[command] [options]')
    .option('-V, --version', 'print the versions of this command and of PortAudio')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: (text, write) => write(formatUsageText(text)),
    })
    .addHelpText('after', _FOOTER)
    // Before PortAudio starts in this process: a configuration that would make it
    // abort without a word is reported instead (costs nothing on a sound one).
    .hook('preAction', async (_program, action) => {
      if (action.name() !== 'testbed') checkAlsaConfig(ctx.io.env ?? process.env);
      if (_DRAWS_LIVE_LINES.has(action.name())) await loadTextWidth();
    });
  addDevicesCommand(program, ctx);
  addHostApisCommand(program, ctx);
  addToneCommand(program, ctx);
  addPlayCommand(program, ctx);
  addRecCommand(program, ctx);
  addPlayrecCommand(program, ctx);
  addWireCommand(program, ctx);
  addMeterCommand(program, ctx);
  addSpectrogramCommand(program, ctx);
  addPlotCommand(program, ctx);
  addLatencyCommand(program, ctx);
  addTestbedCommand(program, ctx);
  return program;
}

/**
 * Runs the `sounddevice` command.
 *
 * No arguments lists the devices; `--version` (or `-V`) as the first
 * argument prints the versions. Never throws and never exits the process:
 * errors are written to `io.stderr` as one `sounddevice: error: …` line.
 *
 * @param argv - The arguments after the program name (`process.argv.slice(2)`).
 * @param io - Where to write and the environment; default the process's.
 * @returns The exit code: 0 success, 1 failure, 2 usage error, 130 interrupted.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  try {
    if (argv[0] === '--version' || argv[0] === '-V') {
      if (argv.length > 1) {
        io.stderr.write(formatUsageText(`${argv[0]} takes no other arguments, got '${argv.slice(1).join(' ')}'`));
        return 2;
      }
      runVersion(ctx);
      return ctx.exitCode;
    }
    const args = argv.length === 0 ? ['devices'] : [...argv];
    await createProgram(ctx).parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}
