/**
 * Exit: a process with streams of every kind running (callback, duplex,
 * array, processor worker, blocking with a pending write, play() on JACK,
 * a recording on ALSA) ends within 2 s of being told to — normally, by an
 * uncaught exception or an unhandled rejection, by SIGINT or SIGTERM with
 * and without a handler — with the expected exit code or signal, no crash
 * (no assertion, abort, segfault or panic on stderr) and none of its JACK
 * ports left on the server.
 *
 * Without a handler Node does not run exit hooks on SIGINT/SIGTERM: the
 * kernel ends the process and the JACK server drops its client, which is
 * what "killed by the signal" means here. In every other case the
 * library's 'exit' hook closes every stream and terminates PortAudio before
 * the process ends (checked from an 'exit' listener of the child).
 *
 * CI: every way once. Long: every way 20 times.
 */
import { jackPorts } from '@sounddevice/testbed';
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, type ChildResult, count, fixture, runNode } from './helpers.js';

interface Way {
  how: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Signal the parent sends once the child is ready. */
  send?: NodeJS.Signals;
  stderr?: RegExp;
}

const WAYS: Way[] = [
  { how: 'exit', code: 0, signal: null },
  { how: 'throw', code: 1, signal: null, stderr: /uncaught while streaming/ },
  { how: 'reject', code: 1, signal: null, stderr: /unhandled rejection while streaming/ },
  { how: 'sigint', code: null, signal: 'SIGINT', send: 'SIGINT' },
  { how: 'sigterm', code: null, signal: 'SIGTERM', send: 'SIGTERM' },
  { how: 'sigint-handler', code: 130, signal: null, send: 'SIGINT' },
  { how: 'sigterm-handler', code: 143, signal: null, send: 'SIGTERM' },
];

async function run(way: Way): Promise<{ child: ChildResult; ports: string[] }> {
  const child = await runNode(fixture('exit-running.mjs'), [way.how, fixture('noop-processor.mjs')], {
    timeoutMs: 15_000,
    onReady: (c) => {
      if (way.send !== undefined) c.kill(way.send);
    },
  });
  const first = child.stdout.split('\n')[0] ?? '{}';
  const { ports } = JSON.parse(first) as { ports: string[] };
  return { child, ports };
}

describe('a process with streams running', () => {
  it.each(WAYS.map((w) => [w.how, w] as const))('ends cleanly within 2 s: %s', async (_how, way) => {
    const times: number[] = [];
    for (let i = 0; i < count(1, 20); i++) {
      const { child, ports } = await run(way);
      const what = `${way.how}: ${JSON.stringify({ code: child.code, signal: child.signal })}\n${child.stderr}`;
      expect(child.timedOut, what).toBe(false);
      expect(child.stderr, what).not.toMatch(CRASH_PATTERN);
      expect(child.code, what).toBe(way.code);
      expect(child.signal, what).toBe(way.signal);
      if (way.stderr) expect(child.stderr).toMatch(way.stderr);
      expect(child.exitMs, what).toBeLessThan(2000);
      times.push(Math.round(child.exitMs));
      // 1 + 2 + 2 + 1 + 2 + 1 (play) ports while running; none left afterwards.
      expect(ports).toHaveLength(9);
      const left = (await jackPorts()).filter((p) => ports.includes(p));
      expect(left).toEqual([]);
      // Unless killed by the signal, the streams were closed and PortAudio
      // terminated before the process ended.
      const atExit = child.stdout.match(/\{"atExit":.*\}/)?.[0];
      if (way.signal === null) expect(JSON.parse(atExit ?? '{}')).toEqual({ atExit: { terminated: true, closed: true } });
      else expect(atExit).toBeUndefined();
    }
    console.log(`exit ${way.how}: ms from ready to exit ${JSON.stringify(times)}`);
  });
});
