import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackPorts } from '@sounddevice/testbed';
import { JackFeed, sine, waitForPorts } from './jack-feed.js';
import { BIN } from './run-bin.js';
import { spawn } from 'node:child_process';
import { TmuxRun } from './tty.js';

// Channel 1: a sine of amplitude 0.5 (peak -6.0 dBFS, RMS -9.0 dBFS); channel 2: 0.1 (-20.0, -23.0).
let feed: JackFeed;
beforeAll(async () => {
  const signal = sine(1000, 1, 48000, 2);
  for (let i = 0; i < signal.length; i += 2) {
    signal[i] = signal[i]! * 0.5;
    signal[i + 1] = signal[i + 1]! * 0.1;
  }
  feed = await JackFeed.open(signal, 2, { loop: true });
  feed.stream.start();
});
afterAll(async () => {
  await feed.close();
});

describe('sounddevice meter', () => {
  it('draws peak and RMS bars per channel on a terminal, redrawn in place', async () => {
    const before = await jackPorts();
    const tty = new TmuxRun(['meter', '--device', 'system', '--interval', '50'], { cols: 100, rows: 8 });
    try {
      await feed.feed(await waitForPorts(before, { ins: 2 }));
      const screen = await tty.waitFor(/ch  1 \[.*\] peak  -6\.0 dB  RMS  -9\.0 dB\nch  2 \[.*\] peak -20\.0 dB  RMS -23\.0 dB/, 10_000);
      expect(screen[0]).toMatch(/^Levels of device \d+ 'system, JACK Audio Connection Kit' \(2 channels/);
      // 60 cells for 60 dB: RMS -9 dB fills 51 cells with █, the peak 3 more with ▒.
      const bar = (line: string): string => /\[(.*)\]/.exec(line)![1]!;
      const rows = screen.filter((l) => l.startsWith('ch '));
      expect(bar(rows[0]!)).toBe(`${'█'.repeat(51)}${'▒'.repeat(3)}${' '.repeat(6)}`);
      expect(bar(rows[1]!)).toBe(`${'█'.repeat(37)}${'▒'.repeat(3)}${' '.repeat(20)}`);
      // Redrawn in place: still exactly one line per channel.
      await new Promise((r) => setTimeout(r, 300));
      expect(tty.screen().filter((l) => l.startsWith('ch '))).toHaveLength(2);
      tty.send('q');
      await tty.waitFor(/\[exit 0\]/, 5000);
    } finally {
      await tty.kill();
    }
  });

  it('prints one line per interval when stdout is not a terminal', async () => {
    const before = await jackPorts();
    const child = spawn(process.execPath, [BIN, 'meter', '-d', 'system', '--interval', '250', '--duration', '2'], { env: process.env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await feed.feed(await waitForPorts(before, { ins: 2 }));
    expect(await exited).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.length, out).toBeGreaterThanOrEqual(5);
    expect(lines.at(-2), out).toBeDefined();
    expect(lines.at(-2)).toBe('ch 1: peak -6.0 dB, RMS -9.0 dB; ch 2: peak -20.0 dB, RMS -23.0 dB');
  });
});
