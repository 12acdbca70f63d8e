import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { jackConnect, jackPorts } from '@sounddevice/testbed';
import { waitForPorts } from './jack-feed.js';
import { BIN, hasStack } from './run-bin.js';
import { bytesOf, tempDir, wavFile } from './wav-files.js';

const CHROMIUM = '/usr/bin/chromium';
const tmp = tempDir();
afterAll(() => tmp.remove());

/** Installs Debian's chromium when it is missing and we are root (as scripts/setup.sh does). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error('the plot --web test needs chromium: apt-get install chromium');
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Spawns `sounddevice …`; `stop()` sends SIGINT and resolves with the exit code (SIGKILL after 5 s). */
function start(args: string[]): { out: () => string; err: () => string; stop: () => Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: process.env });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    out: () => out,
    err: () => err,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

describe('sounddevice plot --web', () => {
  it('--web serves a page on 127.0.0.1 whose canvas draws the live sine (headless Chromium)', async () => {
    ensureChromium();
    // The sine comes from \`sounddevice play --loop\` in another process, its JACK
    // output connected to the plot's input.
    const sine = new Int16Array(4800);
    for (let i = 0; i < sine.length; i++) sine[i] = Math.round(16384 * Math.sin((2 * Math.PI * 50 * i) / 48000));
    const file = tmp.path('sine50.wav');
    writeFileSync(file, wavFile(1, 48000, 'int16', bytesOf(sine)));
    const beforeFeed = await jackPorts();
    const feeder = start(['play', '--loop', '--device', 'system', '--mapping', '1', file]);
    const feedPorts = await waitForPorts(beforeFeed, { outs: 1 });
    const before = await jackPorts();
    const plot = start(['plot', '--web', '--device', 'system', '--port', '0', '--duration', '60']);
    const out = plot.out;
    const profile = mkdtempSync(join(tmpdir(), 'sd-cli-chromium-'));
    const { chromium } = await import('playwright-core');
    let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    try {
      const plotPorts = await waitForPorts(before, { ins: 1 });
      await jackConnect(feedPorts.outs[0]!, plotPorts.ins[0]!);
      for (let i = 0; i < 100 && !/http:\/\/127\.0\.0\.1:\d+\//.test(out()); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out());
      expect(url, out() + plot.err()).not.toBeNull();
      const port = Number(url![1]);

      // Only this loopback address and its own Host header are served.
      const status = (host: string, path = '/'): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`evil.example:${port}`)).toBe(403);
      expect(await status(`127.0.0.1:${port}`, '/nothing')).toBe(404);

      // A fresh profile folder (chromium's --user-data-dir) for every run.
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 800, height: 400 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await browser.newPage();
      await page.goto(url![0]);
      let info = '';
      for (let i = 0; i < 100 && !info.startsWith('channel 1 · 48000 Hz'); i++) {
        await page.waitForTimeout(100);
        info = String(await page.evaluate("document.getElementById('info').textContent"));
      }
      expect(info).toMatch(/^channel 1 · 48000 Hz · 200 ms$/);
      await page.waitForTimeout(500);
      // The canvas fills the viewport: a screenshot of the page is a picture of it.
      const shot = PNG.sync.read(await page.screenshot({ timeout: 10_000 }));
      // Count the pixels of the line (blue, #1f77b4) per row: a sine of amplitude 0.5
      // spans the middle half of the canvas and reaches neither edge.
      const rows = new Array<number>(shot.height).fill(0);
      for (let y = 0; y < shot.height; y++) {
        for (let x = 0; x < shot.width; x++) {
          const i = 4 * (y * shot.width + x);
          const [r, g, b] = [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
          if (b > 120 && r < 120 && b - r > 60) rows[y]!++;
        }
      }
      const inked = rows.map((n, y) => (n > 0 ? y : -1)).filter((y) => y >= 0);
      expect(inked.length).toBeGreaterThan(0);
      const top = inked[0]! / shot.height;
      const bottom = inked.at(-1)! / shot.height;
      expect(top).toBeGreaterThan(0.2);
      expect(top).toBeLessThan(0.3);
      expect(bottom).toBeGreaterThan(0.7);
      expect(bottom).toBeLessThan(0.8);
      expect(rows.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    } finally {
      await browser?.close();
      rmSync(profile, { recursive: true, force: true });
      const code = await plot.stop();
      await feeder.stop();
      expect(code, plot.err()).toBe(0);
    }
    expect(hasStack(plot.err())).toBe(false);
  });
});
