import type { TestbedOptions } from './options.js';

/** A parsed `sounddevice-testbed` command line. */
export interface ParsedArgs {
  command: string | undefined;
  help: boolean;
  options: TestbedOptions;
}

const VALUE_FLAGS = new Set(['--period', '--rate', '--dir', '--server', '--in-seconds']);

function toNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new RangeError(`${flag} needs a number, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * Parses `[command] [--period N] [--rate N] [--no-jack] [--no-install] [--dir D]
 * [--server NAME] [--in-seconds S] [--help]` (`--flag=value` works too).
 * @throws RangeError for an unknown flag, a missing value or a second command.
 */
export function parseTestbedArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: undefined, help: false, options: {} };
  const o = parsed.options;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (VALUE_FLAGS.has(flag)) {
      value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new RangeError(`${flag} needs a value`);
    }
    switch (flag) {
      case '-h':
      case '--help':
        parsed.help = true;
        break;
      case '--no-jack':
        o.jack = false;
        break;
      case '--no-install':
        o.install = false;
        break;
      case '--period':
        o.jackPeriod = toNumber(flag, value ?? '');
        break;
      case '--rate':
        o.jackRate = toNumber(flag, value ?? '');
        break;
      case '--in-seconds':
        o.inFileSeconds = toNumber(flag, value ?? '');
        break;
      case '--dir':
        o.dir = value;
        break;
      case '--server':
        o.serverName = value;
        break;
      default:
        if (arg.startsWith('-')) throw new RangeError(`unknown option ${arg}`);
        if (parsed.command !== undefined) throw new RangeError(`unexpected argument ${arg}`);
        parsed.command = arg;
    }
  }
  return parsed;
}
