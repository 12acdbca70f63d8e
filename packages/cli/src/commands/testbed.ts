/** `sounddevice testbed start|stop|env|status`: the virtual audio devices of `@sounddevice/testbed`. */
import type { Command } from 'commander';
import { TESTBED_USAGE, type TestbedIO, runTestbedCommand } from '@sounddevice/testbed';
import type { CliContext, CliIO } from '../io.js';
import { PROGRAM } from '../version.js';

const _TESTBED_BIN = 'sounddevice-testbed';
const _OUR_NAME = `${PROGRAM} testbed`;
/** The testbed's command name where it stands as a command (not inside a path such as /tmp/sounddevice-testbed). */
const _COMMAND_NAME = /(?<![\w/.-])sounddevice-testbed(?![\w/.-])/g;

const _rename = (text: string): string => text.replace(_COMMAND_NAME, _OUR_NAME);

/** The testbed's usage text, naming `sounddevice testbed` instead of `sounddevice-testbed`. */
export function testbedUsage(): string {
  return _rename(TESTBED_USAGE);
}

/**
 * Wraps `io` so that the testbed's output names this command, and its error
 * messages become one `sounddevice: error: testbed …` line (its usage dump
 * after a mistake is replaced by a pointer to `--help`).
 */
function _renamedIO(io: CliIO): TestbedIO {
  return {
    stdout: { write: (text: string) => io.stdout.write(_rename(text)) },
    stderr: {
      write: (text: string) => {
        const help = `see '${_OUR_NAME} --help'`;
        if (text.startsWith('Usage:')) {
          return io.stderr.write(`${PROGRAM}: error: testbed: missing command (start, stop, env or status); ${help}\n`);
        }
        if (text.startsWith(_TESTBED_BIN)) {
          const first = (text.split('\n')[0] ?? '').slice(_TESTBED_BIN.length);
          const usage = text.includes('\nUsage:') ? `; ${help}` : '';
          return io.stderr.write(`${PROGRAM}: error: testbed${first}${usage}\n`);
        }
        return io.stderr.write(text);
      },
    },
  };
}

/**
 * Runs a testbed command (the arguments after `testbed`) through
 * `@sounddevice/testbed`'s `runTestbedCommand`.
 *
 * @param args - E.g. `['start', '--no-jack']`.
 * @param ctx - Where to write; receives the exit code (0 ok, 1 failure, 2 usage).
 */
export async function runTestbed(args: readonly string[], ctx: CliContext): Promise<void> {
  ctx.exitCode = await runTestbedCommand(args, _renamedIO(ctx.io));
}

/**
 * Adds the `testbed` command to `program`. Its arguments and options go to
 * the testbed unparsed, so that they and its help stay the testbed's own.
 *
 * @param program - The root command.
 * @param ctx - Shared state of this run.
 */
export function addTestbedCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('testbed')
    .description('virtual audio devices for machines without a sound card (ALSA file PCMs, JACK dummy server)')
    .usage('start|stop|env|status [options]')
    .argument('[args...]', 'command and options, see sounddevice testbed --help')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .configureHelp({ formatHelp: () => testbedUsage() })
    .action((args: string[]) => runTestbed(args, ctx));
}
