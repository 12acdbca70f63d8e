import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Result of running an external tool to completion. */
export interface ToolResult {
  /** Exit code; `null` when the tool was killed by a signal (for example on timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link runTool}. */
export interface RunToolOptions {
  env?: NodeJS.ProcessEnv;
  /** Text written to the tool's standard input, which is then closed. */
  input?: string;
  /** Kill the tool with SIGKILL after this many milliseconds (default 10 000). */
  timeoutMs?: number;
}

/**
 * Runs `cmd` with `args` (no shell) and resolves with its exit code and output.
 * Never rejects because of a non-zero exit; rejects only when the tool cannot be
 * started at all (for example `ENOENT` when it is not installed).
 */
export function runTool(cmd: string, args: readonly string[], opts: RunToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/**
 * Returns the absolute path of executable `cmd` found on `PATH` (plus the sbin
 * folders, where `ldconfig` lives), or `undefined` when it is not installed.
 */
export function findExecutable(cmd: string, envPath = process.env.PATH ?? ''): string | undefined {
  const dirs = [...envPath.split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Last `lines` lines of `text`, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
