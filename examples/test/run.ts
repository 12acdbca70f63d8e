/**
 * Runs the examples as child processes (`node --import tsx NAME.ts ...`),
 * plainly or under a pseudo-terminal, and collects what they print.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The examples folder. */
export const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The running testbed (`vfile_out`/`vfile_in` files, JACK). */
export const testbed = inject('sounddeviceTestbed' as never) as { outFile: string; inFile: string; dir: string };

/** What a run printed and how it ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running example. */
export interface Running {
  child: ChildProcess;
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Resolves once `pattern` has been printed on stdout (or stderr), rejects after `timeoutMs`. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Settles when the process has exited. */
  exited: Promise<RunResult>;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Extra node options before the script (e.g. another `--import`). */
  nodeArgs?: string[];
}

function _track(child: ChildProcess): Running {
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const notify = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => ((out += s), notify()));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => ((err += s), notify()));
  let ended = false;
  const exited = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      notify();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  const matches = (p: RegExp | string): boolean => {
    const text = out + err;
    return typeof p === 'string' ? text.includes(p) : p.test(text);
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${String(pattern)}; stdout:\n${out}\nstderr:\n${err}`)),
          timeoutMs,
        );
        const check = (): void => {
          if (matches(pattern)) {
            clearTimeout(timer);
            resolve();
          } else if (ended) {
            clearTimeout(timer);
            reject(new Error(`exited before printing ${String(pattern)}; stdout:\n${out}\nstderr:\n${err}`));
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
  };
}

/** The command line that runs an example. */
export function exampleCommand(name: string, args: readonly string[], nodeArgs: readonly string[] = []): string[] {
  return [process.execPath, ...nodeArgs, '--import', 'tsx', join(EXAMPLES, `${name}.ts`), ...args];
}

/** Starts an example with piped stdin/stdout/stderr. */
export function startExample(name: string, args: readonly string[] = [], options: RunOptions = {}): Running {
  const [cmd, ...rest] = exampleCommand(name, args, options.nodeArgs);
  const child = spawn(cmd!, rest, { cwd: EXAMPLES, env: { ...process.env, ...options.env }, stdio: 'pipe' });
  return _track(child);
}

/** Runs an example to its end (stdin closed at once). */
export function runExample(name: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
  const running = startExample(name, args, options);
  running.child.stdin?.end();
  return running.exited;
}

const _quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Starts an example inside a pseudo-terminal of `columns` × `rows` (util-linux
 * `script`): it sees a terminal on stdin and stdout; what is written to
 * `child.stdin` arrives as typed keys, stdout carries the terminal output.
 */
export function startInTerminal(
  name: string,
  args: readonly string[] = [],
  { columns = 100, rows = 30, env = {} }: { columns?: number; rows?: number; env?: Record<string, string> } = {},
): Running {
  const command = `stty cols ${columns} rows ${rows}; exec ${exampleCommand(name, args).map(_quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: EXAMPLES,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  return _track(child);
}

/** True if `text` holds a JavaScript stack trace. */
export function hasStack(text: string): boolean {
  return /^\s+at\s/m.test(text);
}
