/**
 * plot-input under a pseudo-terminal, on JACK: a sine played into its input
 * fills the plot around the zero line in the channel's colour; q quits with
 * exit code 0 and restores the terminal, Ctrl+C with code 1.
 */
import * as sd from '@sounddevice/numeric';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAll, newPorts, portsNow } from './jack.js';
import { type Running, runExample, startInTerminal } from './run.js';
import { plain, screens } from './terminal.js';

const RATE = 48000;
let running: Running | undefined;

afterEach(async () => {
  sd.stop();
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

/** Rows of a screen's plot (between the title and the status line) that hold some of `channelColour`'s bars. */
function barRows(screen: string[], channelColour: number): number {
  return screen.slice(1, -1).filter((row) => row.includes(`\x1b[${channelColour}m█`)).length;
}

describe('plot-input', () => {
  it('--help, --list-devices: exit code 0; channel 0: exit code 2', async () => {
    const help = await runExample('plot-input', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: plot-input \[options\] \[CHANNEL\.\.\.\]/);
    expect(help.stdout).toMatch(/-w, --window <DURATION>\s+visible time slot in ms \(default: 200\)/);
    expect(help.stdout).toMatch(/-n, --downsample <N>\s+display every Nth sample \(default: 10\)/);
    const list = await runExample('plot-input', ['--list-devices']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('system, JACK Audio Connection Kit');
    const zero = await runExample('plot-input', ['0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('argument CHANNEL: must be >= 1');
  });

  it('draws a flat line for silence, the sine once it is connected; q quits and restores the terminal', async () => {
    const before = await portsNow();
    running = startInTerminal('plot-input', ['-d', 'system', '2'], { columns: 100, rows: 30 });
    const mine = await newPorts(before, { ins: 2 });
    await running.waitFor('every 10th sample');
    await sd.sleep(300);
    const silent = screens(running.stdout()).at(-2)!;
    expect(plain(silent[0]!)).toContain('■ channel 2   200 ms at 48000 Hz, every 10th sample   q: quit');
    expect(silent).toHaveLength(30);
    expect(barRows(silent, 34)).toBe(1); // channel 2 is drawn in the first colour: only the zero line

    // A 375 Hz sine of amplitude 0.5 on the device's second input.
    const sine = Float32Array.from({ length: RATE }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 375 * i) / RATE));
    const beforePlay = await portsNow();
    sd.play(sine, { device: 'system', sampleRate: RATE, loop: true });
    const player = await newPorts(beforePlay, { outs: 1 });
    await connectAll(player.outs, [mine.ins[1]!], 1);
    await sd.sleep(800);
    const drawn = screens(running.stdout()).at(-2)!;
    // 28 rows for -1..1: the sine covers about half of them, on both sides of the zero line.
    expect(barRows(drawn, 34)).toBeGreaterThanOrEqual(12);
    expect(barRows(drawn, 34)).toBeLessThanOrEqual(17);

    running.child.stdin!.write('q');
    const r = await running.exited;
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\x1b[?1049h')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('\x1b[?25h\x1b[?1049l')).toBe(true);
  });

  it('Ctrl+C: "Interrupted by user", exit code 1', async () => {
    running = startInTerminal('plot-input', ['-d', 'system']);
    await running.waitFor('q: quit');
    running.child.stdin!.write('\x03');
    const r = await running.exited;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Interrupted by user');
  });
});
