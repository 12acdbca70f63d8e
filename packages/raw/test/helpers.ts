/**
 * Shared helpers of the raw test suite: the testbed's devices and files,
 * deterministic test signals in every dtype, and comparisons of what went
 * through PortAudio.
 */
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { type TestbedInfo, jackConnect, jackConnections, jackDisconnect, jackPorts } from '@sounddevice/testbed';
import { type DType, RawOutputStream } from '../src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sounddeviceTestbed: TestbedInfo;
  }
}

/** The running testbed (paths of the `vfile_out`/`vfile_in` files, JACK period and rate). */
export function testbed(): TestbedInfo {
  return inject('sounddeviceTestbed');
}

export const ALL_DTYPES: readonly DType[] = ['float32', 'int32', 'int24', 'int16', 'int8', 'uint8'];

export const BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  int32: 4,
  int24: 3,
  int16: 2,
  int8: 1,
  uint8: 1,
};

/** The byte PortAudio (and the engine) fill silence with. */
export function silenceByte(dtype: DType): number {
  return dtype === 'uint8' ? 0x80 : 0;
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

/**
 * `frames` frames of pseudo-random samples in `dtype`, interleaved, in which
 * no sample is silence (so every frame can be told from PortAudio's priming
 * and underflow silence) and float32 samples are exact values in (-1, 1)
 * (never -0, never NaN), so no conversion or clipping can apply.
 */
export function makeSignal(dtype: DType, channels: number, frames: number, seed = 1): Buffer {
  const next = prng(seed);
  const n = frames * channels;
  const size = BYTES[dtype];
  const out = Buffer.alloc(n * size);
  const silence = silenceByte(dtype);
  for (let i = 0; i < n; i++) {
    const r = next();
    const at = i * size;
    if (dtype === 'float32') {
      const magnitude = ((r & 0x7fffff) | 1) / 0x800000; // k / 2^23, 0 < k < 2^23
      out.writeFloatLE(r & 0x80000000 ? -magnitude : magnitude, at);
    } else {
      for (let b = 0; b < size; b++) out[at + b] = (r >>> (8 * b)) & 0xff;
      if (out.subarray(at, at + size).every((x) => x === silence)) out[at] = silence ^ 0x01;
    }
  }
  return out;
}

/** True when the frame at `frame` of `bytes` holds only silence. */
export function isSilentFrame(bytes: Uint8Array, frame: number, frameBytes: number, silence: number): boolean {
  for (let i = frame * frameBytes; i < (frame + 1) * frameBytes; i++) if (bytes[i] !== silence) return false;
  return true;
}

/** Index of the first frame that is not silence, or -1. */
export function firstSoundFrame(bytes: Uint8Array, frameBytes: number, silence: number): number {
  const frames = bytes.byteLength / frameBytes;
  for (let f = 0; f < frames; f++) if (!isSilentFrame(bytes, f, frameBytes, silence)) return f;
  return -1;
}

/** The frames of `bytes` that are not silence, concatenated. */
export function soundFrames(bytes: Uint8Array, frameBytes: number, silence: number): Buffer {
  const frames = bytes.byteLength / frameBytes;
  const kept: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    if (!isSilentFrame(bytes, f, frameBytes, silence)) kept.push(bytes.subarray(f * frameBytes, (f + 1) * frameBytes));
  }
  return Buffer.concat(kept);
}

/** Length in bytes of the common prefix of `a` and `b`. */
export function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
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

let _ownClient: Promise<string> | undefined;

/**
 * The name of this process's PortAudio JACK client (`PortAudio`, or
 * `PortAudio-NN` when another process on the same JACK server has that
 * name), found by opening a stream and seeing whose ports appear.
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

/** After `reinitialize()`: PortAudio's JACK client was re-created, maybe under another name. */
export function forgetOwnJackClient(): void {
  _ownClient = undefined;
}

/** The JACK ports of this process's PortAudio client that exist now (other processes' are ignored). */
export async function portAudioPorts(): Promise<string[]> {
  const client = await ownJackClient();
  return (await jackPorts()).filter((p) => p.startsWith(`${client}:`) && /:(in|out)_\d+$/.test(p));
}

/**
 * Connects the outputs of a just-opened stream to its own inputs (out_N →
 * in_N, in the order PortAudio registered them). Call after opening and
 * before starting; `before` is {@link portAudioPorts} taken before opening,
 * so that only the new stream's ports are used. Returns the new ports.
 */
export async function loopStreamPorts(before: readonly string[]): Promise<string[]> {
  const fresh = (await portAudioPorts()).filter((p) => !before.includes(p));
  const byNumber = (a: string, b: string): number => Number(a.split('_').pop()) - Number(b.split('_').pop());
  const ins = fresh.filter((p) => /:in_\d+$/.test(p)).sort(byNumber);
  const outs = fresh.filter((p) => /:out_\d+$/.test(p)).sort(byNumber);
  if (ins.length === 0 || ins.length !== outs.length) {
    throw new Error(`expected as many new PortAudio inputs as outputs, got ${fresh.join(', ')}`);
  }
  for (let i = 0; i < ins.length; i++) await jackConnect(outs[i]!, ins[i]!);
  return fresh;
}

/**
 * Removes the connections between `ports` and `system:*` (start() makes
 * them; a loopback must not hear the dummy capture ports).
 */
export async function disconnectSystem(ports: readonly string[]): Promise<void> {
  for (const [src, dst] of await jackConnections()) {
    const ours = ports.includes(src) || ports.includes(dst);
    if (ours && (src.startsWith('system:') || dst.startsWith('system:'))) await jackDisconnect(src, dst);
  }
}

/** What a child Node process did. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The process did not exit by itself within the time limit and was killed. */
  timedOut: boolean;
}

/**
 * Runs `node script ...args` (killed after `timeoutMs`), with `env` added to
 * this environment and the variables in `unset` removed.
 */
export function runNode(
  script: string,
  args: readonly string[] = [],
  options: { env?: Record<string, string>; unset?: readonly string[]; timeoutMs?: number } = {},
): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of options.unset ?? []) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Absolute path of a file in test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}
