/**
 * The little things every example needs around its command line, kept out of
 * the examples so that each one reads like its Python original: argument
 * types, exit codes, paths given by the user, error lines.
 *
 * Exit codes follow Python's examples: 0 when done, 1 for an error or an
 * interruption (`parser.exit(message)`), 2 for a usage error (argparse).
 */
import { resolve } from 'node:path';
import { type Command, CommanderError, InvalidArgumentError } from 'commander';

/** A device is a number (index) or a string (substrings of its name): Python's `int_or_str`. */
export function intOrStr(text: string): number | string {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : text;
}

/** An integer argument (`type=int`). */
export function int(text: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new InvalidArgumentError('not an integer.');
  return Number(text);
}

/** A number argument (`type=float`). */
export function float(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('not a number.');
  return value;
}

/**
 * Parses the command line with `program`: `--help` exits 0, a usage error
 * exits 2 (commander has printed the message). A leading `--` is dropped, so
 * `pnpm run wire -- --help` works as well as `pnpm run wire --help`.
 */
export function parseArgs<T extends Command>(program: T, argv: readonly string[] = process.argv.slice(2)): T {
  program.exitOverride();
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    program.parse(args as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0;
      process.exit(ok ? 0 : 2);
    }
    throw e;
  }
  return program;
}

/**
 * Reports a usage error found after parsing (Python's `parser.error`): the
 * message and a hint on stderr, exit code 2.
 */
export function usageError(program: Command, message: string): never {
  try {
    program.error(`error: ${message}`, { exitCode: 2 });
  } catch {
    // exitOverride turned the exit into an exception: exit ourselves.
  }
  process.exit(2);
}

/**
 * A file name typed by the user, made absolute. `pnpm --filter ... run NAME`
 * runs the script inside examples/, so a relative name is taken relative to
 * where the command was typed (pnpm's `INIT_CWD`).
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** `TypeName: message`, like Python's `type(e).__name__ + ': ' + str(e)`. */
export function errorLine(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Prints `message` on stderr and exits (Python's `parser.exit(message)`: code 1). */
export function exit(message: string, code = 1): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}
