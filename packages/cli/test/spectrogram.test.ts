import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackPorts } from '@sounddevice/testbed';
import { JackFeed, sine, waitForPorts } from './jack-feed.js';
import { BIN } from './run-bin.js';

/** The 30 steps of the gradient, built as Python's spectrogram.py does, to read the cells back. */
const STEPS = (() => {
  const colors = [30, 34, 35, 91, 93, 97];
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < colors.length; i++) {
    let [bg, fg] = [colors[i]!, colors[i + 1]!];
    for (const ch of ' :#\t#%:') {
      if (ch === '\t') [bg, fg] = [fg, bg];
      else out.set(`${fg};${bg + 10};${ch}`, out.size);
    }
  }
  return out;
})();

/**
 * The gradient step of every cell of a spectrogram line, or undefined for
 * another line. A cell is written as picocolors nests a foreground around a
 * background colour: ESC[fg m ESC[bg m char ESC[49m ESC[39m.
 */
function steps(line: string): number[] | undefined {
  const cells = [...line.matchAll(/\x1b\[(\d+)m\x1b\[(\d+)m([^\x1b])\x1b\[49m\x1b\[39m/g)].map((m) => STEPS.get(`${m[1]};${m[2]};${m[3]}`));
  return cells.length > 0 && cells.every((s) => s !== undefined) ? (cells as number[]) : undefined;
}

let feed: JackFeed;
beforeAll(async () => {
  feed = await JackFeed.open(sine(1000, 0.5, 48000, 1), 1, { loop: true });
  feed.stream.start();
});
afterAll(async () => {
  await feed.close();
});

describe('sounddevice spectrogram', () => {
  it('draws a 1 kHz sine where 1 kHz is, and + doubles the gain', async () => {
    // A real terminal (pseudo-terminal from script(1)): raw-mode keys work as typed.
    const before = await jackPorts();
    const cmd = [process.execPath, BIN, 'spectrogram', '--device', 'system', '--columns', '80', '--gain', '2'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, TERM: 'xterm-256color' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await feed.feed(await waitForPorts(before, { ins: 1 }));
      const until = async (pred: () => boolean): Promise<void> => {
        for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
      };
      const spectra = (): number[][] => out.split('\n').map(steps).filter((s): s is number[] => s !== undefined && s.some((v) => v > 0));
      await until(() => spectra().length >= 10);
      // 100…2000 Hz in 80 columns: 24.05 Hz each from bin 4, so 1 kHz is column 37.6.
      const before2 = spectra().slice(-5);
      for (const s of before2) {
        expect(s).toHaveLength(80);
        const peak = s.indexOf(Math.max(...s));
        expect(peak).toBeGreaterThanOrEqual(37);
        expect(peak).toBeLessThanOrEqual(38);
        expect(Math.max(...s.slice(0, 20))).toBeLessThan(Math.max(...s));
      }
      const mark = out.length;
      child.stdin.write('+');
      await until(() => out.slice(mark).includes(' gain 4 '));
      expect(out.slice(mark)).toMatch(/#+ gain 4 #+/);
      await until(() => out.slice(out.indexOf(' gain 4 ')).split('\n').map(steps).filter(Boolean).length >= 6);
      const after = out.slice(out.indexOf(' gain 4 ')).split('\n').map(steps).filter((s): s is number[] => s !== undefined).slice(2, 6);
      const total = (rows: number[][]): number => rows.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0) / rows.length;
      expect(total(after)).toBeGreaterThan(total(before2));
      child.stdin.write('q');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGINT');
    }
  });

  /** Runs the spectrogram for 3 s with the sine fed in; returns its stdout. */
  async function runFed(env: Record<string, string | undefined>, pty: boolean): Promise<{ code: number | null; out: string }> {
    const before = await jackPorts();
    const args = [process.execPath, BIN, 'spectrogram', '--device', 'system', '--columns', '80', '--gain', '2', '--duration', '3'];
    const childEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    const child = pty
      ? spawn('script', ['-qfec', args.map((a) => `'${a}'`).join(' '), '/dev/null'], { env: { ...childEnv, TERM: 'xterm-256color' } })
      : spawn(args[0]!, args.slice(1), { env: childEnv });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await feed.feed(await waitForPorts(before, { ins: 1 }));
      return { code: await exited, out };
    } finally {
      child.kill('SIGINT');
    }
  }

  it('writes no colour codes into a pipe: characters of increasing density, the peak at 1 kHz', async () => {
    const { code, out } = await runFed({ FORCE_COLOR: undefined, NO_COLOR: undefined }, false);
    expect(code).toBe(0);
    expect(out).not.toContain('\x1b');
    const ramp = ' .:-=+*#%@';
    const rows = out.split('\n').filter((l) => l.length === 80 && [...l].every((ch) => ramp.includes(ch)) && l.trim() !== '');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows.slice(-5)) {
      const levels = [...row].map((ch) => ramp.indexOf(ch));
      const peak = levels.indexOf(Math.max(...levels));
      expect(peak).toBeGreaterThanOrEqual(37);
      expect(peak).toBeLessThanOrEqual(38);
    }
    // The usage line is there, plain.
    expect(out).toMatch(/^#+ press q, Enter or Ctrl\+C to quit, \+ or - to change the gain #+$/m);
  });

  it('FORCE_COLOR=1 colours a pipe; NO_COLOR=1 keeps a terminal plain', async () => {
    const forced = await runFed({ FORCE_COLOR: '1', NO_COLOR: undefined }, false);
    expect(forced.code).toBe(0);
    expect(forced.out.split('\n').map(steps).filter((s) => s !== undefined && s.length === 80).length).toBeGreaterThanOrEqual(10);
    const plain = await runFed({ NO_COLOR: '1', FORCE_COLOR: undefined }, true);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/press q, Enter or Ctrl\+C to quit/);
    expect(plain.out).not.toMatch(/\x1b\[[\d;]*m/);
  });
});
