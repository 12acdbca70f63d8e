/**
 * Runs py/scenarios.py in the venv's python: to completion, or interactively
 * (lines it prints are awaited, lines are sent to its stdin).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { python } from './context.js';

const SCRIPT = fileURLToPath(new URL('../py/scenarios.py', import.meta.url));

/** A running scenario. */
export interface PythonRun<R> {
  /** Resolves when the script printed `line` (rejects if it exits first). */
  printed(line: string): Promise<void>;
  /** Sends one line to the script's stdin. */
  send(line: string): void;
  /** The scenario's result (the JSON of its `RESULT` line); rejects on failure or timeout. */
  result: Promise<R>;
}

function _describe(name: string, code: number | null, signal: string | null, stderr: string): string {
  return `scenarios.py ${name} failed (exit ${code ?? signal}): ${stderr.trim().slice(-2000)}`;
}

function _attach<R>(child: ChildProcessWithoutNullStreams, name: string, timeoutMs: number): PythonRun<R> {
  const lines: string[] = [];
  const waiters: Array<{ line: string; resolve: () => void; reject: (e: Error) => void }> = [];
  let stderr = '';
  let pending = '';
  let exited: Error | undefined;
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.line === line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise<R>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const found = lines.find((l) => l.startsWith('RESULT '));
      if (code === 0 && found !== undefined) {
        resolve(JSON.parse(found.slice('RESULT '.length)) as R);
        return;
      }
      exited = new Error(_describe(name, code, signal, stderr));
      for (const w of waiters.splice(0)) w.reject(exited);
      reject(exited);
    });
  });
  // A test that fails while waiting for a line still awaits `result` later, or not at all.
  result.catch(() => undefined);
  return {
    printed: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : exited
          ? Promise.reject(exited)
          : new Promise<void>((resolve, reject) => waiters.push({ line, resolve, reject })),
    send: (line) => {
      child.stdin.write(`${line}\n`);
    },
    result,
  };
}

/** Starts `scenarios.py name JSON(params)`; it is killed after `timeoutMs`. */
export function startPython<R>(name: string, params: object, timeoutMs = 60_000): PythonRun<R> {
  const child = spawn(python(), [SCRIPT, name, JSON.stringify(params)], {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return _attach<R>(child, name, timeoutMs);
}

/** Runs `scenarios.py name JSON(params)` to the end and returns its result. */
export function runPython<R>(name: string, params: object, timeoutMs = 60_000): Promise<R> {
  return startPython<R>(name, params, timeoutMs).result;
}
