/**
 * Faults: the JACK server is killed (SIGKILL, and stopped with SIGTERM)
 * while streams of every kind run on it — callback, array duplex, processor,
 * blocking write and read pending, play() — in a child process using a
 * private JACK server this test starts (never the testbed's). Within 2 s
 * every stream reports a PortAudioError (-9985, device unavailable), becomes
 * inactive, `finished` settles, the pending write and read reject, `wait()`
 * settles; stop()/abort()/close() return at once (PortAudio would block for
 * 10 minutes or abort the process); an ALSA stream of the same process
 * carries on. After the server is started again, `reinitialize()` finds it
 * and new streams work. The process then exits by itself, cleanly. Also:
 * the server dying with no stream running (one opened, never started), and
 * a process exiting right after its streams were lost.
 *
 * CI: two kill/restart rounds with SIGKILL, one with SIGTERM. Long: 20
 * rounds with SIGKILL.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_PATTERN, count, fixture, testbed } from './helpers.js';

/**
 * The private server's name: never the testbed's, never another package's,
 * never another checkout's (a hash of this folder). Stable across runs on
 * purpose: this server is SIGKILLed, and JACK frees a killed server's entry in
 * its registry (8 entries) only when a server of the same name starts again.
 */
const SERVER = `sounddevice-reliability-fault-${createHash('sha256').update(fileURLToPath(import.meta.url)).digest('hex').slice(0, 8)}`;

/** A JACK dummy server of this test's own, started, killed and restarted at will. */
class PrivateJack {
  proc: ChildProcess | undefined;
  // Next to the server name, which is machine-wide: runs with other testbed
  // folders (SOUNDDEVICE_TESTBED_DIR) find each other's leftover server too.
  private readonly pidFile = join(tmpdir(), `${SERVER}-jackd.pid`);
  private readonly env = { ...process.env, JACK_DEFAULT_SERVER: SERVER, JACK_NO_AUDIO_RESERVATION: '1' };

  running(): boolean {
    try {
      return execFileSync('jack_wait', ['-c'], { env: this.env, encoding: 'utf8' }).trim() === 'running';
    } catch {
      return false;
    }
  }

  /** Starts it, after stopping one a crashed earlier run of this test may have left. */
  async start(): Promise<number> {
    if (existsSync(this.pidFile)) {
      const stale = Number(readFileSync(this.pidFile, 'utf8'));
      if (this.running()) {
        try {
          process.kill(stale, 'SIGTERM'); // ours: this test wrote the pid file
        } catch {
          // gone already
        }
        for (let i = 0; i < 100 && this.running(); i++) await sleep(20);
      }
    }
    const log = openSync(join(testbed().dir, 'reliability-fault-jackd.log'), 'a');
    try {
      this.proc = spawn('jackd', ['-n', SERVER, '--no-realtime', '-d', 'dummy', '-r', '48000', '-p', '256'], {
        env: this.env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    writeFileSync(this.pidFile, String(this.proc.pid));
    for (let i = 0; i < 250 && !this.running(); i++) await sleep(20);
    if (!this.running()) throw new Error(`jackd -n ${SERVER} did not start`);
    await sleep(300); // its system ports
    return this.proc.pid!;
  }

  /** Waits until the process is gone (reaped). */
  async gone(): Promise<void> {
    const p = this.proc;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise((resolve) => p.once('exit', resolve));
  }

  /** Stops it cleanly (SIGTERM): its entry in JACK's server registry is freed. */
  async stop(): Promise<void> {
    if (this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      await this.gone();
    }
    this.proc = undefined;
  }
}

const jack = new PrivateJack();

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  exitMs: number;
}

/**
 * Runs the fault fixture. When the child asks for it, the server is started
 * again (after the kill the child did, which is awaited first).
 */
function runChild(args: string[], timeoutMs: number): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture('jack-fault.mjs'), ...args], {
      env: { ...process.env, JACK_DEFAULT_SERVER: SERVER, JACK_NO_AUDIO_RESERVATION: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let readyAt: number | undefined;
    let handled = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const asks = stdout.split('\n').filter((l) => l === 'restart-jack').length;
      for (; handled < asks; handled++) {
        void (async () => {
          await jack.gone();
          const pid = await jack.start();
          child.stdin.write(`${pid}\n`);
        })().catch(reject);
      }
      if (readyAt === undefined && /^ready$/m.test(stdout)) readyAt = performance.now();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, exitMs: performance.now() - (readyAt ?? 0) });
    });
  });
}

function lastJson<T>(stdout: string): T {
  const json = stdout.split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(json[json.length - 1]!) as T;
}

interface Settled {
  ms?: number;
  outcome: string;
  code?: number;
  name?: string;
  message?: string;
  value?: unknown;
}

interface Round {
  finished: Record<string, Settled>;
  errors: Record<string, Array<{ ms: number; code: number }>>;
  pending: { write: Settled; read: Settled };
  waits: { wait: Settled; waitStrict: Settled };
  settledMs: number;
  inactive: boolean;
  alsaAlive: boolean;
  halts: Record<string, number | string>;
  reopen: string;
  reinitMs: number;
  names: string[];
  newCalls: number;
}

beforeAll(async () => {
  await jack.start();
});

afterAll(async () => {
  // Whatever happened, the server ends cleanly (freeing its registry entry).
  if (!jack.running()) await jack.start();
  await jack.stop();
});

function expectNoCrash(child: Child): void {
  const what = `${JSON.stringify({ code: child.code, signal: child.signal, timedOut: child.timedOut })}\n${child.stderr}`;
  expect(child.timedOut, what).toBe(false);
  expect(child.stderr, what).not.toMatch(CRASH_PATTERN);
  expect(child.signal, what).toBeNull();
  expect(child.code, what).toBe(0);
}

describe('the JACK server goes away under running streams', () => {
  it.each([
    // Two rounds at least: the second loads a fresh copy of PortAudio while
    // the first copy is in use (its file is gone by then).
    ['SIGKILL', count(2, 20)],
    ['SIGTERM', 1],
  ] as const)('%s: every stream reports and settles within 2 s, nothing hangs; after a restart reinitialize() works (%i rounds)', async (signal, rounds) => {
    if (!jack.running()) await jack.start();
    const child = await runChild(['running', String(jack.proc!.pid), signal, String(rounds), fixture('noop-processor.mjs')], 30_000 + rounds * 10_000);
    expectNoCrash(child);
    const report = lastJson<{ rounds: Round[]; abandoned: number }>(child.stdout);
    console.log(`faults ${signal}: ${JSON.stringify(report.rounds.map((r) => ({ settledMs: Math.round(r.settledMs), reinitMs: Math.round(r.reinitMs), halts: r.halts })))}`);
    expect(report.rounds).toHaveLength(rounds);
    expect(report.abandoned).toBe(rounds);
    for (const r of report.rounds) {
      for (const [name, f] of Object.entries(r.finished)) {
        expect(f.outcome, `${name}: finished`).toBe('rejected');
        expect(f.name, name).toBe('PortAudioError');
        expect(f.code, name).toBe(-9985);
        expect(f.ms!, name).toBeLessThan(2000);
        // Exactly one 'error' per stream, with the same code.
        expect(r.errors[name]!.map((e) => e.code), `${name}: 'error' events`).toEqual([-9985]);
      }
      expect(r.pending.write.outcome).toBe('rejected');
      expect(r.pending.write.code).toBe(-9985);
      expect(r.pending.read.outcome).toBe('rejected');
      expect(r.pending.read.code).toBe(-9985);
      expect(r.waits.wait).toMatchObject({ outcome: 'resolved' });
      expect(r.waits.waitStrict).toMatchObject({ outcome: 'rejected', code: -9985 });
      expect(r.settledMs).toBeLessThan(2000);
      expect(r.inactive).toBe(true);
      expect(r.alsaAlive).toBe(true);
      for (const [name, ms] of Object.entries(r.halts)) {
        expect(typeof ms, `${name}: ${String(ms)}`).toBe('number');
        expect(ms as number, `stop()/abort() and close() of ${name}`).toBeLessThan(200);
      }
      expect(r.reopen).toMatch(/JACK server this process was using went away.*reinitialize\(\)/);
      expect(r.names).toContain('system');
      expect(r.newCalls).toBeGreaterThanOrEqual(10);
      expect(r.reinitMs).toBeLessThan(2000);
    }
  });

  it('with PortAudio initialized and a stream open but never started: closing it and exiting are immediate', async () => {
    if (!jack.running()) await jack.start();
    const child = await runChild(['idle', String(jack.proc!.pid), 'SIGKILL', '1', fixture('noop-processor.mjs')], 15_000);
    expectNoCrash(child);
    const { closeMs } = lastJson<{ closeMs: number }>(child.stdout);
    expect(closeMs).toBeLessThan(200);
    expect(child.exitMs).toBeLessThan(2000);
  });

  it('a process whose streams were lost exits by itself at once, without touching the dead client', async () => {
    if (!jack.running()) await jack.start();
    const child = await runChild(['exit', String(jack.proc!.pid), 'SIGKILL', '1', fixture('noop-processor.mjs')], 15_000);
    expectNoCrash(child);
    const r = lastJson<{ reportedMs: number; outcomes: string[] }>(child.stdout);
    expect(r.outcomes).toEqual(['rejected', 'rejected']);
    expect(r.reportedMs).toBeLessThan(2000);
    expect(child.exitMs).toBeLessThan(2000);
  });
});
