import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What `/proc` says about a process id. */
export type ProcessState = 'alive' | 'zombie' | 'gone';

/** Returns whether `pid` runs, has exited but was not reaped yet (`zombie`), or is `gone`. */
export function processState(pid: number): ProcessState {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? 'zombie' : 'alive';
  } catch {
    // No /proc entry (or no /proc at all): fall back to a signal-0 probe.
    try {
      process.kill(pid, 0);
      return 'alive';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
    }
  }
}

/** True when `pid` is a running (not zombie) process. */
export function isAlive(pid: number): boolean {
  return processState(pid) === 'alive';
}

/** True when `pid` runs the `jackd` executable, judged from `/proc/<pid>/cmdline`. */
export function isJackd(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    const name = path.basename(argv0);
    return name === 'jackd' || name === 'jackdmp';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `pid` is no longer alive; resolves `false` on timeout. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * Sends SIGTERM to `pid`, waits up to `graceMs` for it to exit, then sends SIGKILL
 * and waits again. Resolves `true` once the process is gone.
 */
export async function terminate(pid: number, graceMs = 5_000): Promise<boolean> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  if (await waitForExit(pid, graceMs)) return true;
  signal('SIGKILL');
  return waitForExit(pid, 2_000);
}
