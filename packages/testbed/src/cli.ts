import { parseTestbedArgs } from './cli-args.js';
import { shellQuote, testbedEnv } from './env.js';
import { ensureInstalled } from './install.js';
import { stopOwnJackd } from './jack-lifecycle.js';
import { defaultTestbedDir, envOverrides, resolveOptions } from './options.js';
import { startTestbed, testbedStatus } from './testbed.js';
import type { TestbedInfo } from './types.js';

/** Where {@link runTestbedCommand} writes. */
export interface TestbedIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Usage text of the `sounddevice-testbed` command. */
export const TESTBED_USAGE = `Usage: sounddevice-testbed <command> [options]

Virtual audio devices for machines without a sound card: ALSA file PCMs
(default, vnull, vfile_out, vfile_in, vzero) and a JACK dummy server.

Commands:
  start    write the ALSA config and start the JACK dummy server (installs
           libportaudio2, portaudio19-dev and jackd2 with apt-get when root)
  stop     stop the JACK server the testbed started (never another one)
  env      print export lines: eval "$(sounddevice-testbed env)"
  status   print paths and JACK status

Options:
  --period N      JACK period in frames (default 256)
  --rate N        JACK sample rate in Hz (default 48000)
  --no-jack       ALSA devices only, no JACK server
  --no-install    never run apt-get
  --dir D         testbed folder (default: $SOUNDDEVICE_TESTBED_DIR, else
                  <tmpdir>/sounddevice-testbed)
  --server NAME   JACK server name (default: $SOUNDDEVICE_TESTBED_SERVER, else
                  $JACK_DEFAULT_SERVER, else JACK's default)
  --in-seconds S  minimum vfile_in length, seconds of stereo float32 at 48 kHz (default 30)
  -h, --help      show this help

Environment: SOUNDDEVICE_TESTBED_DIR and SOUNDDEVICE_TESTBED_SERVER choose the
folder and server name, as in the vitest setup; --dir and --server win.
`;

function jackLine(info: TestbedInfo): string {
  const j = info.jack;
  const name = j.serverName === undefined ? 'JACK' : `JACK "${j.serverName}"`;
  if (!j.running) return `${name}: not running`;
  const owner = j.startedByUs ? `started by the testbed, pid ${String(j.pid)}` : 'not started by the testbed';
  return `${name}: running (${owner}), period ${j.period}, rate ${j.rate}`;
}

function summary(info: TestbedInfo): string {
  return [
    `dir:          ${info.dir}`,
    `ALSA config:  ${info.alsaConfigPath}`,
    `vfile_out ->  ${info.outFile}`,
    `vfile_in  <-  ${info.inFile}`,
    jackLine(info),
    '',
  ].join('\n');
}

/**
 * Runs one `sounddevice-testbed` command (`start`, `stop`, `env`, `status`,
 * `--help`) with `argv` as the arguments after the program name. The folder and
 * server name come from `--dir`/`--server`, else from `SOUNDDEVICE_TESTBED_DIR`/
 * `SOUNDDEVICE_TESTBED_SERVER` in `env`. Never throws: errors go to `io.stderr`.
 * Resolves with the exit code (0 ok, 1 failure, 2 usage).
 */
export async function runTestbedCommand(
  argv: readonly string[],
  io: TestbedIO = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseTestbedArgs(argv);
  } catch (err) {
    io.stderr.write(`sounddevice-testbed: ${(err as Error).message}\n\n${TESTBED_USAGE}`);
    return 2;
  }
  if (parsed.help || parsed.command === undefined || parsed.command === 'help') {
    (parsed.help || parsed.command === 'help' ? io.stdout : io.stderr).write(TESTBED_USAGE);
    return parsed.help || parsed.command === 'help' ? 0 : 2;
  }
  try {
    const opts = { ...envOverrides(env), ...parsed.options };
    switch (parsed.command) {
      case 'start': {
        await ensureInstalled(opts);
        const info = await startTestbed(opts);
        io.stdout.write(`${summary(info)}Use it in a shell with: eval "$(sounddevice-testbed env${envArgs(info)})"\n`);
        return 0;
      }
      case 'stop': {
        const pid = await stopOwnJackd(resolveOptions(opts).dir);
        io.stdout.write(pid === undefined ? 'no JACK server started by the testbed is running\n' : `stopped jackd (pid ${pid})\n`);
        return 0;
      }
      case 'env':
        io.stdout.write(testbedEnv(opts).shell);
        return 0;
      case 'status':
        io.stdout.write(summary(await testbedStatus(opts)));
        return 0;
      default:
        io.stderr.write(`sounddevice-testbed: unknown command ${parsed.command}\n\n${TESTBED_USAGE}`);
        return 2;
    }
  } catch (err) {
    io.stderr.write(`sounddevice-testbed ${parsed.command}: ${(err as Error).message}\n`);
    return 1;
  }
}

/** The `--dir`/`--server` arguments the `env` command needs to describe this testbed in any shell. */
function envArgs(info: TestbedInfo): string {
  const dir = info.dir === resolveOptions({ dir: defaultTestbedDir() }).dir ? '' : ` --dir ${shellQuote(info.dir)}`;
  const server = info.jack.serverName === undefined ? '' : ` --server ${shellQuote(info.jack.serverName)}`;
  return dir + server;
}
