/**
 * Shared helpers of the reliability suite: the testbed, the CI/long switch,
 * process resource counts (RSS, file descriptors, threads), child Node
 * processes with signals, and this process's JACK ports.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { inject } from 'vitest';
import { type TestbedInfo, jackPorts } from '@sounddevice/testbed';
import { RawOutputStream } from '@sounddevice/raw';

declare module 'vitest' {
  export interface ProvidedContext {
    sounddeviceTestbed: TestbedInfo;
  }
}

/** The running testbed (paths of the `vfile_out`/`vfile_in` files, JACK period and rate). */
export function testbed(): TestbedInfo {
  return inject('sounddeviceTestbed');
}

/** `SOUNDDEVICE_LONG=1`: run the long variants. */
export const LONG = process.env.SOUNDDEVICE_LONG === '1';

/** `ci` in the CI run, `long` in the long variant (`SOUNDDEVICE_LONG=1`). */
export function count(ci: number, long: number): number {
  return LONG ? long : ci;
}

v8.setFlagsFromString('--expose-gc');
const _gc = vm.runInNewContext('gc') as () => void;

/** Runs the garbage collector (and lets finalizers run) a few times. */
export async function collectGarbage(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    _gc();
    await delay(10);
  }
}

/** What this process holds right now. */
export interface ResourceCounts {
  /** Resident set size in bytes. */
  rss: number;
  /** V8's heap: reserved (`heapTotal`) and used bytes. */
  heapTotal: number;
  heapUsed: number;
  /** Open file descriptors (`/proc/self/fd`). */
  fds: number;
  /** Threads (`/proc/self/task`). */
  threads: number;
}

export function resourceCounts(): ResourceCounts {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapTotal: m.heapTotal,
    heapUsed: m.heapUsed,
    fds: readdirSync('/proc/self/fd').length,
    threads: readdirSync('/proc/self/task').length,
  };
}

/** Resource counts after garbage collection, once the counts of threads and fds have settled. */
export async function settledCounts(): Promise<ResourceCounts> {
  await collectGarbage();
  let last = resourceCounts();
  for (let i = 0; i < 50; i++) {
    await delay(20);
    const now = resourceCounts();
    if (now.fds === last.fds && now.threads === last.threads) return now;
    last = now;
  }
  return last;
}

export const MB = 1024 * 1024;

/**
 * How much the process grew from `before` to `after`, in MB: `rss` as
 * measured; `native`, the part of RSS that is not V8's heap reservation
 * (V8 grows `heapTotal` in steps of several MB by its own heuristics, a leak
 * shows in `heapUsed` instead); `heapUsed`.
 */
export function growth(before: ResourceCounts, after: ResourceCounts): { rss: number; native: number; heapUsed: number } {
  const mb = (x: number): number => Number((x / MB).toFixed(2));
  return {
    rss: mb(after.rss - before.rss),
    native: mb(after.rss - after.heapTotal - (before.rss - before.heapTotal)),
    heapUsed: mb(after.heapUsed - before.heapUsed),
  };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(2);
  }
}

/** Rejects if `promise` does not settle within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what = 'promise'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Absolute path of a file in test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** What a child Node process did. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The process did not exit by itself within the time limit and was killed. */
  timedOut: boolean;
  /** Milliseconds from the child's first `ready` line on stdout (or from spawning) to its exit. */
  exitMs: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Variables of this process's environment the child must not inherit. */
  unset?: readonly string[];
  /** Extra `node` arguments (`--expose-gc`, …). */
  nodeArgs?: readonly string[];
  timeoutMs?: number;
  /** Called once the child prints a line `ready` on stdout. */
  onReady?: (child: { kill(signal: NodeJS.Signals): void; pid: number | undefined }) => void;
}

/**
 * Runs `node [nodeArgs] script ...args` (SIGKILLed after `timeoutMs`).
 * `exitMs` measures from the child's `ready` line to its exit.
 */
export function runNode(script: string, args: readonly string[] = [], options: RunOptions = {}): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of options.unset ?? []) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let readyAt: number | undefined;
    const spawnedAt = performance.now();
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (readyAt === undefined && /^ready$/m.test(stdout)) {
        readyAt = performance.now();
        options.onReady?.({ kill: (s) => child.kill(s), pid: child.pid });
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, exitMs: performance.now() - (readyAt ?? spawnedAt) });
    });
  });
}

/** The last line of `stdout` parsed as JSON (children print their report last). */
export function report<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** Signs of a crash in a child's stderr: assertions, segfaults, aborts, Rust panics, core dumps. */
export const CRASH_PATTERN = /Assertion|Segmentation fault|core dumped|Aborted|panicked|SIGSEGV|SIGABRT|FATAL ERROR|double free|free\(\)|malloc\(\)/i;

let _ownClient: Promise<string> | undefined;

/**
 * The name of this process's PortAudio JACK client (`PortAudio`, or
 * `PortAudio-NN` when another process has that name), found by opening a
 * stream and seeing whose ports appear.
 */
export function ownJackClient(): Promise<string> {
  _ownClient ??= (async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = new Set(await jackPorts());
      const probe = new RawOutputStream({ device: 'system', channels: 1 });
      let fresh: string[];
      try {
        fresh = (await jackPorts()).filter((p) => !before.has(p) && /^PortAudio[^:]*:out_\d+$/.test(p));
      } finally {
        await probe.close();
      }
      if (fresh.length === 1) return fresh[0]!.slice(0, fresh[0]!.indexOf(':'));
    }
    throw new Error("cannot tell this process's PortAudio JACK client from other processes'");
  })();
  return _ownClient;
}

/** The JACK ports of this process's PortAudio client that exist now. */
export async function portAudioPorts(): Promise<string[]> {
  const client = await ownJackClient();
  return (await jackPorts()).filter((p) => p.startsWith(`${client}:`) && /:(in|out)_\d+$/.test(p));
}

/** Every PortAudio client port on the testbed's JACK server (all processes). */
export async function allPortAudioPorts(): Promise<string[]> {
  return (await jackPorts()).filter((p) => /^PortAudio[^:]*:(in|out)_\d+$/.test(p));
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
