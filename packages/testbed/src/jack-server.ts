import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tail } from './exec.js';
import { jackEnv, jackServerRunning } from './jack-tools.js';
import { reclaimStaleJackServers } from './jack-registry.js';
import { testbedPaths } from './paths.js';

/** How to start a JACK dummy server. */
export interface JackdSpec {
  dir: string;
  period: number;
  rate: number;
  serverName: string | undefined;
}

/**
 * Whether jackd runs with real-time scheduling (`-R`). Off by default: on
 * shared machines a real-time server stalled on clients that died mid-cycle
 * (seen in CI runs), while `--no-realtime` at period 256 is reliable.
 * `SOUNDDEVICE_TESTBED_REALTIME=1` turns it on (as root).
 */
export function jackRealtime(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SOUNDDEVICE_TESTBED_REALTIME === '1';
}

/** The command line of the testbed's JACK dummy server. */
export function jackdArgs(spec: Omit<JackdSpec, 'dir'>): string[] {
  const name = spec.serverName === undefined ? [] : ['-n', spec.serverName];
  const scheduling = jackRealtime() ? '-R' : '--no-realtime';
  return [...name, scheduling, '-d', 'dummy', '-r', String(spec.rate), '-p', String(spec.period)];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function logTail(logFile: string): string {
  try {
    return tail(readFileSync(logFile, 'utf8'));
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `jackd` detached (it outlives this process), logging to `dir/jackd.log`,
 * and waits up to `timeoutMs` until the server answers `jack_wait -c`.
 * Resolves with its pid. Rejects, with the log's end, if jackd exits or never answers.
 */
export async function spawnJackd(spec: JackdSpec, timeoutMs = 10_000): Promise<number> {
  const { jackLog } = testbedPaths(spec.dir);
  // Killed servers' entries would otherwise fill JACK's registry (8 per machine).
  reclaimStaleJackServers();
  const log = openSync(jackLog, 'a');
  let exited: string | undefined;
  let child;
  try {
    child = spawn('jackd', jackdArgs(spec), {
      cwd: spec.dir,
      detached: true,
      stdio: ['ignore', log, log],
      env: jackEnv({ serverName: spec.serverName }),
    });
  } finally {
    closeSync(log);
  }
  child.on('error', (err) => (exited = err.message));
  child.on('exit', (code, signal) => (exited = `exit code ${String(code)}, signal ${String(signal)}`));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sleep(20);
    if (exited !== undefined) {
      throw new Error(`jackd ${jackdArgs(spec).join(' ')} stopped (${exited}). Log ${jackLog}:\n${logTail(jackLog)}`);
    }
    if (await jackServerRunning({ serverName: spec.serverName })) break;
    if (Date.now() >= deadline) {
      child.kill('SIGKILL');
      throw new Error(`jackd did not answer within ${timeoutMs} ms. Log ${jackLog}:\n${logTail(jackLog)}`);
    }
  }
  if (child.pid === undefined) throw new Error('jackd started without a pid');
  return child.pid;
}
