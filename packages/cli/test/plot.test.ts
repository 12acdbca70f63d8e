import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackPorts } from '@sounddevice/testbed';
import { JackFeed, sine, waitForPorts } from './jack-feed.js';
import { runBin } from './run-bin.js';
import { TmuxRun } from './tty.js';

let feed: JackFeed;
beforeAll(async () => {
  feed = await JackFeed.open(sine(50, 0.5, 48000, 1), 1, { loop: true });
  feed.stream.start();
});
afterAll(async () => {
  await feed.close();
});

describe('sounddevice plot', () => {
  it('draws the live waveform in braille dots on a terminal', async () => {
    const before = await jackPorts();
    const tty = new TmuxRun(['plot', '--device', 'system', '--window', '100'], { cols: 80, rows: 24 });
    try {
      await feed.feed(await waitForPorts(before, { ins: 1 }));
      // Five periods of a 50 Hz sine of amplitude 0.5 in 100 ms: the line goes up and
      // down through the middle half of the 21-row band.
      const screen = await tty.waitFor(/── channel 1 ─+\n[^]*[\u2801-\u28ff]/, 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const rows = tty.screen();
      expect(rows[0]).toMatch(/^device \d+ 'system, JACK Audio Connection Kit', 1 channel \(1\), 48000 Hz/);
      const band = rows.slice(2, 23);
      const inked = band.map((r) => [...r].filter((ch) => ch > '\u2800' && ch <= '\u28ff').length);
      // Top and bottom quarter stay empty (amplitude 0.5), the middle rows carry dots.
      expect(inked.slice(0, 4).every((n) => n === 0), band.join('\n')).toBe(true);
      expect(inked.slice(-4).every((n) => n === 0), band.join('\n')).toBe(true);
      expect(inked.filter((n) => n > 0).length, band.join('\n')).toBeGreaterThanOrEqual(9);
      expect(screen.join('\n')).not.toContain('[exit');
    } finally {
      await tty.kill();
    }
  });

  it('refuses to draw without a terminal, in one line', async () => {
    const r = await runBin(['plot', '--device', 'system', '--duration', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("sounddevice: error: plot draws on a terminal: run it in one, or use 'plot --web' for a browser\n");
  });
});
