/**
 * spectrogram on JACK: silence prints "no input"; a sine played into the
 * input makes lines of coloured cells, brightest in the sine's column; `+`
 * and `-` print the new gain and change the brightness; q/Enter quit with
 * exit code 0, Ctrl+C with code 1. Under a pseudo-terminal (keys) and with
 * piped input (lines, as Python reads them).
 */
import * as sd from '@sounddevice/numeric';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAll, newPorts, portsNow } from './jack.js';
import { type Running, runExample, startExample, startInTerminal } from './run.js';
import { plain } from './terminal.js';

const RATE = 48000;
const COLUMNS = 60;
let running: Running | undefined;

afterEach(async () => {
  sd.stop();
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

// The colour scale of spectrogram.ts, to read levels back from the cells.
const COLOURS = [30, 34, 35, 91, 93, 97];
const GRADIENT: string[] = [];
for (let i = 0; i + 1 < COLOURS.length; i++) {
  for (const shade of [' ', '░', '▒', '▓']) GRADIENT.push(`\x1b[${COLOURS[i + 1]};${COLOURS[i]! + 10}m${shade}`);
}
GRADIENT.push('\x1b[97;107m█');

/** The levels (0 = dark … GRADIENT.length - 1) of a spectrum line, or undefined for other lines. */
function levels(line: string): number[] | undefined {
  if (!line.endsWith('\x1b[0m')) return undefined;
  const cells = line.slice(0, -4).match(/\x1b\[\d+;\d+m./gu);
  if (cells === null || cells.join('') !== line.slice(0, -4)) return undefined;
  return cells.map((c) => GRADIENT.indexOf(c));
}

const outputLines = (text: string): string[] => text.split(/\r*\n/);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Plays a looping 1 kHz sine (amplitude 0.25) into the given input port. */
async function playSineInto(port: string): Promise<void> {
  const sine = Float32Array.from({ length: RATE }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
  const before = await portsNow();
  sd.play(sine, { device: 'system', sampleRate: RATE, loop: true });
  const player = await newPorts(before, { outs: 1 });
  await connectAll(player.outs, [port], 1);
}

describe('spectrogram', () => {
  it('--help, --list-devices: exit code 0; a bad range: exit code 2', async () => {
    const help = await runExample('spectrogram', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/-b, --block-duration <DURATION>\s+block size in milliseconds \(default: 50\)/);
    expect(help.stdout).toMatch(/-g, --gain <GAIN>\s+initial gain factor \(default: 10\)/);
    expect(help.stdout).toMatch(/-r, --range <LOW HIGH\.\.\.>\s+frequency range in Hz \(default: 100 2000\)/);
    const list = await runExample('spectrogram', ['-l']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('vfile_in, ALSA');
    const range = await runExample('spectrogram', ['-r', '2000', '100']);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('HIGH must be greater than LOW');
  });

  it('in a terminal: "no input", then the sine\'s column lights up; + and - change the gain; q quits', async () => {
    const before = await portsNow();
    running = startInTerminal('spectrogram', ['-d', 'system', '-c', String(COLUMNS)], { columns: 80 });
    const mine = await newPorts(before, { ins: 1 });
    await running.waitFor('no input');
    expect(plain(outputLines(running.stdout())[0]!)).toMatch(/^#* 100-2000 Hz, 60 columns, gain 10: press q or <Enter> to quit, \+ or - to change the gain #*$/);

    await playSineInto(mine.ins[0]!);
    await sd.sleep(600);
    const lit = outputLines(running.stdout()).map(levels).filter((l): l is number[] => l !== undefined);
    expect(lit.length).toBeGreaterThan(3);
    const line = lit.at(-1)!;
    expect(line).toHaveLength(COLUMNS);
    expect(line.every((v) => v >= 0)).toBe(true);
    // Column of 1000 Hz: bins are (2000 - 100) / 59 Hz apart, the first shown is floor(100 / delta).
    const delta = 1900 / (COLUMNS - 1);
    const expected = Math.round(1000 / delta) - Math.floor(100 / delta);
    expect(Math.abs(line.indexOf(Math.max(...line)) - expected)).toBeLessThanOrEqual(1);

    // The gain: twice up, then three times down, each change on a line of its own.
    /** The mean of the brightest level of each line printed since `mark`. */
    const levelsSince = (mark: number): number => {
      const all = outputLines(running!.stdout().slice(mark)).map(levels).filter((l): l is number[] => l !== undefined);
      return mean(all.slice(1).map((l) => Math.max(...l))); // skip a line that may have been drawn before the key
    };
    running.child.stdin!.write('+');
    await running.waitFor(' gain 20 ');
    running.child.stdin!.write('+');
    await running.waitFor(' gain 40 ');
    let mark = running.stdout().length;
    await sd.sleep(500);
    const bright = levelsSince(mark);
    running.child.stdin!.write('---');
    await running.waitFor(' gain 5 ');
    mark = running.stdout().length;
    await sd.sleep(500);
    const dark = levelsSince(mark);
    // The sine's peak: 0.25 · 1491 / 2 · gain / 1491 = 5 at gain 40 (the top of the scale), 0.625 at gain 5.
    expect(bright).toBe(GRADIENT.length - 1);
    expect(dark).toBeGreaterThan(8);
    expect(dark).toBeLessThan(15);
    const gainLines = outputLines(running.stdout()).filter((l) => / gain \d+ /.test(l) && !l.includes('press'));
    expect(gainLines.map((l) => /gain (\d+)/.exec(plain(l))![1])).toEqual(['20', '40', '20', '10', '5']);
    expect(plain(gainLines[0]!)).toMatch(/^#+ gain 20 #+$/);
    expect(plain(gainLines[0]!)).toHaveLength(COLUMNS);

    // Another key prints the usage line.
    running.child.stdin!.write('x');
    await running.waitFor(/#+ press q or <Enter> to quit, \+ or - to change the gain #+/);

    running.child.stdin!.write('q');
    const r = await running.exited;
    expect(r.code).toBe(0);
  });

  it('in a terminal, Ctrl+C: "Interrupted by user", exit code 1', async () => {
    running = startInTerminal('spectrogram', ['-d', 'system', '-c', '40']);
    await running.waitFor('no input');
    running.child.stdin!.write('\x03');
    const r = await running.exited;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Interrupted by user');
  });

  it('with piped input: lines as in Python (+<Enter> doubles the gain, an empty line quits)', async () => {
    running = startExample('spectrogram', ['-d', 'system', '-c', '40', '-g', '3']);
    await running.waitFor('no input');
    running.child.stdin!.write('+\n');
    await running.waitFor(' gain 6 ');
    running.child.stdin!.write('\n');
    const r = await running.exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
