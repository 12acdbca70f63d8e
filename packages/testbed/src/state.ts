import { readFile, rm, writeFile } from 'node:fs/promises';
import { isAlive, isJackd } from './proc.js';
import { testbedPaths } from './paths.js';

/** What the testbed records about the jackd it started (`state.json`). */
export interface JackState {
  pid: number;
  period: number;
  rate: number;
  serverName?: string;
  startedAt: string;
}

/** Reads `dir/state.json`; `undefined` when missing or unreadable. */
export async function readJackState(dir: string): Promise<JackState | undefined> {
  try {
    const value = JSON.parse(await readFile(testbedPaths(dir).stateFile, 'utf8')) as Partial<JackState>;
    if (typeof value.pid !== 'number' || typeof value.period !== 'number' || typeof value.rate !== 'number') {
      return undefined;
    }
    return value as JackState;
  } catch {
    return undefined;
  }
}

/** Writes `dir/state.json` and `dir/jackd.pid`. */
export async function writeJackState(dir: string, state: JackState): Promise<void> {
  const paths = testbedPaths(dir);
  await writeFile(paths.jackPidFile, `${state.pid}\n`);
  await writeFile(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes `dir/state.json` and `dir/jackd.pid`. */
export async function clearJackState(dir: string): Promise<void> {
  const paths = testbedPaths(dir);
  await rm(paths.stateFile, { force: true });
  await rm(paths.jackPidFile, { force: true });
}

/**
 * Returns the recorded state when its jackd still runs (pid alive and its
 * command line is jackd); otherwise clears stale state and returns `undefined`.
 */
export async function ownJackd(dir: string): Promise<JackState | undefined> {
  const state = await readJackState(dir);
  if (state && isAlive(state.pid) && isJackd(state.pid)) return state;
  if (state) await clearJackState(dir);
  return undefined;
}
