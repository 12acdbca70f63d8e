/**
 * `sounddevice devices --watch`: the list, then each change as it happens,
 * until Ctrl+C (a PCM added to and removed from the testbed's ALSA
 * configuration while the command runs).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addAlsaPcm, removeAlsaPcm } from '@sounddevice/testbed';
import { BIN } from './run-bin.js';

/** Runs the command and hands out its stdout lines as they come. */
function start(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: process.env });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitLine = async (match: (l: string) => boolean, what: string): Promise<string> => {
    for (const until = Date.now() + 5000; Date.now() < until; ) {
      const found = lines.find(match);
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no line with ${what}; got:\n${lines.join('\n')}\nstderr: ${stderr}`);
  };
  return { child, lines, exited, waitLine, stderr: () => stderr };
}

describe('sounddevice devices --watch', () => {
  it('--json prints the list, then one JSON object per change, and ends cleanly on SIGINT', async () => {
    const run = start(['devices', '--watch', '--json']);
    try {
      const first = JSON.parse(await run.waitLine((l) => l.startsWith('{"type":"list"'), 'the list')) as { devices: { name: string }[] };
      expect(first.devices.map((d) => d.name)).toContain('vfile_out');
      await addAlsaPcm('vcliwatch');
      const added = JSON.parse(await run.waitLine((l) => l.includes('"added"') && l.includes('vcliwatch'), 'the added PCM'));
      expect(added).toMatchObject({ type: 'added', hostApiName: 'ALSA', cause: 'alsa-config', device: { name: 'vcliwatch' } });
      expect(typeof added.time).toBe('string');
      await removeAlsaPcm('vcliwatch');
      const removed = JSON.parse(await run.waitLine((l) => l.includes('"removed"') && l.includes('vcliwatch'), 'the removed PCM'));
      expect(removed).toMatchObject({ type: 'removed', device: { name: 'vcliwatch' } });
      // Every line is one JSON object.
      for (const l of run.lines) expect(() => JSON.parse(l)).not.toThrow();
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    expect(run.stderr()).not.toMatch(/error/i);
  });

  it('prints text lines: + and - with the device, host API and channels', async () => {
    const run = start(['devices', '--watch']);
    try {
      await run.waitLine((l) => /vfile_out, ALSA/.test(l), 'the list');
      await addAlsaPcm('vclitext');
      expect(await run.waitLine((l) => l.startsWith('+ vclitext'), 'the added PCM')).toMatch(/^\+ vclitext, ALSA \(\d+ in, \d+ out\)$/);
      await removeAlsaPcm('vclitext');
      expect(await run.waitLine((l) => l.startsWith('- vclitext'), 'the removed PCM')).toMatch(/^- vclitext, ALSA /);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});
