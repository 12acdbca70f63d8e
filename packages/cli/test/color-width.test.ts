/** Unit tests of the colour decision and of the width-aware live lines (no audio). */
import { beforeAll, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { colorEnabled } from '../src/color.js';
import { LiveLines, loadTextWidth, truncate } from '../src/tty.js';

// The width libraries load lazily (main.ts awaits this for the commands that draw).
beforeAll(loadTextWidth);

describe('colorEnabled', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it('colours a terminal, never a pipe, unless asked', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });
  it('honours NO_COLOR and FORCE_COLOR (empty values count as unset; FORCE_COLOR=0 turns colour off)', () => {
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '3' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });
});

describe('live lines in terminal columns', () => {
  it('truncate() never returns more columns than asked, wide characters included', () => {
    const name = '東京の夜の雨の音楽と街の記憶.wav';
    for (let w = 1; w <= 32; w++) {
      for (const position of ['end', 'middle'] as const) expect(stringWidth(truncate(name, w, position)), `${w} ${position}`).toBeLessThanOrEqual(w);
    }
    expect(truncate('abc', 10)).toBe('abc');
  });

  it('LiveLines cuts every line to one column less than the terminal', () => {
    let written = '';
    const out = { isTTY: true, columns: 20, write: (t: string) => (written += t) };
    const live = new LiveLines(out);
    live.draw(['▶ 0:01.0 東京の夜の雨の音楽と街の記憶', 'plain']);
    const lines = written.split('\n').map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace('\r', ''));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(19);
    expect(lines[0]).toMatch(/^▶ 0:01\.0 東京の夜.*…$/);
  });
});
