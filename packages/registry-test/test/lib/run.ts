/** Child processes with a clean environment, bounded in time, output captured. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the process after this long (default 120 s). */
  timeoutMs?: number;
  /** Throw unless the exit code is 0 (default true). */
  check?: boolean;
}

/**
 * The environment for a user's shell: this process's, less everything pnpm,
 * turbo, vitest and npm put in it while running the workspace's scripts (so a
 * child `npm` sees no workspace configuration), plus `extra`.
 */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NPM_|pnpm_|PNPM_|TURBO_|VITEST|NODE_OPTIONS$|NODE_PATH$|INIT_CWD$|NAPI_RS_)/.test(key)) continue;
    if (key === 'TEST' || key === 'NODE_ENV' || key === 'MODE' || key === 'PROD' || key === 'DEV' || key === 'SSR') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `command args` and collects its output; throws (with that output) on failure. */
export function run(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = { code, signal, stdout, stderr, ms: Date.now() - started };
      if ((opts.check ?? true) && code !== 0) {
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${opts.cwd}) ${signal ? `was killed (${signal}, timeout ${timeoutMs} ms)` : `exited with ${code}`}\n` +
              `--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          ),
        );
      } else {
        resolve(result);
      }
    });
  });
}
